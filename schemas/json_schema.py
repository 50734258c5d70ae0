"""Export the ContractRecord JSON Schema (committed beside this module, kept in sync by a test).

Run `python -m schemas.json_schema` to rewrite `schemas/contract_record.schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

from schemas.record import ContractRecord

SCHEMA_PATH = Path(__file__).with_name("contract_record.schema.json")


def contract_record_schema() -> str:
    """The schema as stable, pretty-printed JSON text."""
    return json.dumps(ContractRecord.model_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(contract_record_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
