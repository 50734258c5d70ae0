"""Corrections: stored apart, read back in every record, kept through re-extraction, undone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portfolio.base import Portfolio
from portfolio.errors import UnknownCorrection, UnknownRecord
from portfolio.models import AddOutcome, ClauseQuery
from schemas.corrections import InvalidCorrection
from schemas.record import ContractRecord, Duration

AT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)
TODAY = date(2025, 9, 1)
NOTICE = "renewal.notice_period"


def test_a_correction_is_read_back_everywhere(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    before = {r.record_id: r.due_date for r in loaded.upcoming_deadlines(TODAY, 365)}
    assert before[msa.id] == date(2025, 11, 30)  # term ends 2026-02-28, 90 days' notice

    record = loaded.correct(msa.id, NOTICE, "30 days", by="alice", note="see §3", at=AT)

    assert record.renewal.notice_period == Duration(count=30, unit="days")
    assert record.renewal.notice_deadline is None, "no stated expiration: none stored"
    for read in (loaded.get(msa.id), loaded.find(msa.filename)[0],
                 next(r for r in loaded.records() if r.id == msa.id)):
        assert read == record
    [correction] = loaded.corrections(msa.id)
    assert (correction.field, correction.value, correction.extracted) == (
        NOTICE, {"count": 30, "unit": "days"}, {"count": 90, "unit": "days"})
    assert (correction.by, correction.at, correction.note) == ("alice", AT, "see §3")
    assert record.corrections == [correction]
    after = {r.record_id: r for r in loaded.upcoming_deadlines(TODAY, 365)}
    assert after[msa.id].due_date == date(2026, 1, 29)
    assert after[msa.id].notice_period == Duration(count=30, unit="days")
    assert loaded.term_status(record, TODAY).due_date == date(2026, 1, 29)


def test_corrections_survive_re_extraction(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    loaded.correct(msa.id, NOTICE, "30 days", by="alice", at=AT)
    loaded.correct(msa.id, "parties.2.name", "Northwind Cloud Services, Inc.", by="bob", at=AT)

    # the same file extracted again by a newer extractor (reindex, the inbox)
    upgraded = msa.model_copy(update={"extractor_version": "next", "title": "MSA 2021"})
    assert loaded.add_many([upgraded]) == [AddOutcome.replaced]
    record = loaded.get(msa.id)
    assert record is not None and record.title == "MSA 2021"
    assert record.renewal.notice_period == Duration(count=30, unit="days")
    assert record.parties[1].name == "Northwind Cloud Services, Inc."
    assert [c.field for c in loaded.corrections(msa.id)] == [NOTICE, "parties.2.name"]
    # stored again unchanged: nothing to do
    assert loaded.add(upgraded) is AddOutcome.unchanged

    # a later extraction that reads what the admin entered: the correction stays, harmless
    fixed = upgraded.model_copy(update={"renewal": upgraded.renewal.model_copy(
        update={"notice_period": Duration(count=30, unit="days")})})
    loaded.add(fixed)
    record = loaded.get(msa.id)
    assert record is not None
    assert record.renewal.notice_period == Duration(count=30, unit="days")
    assert loaded.corrections(msa.id)[0].extracted == {"count": 30, "unit": "days"}


def test_undo_restores_the_extraction(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    loaded.correct(msa.id, NOTICE, "30 days", by="alice", at=AT)
    loaded.correct(msa.id, NOTICE, "45 days", by="bob", at=AT)  # replaces the first
    [correction] = loaded.corrections(msa.id)
    assert (correction.by, correction.extracted) == ("bob", {"count": 90, "unit": "days"})
    restored = loaded.undo_correction(msa.id, NOTICE)
    assert restored == msa
    assert loaded.get(msa.id) == msa
    assert loaded.corrections(msa.id) == []
    with pytest.raises(UnknownCorrection):
        loaded.undo_correction(msa.id, NOTICE)


@pytest.mark.parametrize(("field", "value", "message"), [
    (NOTICE, "ninety", "renewal.notice_period: 'ninety' is not a duration"),
    ("effective_date", "2021-02-30", "effective_date: '2021-02-30' is not valid"),
    ("effective_date", "March 1", "effective_date: 'March 1' is not a date like"),
    ("renewal.auto_renews", "maybe", "renewal.auto_renews: 'maybe' is not yes/no"),
    ("parties.1.name", "", "parties.1.name: party 1 name cannot be empty"),
    ("renewal.current_term_end", "2027-01-01", "renewal.current_term_end: this field cannot"),
    ("id", "0" * 64, "id: this field cannot be corrected"),
])
def test_bad_corrections_are_refused_and_nothing_is_stored(
    loaded: Portfolio, contracts: dict[str, ContractRecord], field: str, value: str,
    message: str,
) -> None:
    msa = contracts["msa"]
    with pytest.raises(InvalidCorrection, match=message.replace("(", r"\(")):
        loaded.correct(msa.id, field, value, by="alice")
    assert loaded.get(msa.id) == msa
    assert loaded.corrections(msa.id) == []


def test_unknown_records(store: Portfolio) -> None:
    with pytest.raises(UnknownRecord):
        store.correct("0" * 64, NOTICE, "30 days", by="alice")
    with pytest.raises(UnknownRecord):
        store.undo_correction("0" * 64, NOTICE)
    with pytest.raises(UnknownRecord):
        store.corrections("0" * 64)


def test_corrected_names_and_law_are_what_search_filters_on(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    loaded.correct(msa.id, "parties.2.name", "Contoso Cloud GmbH", by="alice", at=AT)
    loaded.correct(msa.id, "governing_law", "Delaware", by="alice", at=AT)
    hits = loaded.search(ClauseQuery(text="service credit", party="contoso cloud")).hits
    assert {h.record_id for h in hits} == {msa.id}
    assert "Contoso Cloud GmbH" in hits[0].parties
    assert loaded.search(ClauseQuery(text="service credit", party="northwind")).hits == []
    by_law = loaded.search(ClauseQuery(text="service credit", governing_law="delaware")).hits
    assert {h.record_id for h in by_law} == {msa.id}


def test_a_new_version_starts_without_the_old_versions_corrections(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    loaded.correct(msa.id, NOTICE, "30 days", by="alice", at=AT)
    v2 = msa.model_copy(update={"id": "e" * 64})
    assert loaded.add_many([v2], as_new_versions=True) == [AddOutcome.new_version]
    current = loaded.get(v2.id)
    assert current is not None and current.corrections == []
    assert current.renewal.notice_period == Duration(count=90, unit="days")
    assert loaded.corrections(msa.id)[0].field == NOTICE, "the old version keeps its own"


def test_removing_a_record_removes_its_corrections(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    loaded.correct(msa.id, NOTICE, "30 days", by="alice", at=AT)
    assert loaded.remove(msa.id)
    loaded.add(msa)
    assert loaded.corrections(msa.id) == []
    assert loaded.get(msa.id) == msa


def test_a_record_copied_with_its_corrections_keeps_them(
    loaded: Portfolio, store: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    corrected = loaded.correct(msa.id, NOTICE, "30 days", by="alice", at=AT)
    loaded.remove(msa.id)
    assert loaded.add(corrected) is AddOutcome.added
    assert loaded.get(msa.id) == corrected
    assert [c.field for c in loaded.corrections(msa.id)] == [NOTICE]
    assert loaded.undo_correction(msa.id, NOTICE) == msa
