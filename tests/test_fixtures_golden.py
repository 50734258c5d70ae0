"""Golden files: every fixture PDF, extracted, matches its expected record field by field.

The expected records (`fixtures/contracts/*.expected.json`) are written by the fixture
generator from the same spec as the PDF, never from extractor output, so a failure here
is an extraction error. Regenerate fixtures with `make fixtures`.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from extractors.pipeline import extract_record
from schemas import ContractRecord
from tests.conftest import FIXTURES

TODAY = date(2026, 11, 21)
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))
FIELDS = ["pages", "title", "parties", "agreement_date", "effective_date", "expiration_date",
          "perpetual", "initial_term", "renewal", "governing_law", "sla", "penalties",
          "clause_types"]


@cache
def extracted(stem: str) -> ContractRecord:
    return extract_record(FIXTURES / f"{stem}.pdf", today=TODAY)


def _norm_name(name: str) -> str:
    return " ".join(name.lower().replace(",", " ").replace(".", " ").split())


def project(record: ContractRecord, field: str) -> Any:
    """The comparable form of one field (evidence and offsets left out)."""
    data = json.loads(record.model_dump_json())
    if field == "title":
        return (record.title or "").lower()
    if field == "parties":
        return sorted((_norm_name(p.name), (p.role or "").lower()) for p in record.parties)
    if field == "renewal":
        keep = ("auto_renews", "evergreen", "renewal_term", "notice_period")
        return {k: data["renewal"][k] for k in keep}
    if field == "sla":
        return sorted(
            (s["metric"], s["target"], s["unit"], s["window"], s["severity"]) for s in data["sla"])
    if field == "penalties":
        return sorted((p["kind"], p["amount"], p["unit"]) for p in data["penalties"])
    if field == "clause_types":
        return sorted({c["type"] for c in data["clauses"]})
    return data[field]


def expected_value(expected: dict[str, Any], field: str) -> Any:
    if field == "title":
        return expected["title"].lower()
    if field == "parties":
        return sorted((_norm_name(p["name"]), (p.get("role") or "").lower())
                      for p in expected["parties"])
    if field == "renewal":
        keep = ("auto_renews", "evergreen", "renewal_term", "notice_period")
        return {k: expected["renewal"].get(k) for k in keep}
    if field == "sla":
        return sorted((s["metric"], s["target"], s["unit"], s.get("window"), s.get("severity"))
                      for s in expected["sla"])
    if field == "penalties":
        return sorted((p["kind"], p.get("amount"), p.get("unit")) for p in expected["penalties"])
    if field == "clause_types":
        return sorted(set(expected["clause_types"]))
    return expected[field]


def test_every_fixture_has_a_golden_file() -> None:
    pdfs = {p.stem for p in FIXTURES.glob("*.pdf")}
    assert len(pdfs) >= 8
    assert pdfs == {p.name.removesuffix(".expected.json") for p in EXPECTED}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("golden", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture_field(golden: Path, field: str) -> None:
    expected = json.loads(golden.read_text(encoding="utf-8"))
    record = extracted(golden.name.removesuffix(".expected.json"))
    got, want = project(record, field), expected_value(expected, field)
    if field == "clause_types":
        missing = sorted(set(want) - set(got))
        assert not missing, f"clause types not found: {missing} (got {got})"
    else:
        assert got == want


@pytest.mark.parametrize("golden", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_every_value_has_evidence_on_a_real_page(golden: Path) -> None:
    record = extracted(golden.name.removesuffix(".expected.json"))
    evidences = [p.evidence for p in record.parties] + [s.evidence for s in record.sla]
    evidences += [p.evidence for p in record.penalties]
    evidences += [getattr(record.evidence, f) for f in ("agreement_date", "governing_law")]
    for evidence in evidences:
        assert evidence is not None
        assert 1 <= evidence.page <= record.pages
        assert evidence.text
