"""Sanity checks on the synthetic contract fixtures in fixtures/contracts/.

Each PDF must open, have the page count its golden file states and a text layer with its
parties and governing law; each golden file must hold well-typed ContractRecord values
whose dates follow the project's term conventions; and the generator must be
deterministic and in sync with the committed golden files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from schemas.record import ClauseType, ContractRecord, Duration
from schemas.terms import term_end

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "contracts"
GENERATOR = FIXTURES / "generate.py"
STEMS = (
    "msa_sla_exhibit",
    "saas_subscription",
    "hosting_service_credits",
    "outsourcing_liquidated_damages",
    "maintenance_severity",
    "perpetual_license",
    "mutual_nda",
    "evergreen_services",
)
GOLDEN_KEYS = [
    "filename", "pages", "title", "parties", "agreement_date", "effective_date",
    "expiration_date", "perpetual", "initial_term", "renewal", "governing_law", "sla",
    "penalties", "clause_types",
]
SLA_UNITS = {"percent", "minutes", "hours", "business_hours", "days", "business_days"}
SLA_WINDOWS = {None, "month", "quarter", "year"}
PENALTY_UNITS = {None, "percent_of_monthly_fees", "percent_per_month", "USD_per_day", "USD"}
CAP_UNITS = {"percent_of_monthly_fees", "USD"}


def _expected(stem: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{stem}.expected.json").read_text(encoding="utf-8"))


def _document_text(path: Path) -> str:
    """All pages' text, whitespace collapsed and typographic apostrophes made plain."""
    doc = pdfium.PdfDocument(path)
    try:
        text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    return re.sub(r"\s+", " ", text).replace("’", "'")


def test_every_fixture_has_a_pdf_and_a_golden_file() -> None:
    on_disk = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    assert on_disk == set(STEMS)
    for stem in STEMS:
        assert (FIXTURES / f"{stem}.pdf").is_file(), f"{stem}.pdf is missing"


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_opens_with_the_stated_page_count(stem: str) -> None:
    expected = _expected(stem)
    assert expected["filename"] == f"{stem}.pdf"
    doc = pdfium.PdfDocument(FIXTURES / expected["filename"])
    try:
        assert len(doc) == expected["pages"]
    finally:
        doc.close()
    assert 3 <= expected["pages"] <= 8


@pytest.mark.parametrize("stem", STEMS)
def test_text_layer_names_the_parties_and_the_law(stem: str) -> None:
    expected = _expected(stem)
    text = _document_text(FIXTURES / expected["filename"])
    assert expected["title"].lower() in text.lower()
    for party in expected["parties"]:
        assert party["name"] in text
        for alias in party["aliases"]:
            assert f'"{alias}"' in text.replace("“", '"').replace("”", '"')
    for part in expected["governing_law"].split(", "):  # "Ontario, Canada"
        assert part in text
    assert f"Confidential – Page 1 of {expected['pages']}" in text


@pytest.mark.parametrize("stem", STEMS)
def test_golden_file_has_well_typed_values(stem: str) -> None:
    expected = _expected(stem)
    assert list(expected) == GOLDEN_KEYS
    for key in ("agreement_date", "effective_date", "expiration_date"):
        if expected[key] is not None:
            date.fromisoformat(expected[key])
    assert expected["agreement_date"] <= expected["effective_date"]
    for kind in expected["clause_types"]:
        ClauseType(kind)
    assert len(set(expected["clause_types"])) == len(expected["clause_types"])
    for sla in expected["sla"]:
        assert sla["unit"] in SLA_UNITS and sla["window"] in SLA_WINDOWS
    for penalty in expected["penalties"]:
        assert penalty["unit"] in PENALTY_UNITS
        assert penalty["cap"] is None or penalty["cap"]["unit"] in CAP_UNITS
    # The golden values are exactly ContractRecord fields: the model must accept them.
    fields = {k: v for k, v in expected.items() if k != "clause_types"}
    ContractRecord.model_validate(
        {**fields, "id": "0" * 64, "source": expected["filename"], "extractor_version": "golden"}
    )


@pytest.mark.parametrize("stem", STEMS)
def test_golden_dates_follow_the_term_conventions(stem: str) -> None:
    expected = _expected(stem)
    renewal = expected["renewal"]
    if expected["perpetual"] or renewal["evergreen"]:
        assert expected["expiration_date"] is None and expected["initial_term"] is None
        assert not renewal["auto_renews"]
        return
    start = date.fromisoformat(expected["effective_date"])
    initial = Duration.model_validate(expected["initial_term"])
    assert date.fromisoformat(expected["expiration_date"]) == term_end(start, initial)
    if renewal["auto_renews"]:
        assert renewal["renewal_term"] and renewal["notice_period"]
    else:
        assert renewal["renewal_term"] is None and renewal["notice_period"] is None


def _page_lines(stem: str) -> list[list[str]]:
    doc = pdfium.PdfDocument(FIXTURES / f"{stem}.pdf")
    try:
        return [doc[i].get_textpage().get_text_range().splitlines() for i in range(len(doc))]
    finally:
        doc.close()


@pytest.mark.parametrize(("stem", "row"), [
    ("msa_sla_exhibit", "Less than 99.9% but at least 99.5% 5% of Monthly Fees"),
    ("msa_sla_exhibit", "Less than 99.0% 25% of Monthly Fees"),
    ("hosting_service_credits", "Below 99.95% and at or above 99.9% 5%"),
    ("hosting_service_credits",
     "Priority 3 Normal - all other requests 8 Business Hours Business Hours"),
    ("maintenance_severity", "Severity 1 Critical: production down, no workaround 1 hour 4 hours"),
    ("maintenance_severity",
     "Severity 3 Minor: limited impact or query 1 Business Day 5 Business Days"),
])
def test_table_rows_extract_as_one_line_each(stem: str, row: str) -> None:
    """Table cells come out in reading order, one row per line, cells separated by a space."""
    assert any(row in page for page in _page_lines(stem))  # an exact line of some page


def test_two_column_page_extracts_column_by_column() -> None:
    pages = _page_lines("hosting_service_credits")
    [page] = [p for p in pages if "GENERAL TERMS AND CONDITIONS" in p]
    headings = [f"{n}. {title}" for n, title in enumerate(
        ("CONFIDENTIALITY", "WARRANTIES", "LIMITATION OF LIABILITY", "INDEMNITY",
         "CUSTOMER CONTENT", "TERMINATION", "INSURANCE", "GOVERNING LAW", "GENERAL"), start=6)]
    positions = [page.index(h) for h in headings]  # all on this one page ...
    assert positions == sorted(positions)  # ... in order: left column, then right column
    body = page[1:-1]  # without the running header and the footer
    assert max(len(line) for line in body) < 70, "a line spans both columns"


def test_generator_is_deterministic_and_matches_the_golden_files(tmp_path: Path) -> None:
    runs = [tmp_path / "first", tmp_path / "second"]
    for out in runs:
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True,
                       capture_output=True, text=True)
    first, second = ({p.name: p.read_bytes() for p in out.iterdir()} for out in runs)
    assert sorted(first) == sorted(f"{s}{ext}" for s in STEMS for ext in (".pdf", ".expected.json"))
    for name, data in first.items():
        assert second[name] == data, f"{name} differs between two runs of the generator"
    for stem in STEMS:
        committed = (FIXTURES / f"{stem}.expected.json").read_bytes()
        assert first[f"{stem}.expected.json"] == committed, (
            f"{stem}.expected.json is stale: rerun fixtures/contracts/generate.py")
