"""Corrections as pure functions: reading values, applying them, getting the extraction back."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from schemas.corrections import (
    InvalidCorrection,
    apply_corrections,
    describe,
    extracted_record,
    field_value,
    new_correction,
    parse_value,
    with_correction,
    without_correction,
)
from schemas.record import ContractRecord

AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("field", "text", "value"), [
    ("renewal.notice_period", "90 days", {"count": 90, "unit": "days"}),
    ("renewal.notice_period", " Ninety-one? ", None),
    ("renewal.notice_period", "10 Business Days", {"count": 10, "unit": "business_days"}),
    ("renewal.renewal_term", "1 year", {"count": 1, "unit": "years"}),
    ("initial_term", "36  months", {"count": 36, "unit": "months"}),
    ("initial_term", "none", None),
    ("expiration_date", "2027-02-28", "2027-02-28"),
    ("expiration_date", "", None),
    ("perpetual", "Yes", True),
    ("renewal.auto_renews", "false", False),
    ("governing_law", " New York ", "New York"),
    ("title", "", None),
    ("parties.2.role", "Licensee", "Licensee"),
])
def test_text_forms(field: str, text: str, value: object) -> None:
    if value is None and "Ninety" in text:
        with pytest.raises(InvalidCorrection, match="is not a duration"):
            parse_value(field, text)
    else:
        assert parse_value(field, text) == value


def test_typed_json_is_checked_by_the_record_types() -> None:
    assert parse_value("renewal.notice_period", {"count": 3, "unit": "months"}) == {
        "count": 3, "unit": "months"}
    for field, value, message in [
        ("renewal.notice_period", {"count": 3, "unit": "fortnights"}, "unit"),
        ("renewal.notice_period", {"count": -3, "unit": "days"}, "greater than or equal"),
        ("renewal.notice_period", 90, "not valid"),
        ("perpetual", "2027-02-28", "not yes/no"),
        ("perpetual", None, "cannot be empty"),
        ("expiration_date", "2027-13-01", "not valid"),
        ("title", 12, "not text"),
    ]:
        with pytest.raises(InvalidCorrection, match=message) as raised:
            parse_value(field, value)  # type: ignore[arg-type]
        assert raised.value.field == field
        assert str(raised.value).startswith(f"{field}: ")


@pytest.mark.parametrize("field", [
    "renewal", "renewal.notice_deadline", "parties.0.name", "parties.1.aliases", "sla.1.target",
    "clauses", "version", "",
])
def test_only_listed_fields(field: str) -> None:
    with pytest.raises(InvalidCorrection, match="cannot be corrected"):
        new_correction(field, "x", by="alice")


def test_a_correction_needs_a_user() -> None:
    with pytest.raises(InvalidCorrection, match="who"):
        new_correction("title", "MSA", by="  ")


def test_apply_and_revert_are_exact(fixture_records: dict[str, ContractRecord]) -> None:
    saas = fixture_records["saas_subscription"]
    assert str(saas.renewal.notice_period) == "60 days"
    notice = new_correction("renewal.notice_period", "30 days", by="alice", at=AT)
    name = new_correction("parties.1.name", "Litware Inc", by="bob", at=AT, note="signature")
    corrected = apply_corrections(saas, [name, notice])
    assert [c.field for c in corrected.corrections] == ["renewal.notice_period",
                                                        "parties.1.name"]
    assert corrected.corrections[0].extracted == {"count": 60, "unit": "days"}
    assert corrected.parties[0].name == "Litware Inc"
    # the stored notice deadline follows, as of the day of the correction
    assert corrected.renewal.notice_deadline == date(2027, 1, 1)
    assert corrected.recomputed == {"renewal.notice_deadline": "2026-12-02"}
    assert extracted_record(corrected) == saas
    assert without_correction(without_correction(corrected, "parties.1.name"),
                              "renewal.notice_period") == saas
    assert json.loads(corrected.model_dump_json())["corrections"][1]["note"] == "signature"
    assert ContractRecord.model_validate_json(corrected.model_dump_json()) == corrected


def test_a_computed_expiration_follows_the_corrected_term(
    fixture_records: dict[str, ContractRecord]
) -> None:
    saas = fixture_records["saas_subscription"]  # expiration computed from 2024-02-01 + 12 m
    assert saas.expiration_date == date(2025, 1, 31)
    longer = with_correction(saas, new_correction("initial_term", "24 months", by="a", at=AT))
    assert longer.expiration_date == date(2026, 1, 31)
    assert longer.recomputed["expiration_date"] == "2025-01-31"
    assert any("recomputed as 2026-01-31" in w for w in longer.warnings)
    assert extracted_record(longer) == saas
    # an expiration the admin states is theirs: the term no longer moves it
    stated = with_correction(longer, new_correction("expiration_date", "2025-12-31", by="a",
                                                    at=AT))
    assert stated.expiration_date == date(2025, 12, 31)
    assert extracted_record(stated) == saas


def test_a_stated_expiration_is_not_recomputed(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    msa = msa.model_copy(update={"warnings": []})  # as if the contract stated its end date
    longer = with_correction(msa, new_correction("initial_term", "5 years", by="a", at=AT))
    assert longer.expiration_date == msa.expiration_date


def test_a_correction_of_a_party_the_extraction_lacks(
    fixture_records: dict[str, ContractRecord]
) -> None:
    nda = fixture_records["mutual_nda"]
    third = new_correction("parties.3.name", "Fabrikam", by="alice", at=AT)
    corrected = apply_corrections(nda, [third])
    assert corrected.parties == nda.parties
    assert corrected.corrections[0].field == "parties.3.name"
    assert "correction of parties.3.name not applied" in corrected.warnings[-1]
    assert extracted_record(corrected) == nda


def test_values_as_people_read_them(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    assert describe(field_value(msa, "renewal.notice_period")) == "90 days"
    assert describe(field_value(msa, "renewal.auto_renews")) == "yes"
    assert describe(field_value(msa, "expiration_date")) == "2027-02-28"
    assert describe(field_value(msa, "parties.1.name")) == msa.parties[0].name
    assert describe(field_value(msa, "parties.9.name")) == "—"
