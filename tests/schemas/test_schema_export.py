"""The committed JSON Schema must match the models (regenerate: python -m schemas.json_schema)."""

from schemas.json_schema import SCHEMA_PATH, contract_record_schema


def test_committed_schema_is_in_sync() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == contract_record_schema(), (
        "schemas/contract_record.schema.json is stale: run `python -m schemas.json_schema`"
    )
