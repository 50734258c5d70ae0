"""Versions: a file dropped again under a known name, with other bytes, supersedes it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from portfolio import AddOutcome, ClauseQuery
from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_schema import LATEST_VERSION
from schemas.record import ContractRecord
from tests.portfolio.conftest import record_id

TODAY = date(2026, 11, 21)


def _new_version(record: ContractRecord, tag: str, **changes: object) -> ContractRecord:
    return record.model_copy(update={"id": record_id(tag), **changes})


def test_same_name_other_bytes_is_the_next_version(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    v2 = _new_version(v1, "msa-v2", title="Master Services Agreement (amended)")
    v3 = _new_version(v1, "msa-v3", filename="NORTHWIND-MSA.PDF")  # names compare folded
    assert store.add_many([v1], as_new_versions=True) == [AddOutcome.added]
    assert store.add_many([v2, v3], as_new_versions=True) == [AddOutcome.new_version] * 2
    chain = store.versions("northwind-msa.pdf")
    assert [(r.id, r.version) for r in chain] == [(v1.id, 1), (v2.id, 2), (v3.id, 3)]
    assert [r.superseded_by for r in chain] == [v2.id, v3.id, None]
    assert [r.supersedes for r in chain] == [None, v1.id, v2.id]
    assert len(store) == 3, "every version stays stored"


def test_without_the_flag_names_mean_nothing(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    store.add(v1)
    assert store.add_many([_new_version(v1, "other")]) == [AddOutcome.added]
    assert all(r.version == 1 and r.superseded_by is None for r in store.records())


def test_search_find_and_deadlines_keep_to_current_versions(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    v2 = _new_version(v1, "msa-v2")
    store.add_many([v1, v2], as_new_versions=True)

    current = store.search(ClauseQuery(text='"service credit"'))
    assert {h.record_id for h in current.hits} == {v2.id}
    assert all(h.version == 2 and not h.superseded for h in current.hits)
    both = store.search(ClauseQuery(text='"service credit"', all_versions=True))
    assert {(h.record_id, h.version, h.superseded) for h in both.hits} == {
        (v1.id, 1, True), (v2.id, 2, False)}

    assert [r.id for r in store.find("northwind-msa.pdf")] == [v2.id]
    assert [r.id for r in store.find(v1.id[:10])] == [v1.id], "an old version by its id"
    rows = store.upcoming_deadlines(TODAY, 3650)
    assert [r.record_id for r in rows] == [v2.id]


def test_reextracting_a_stored_version_keeps_its_place(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    v2 = _new_version(v1, "msa-v2")
    store.add_many([v1, v2], as_new_versions=True)
    fresh_v1 = v1.model_copy(update={"extractor_version": "newer"})  # version fields reset
    assert store.add_many([fresh_v1, v2], as_new_versions=True) == [
        AddOutcome.replaced, AddOutcome.unchanged]
    stored = store.get(v1.id)
    assert stored is not None
    assert (stored.version, stored.superseded_by, stored.extractor_version) == (
        1, v2.id, "newer")


def test_lead_day_overrides_follow_the_contract_to_its_new_version(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    store.add(v1)
    store.set_lead_days(v1.id, [120, 30])
    v2 = _new_version(v1, "msa-v2")
    store.add_many([v2], as_new_versions=True)
    assert store.lead_days_overrides()[v2.id] == [120, 30]


def test_a_database_from_before_versions_is_migrated(
    db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    with SqlitePortfolio(db_path) as store:
        store.add(v1)
    with sqlite3.connect(db_path) as conn:  # roll the file back to the schema before v3
        conn.execute("DELETE FROM schema_version WHERE version >= 3")
        conn.execute("ALTER TABLE records DROP COLUMN version")
        conn.execute("ALTER TABLE records DROP COLUMN superseded_by")
        raw = v1.model_dump(mode="json", exclude={"version", "supersedes", "superseded_by"})
        conn.execute("UPDATE records SET record_json = ?", (json.dumps(raw),))
    with SqlitePortfolio(db_path) as store:
        assert LATEST_VERSION in store.migrations_applied
        old = store.get(v1.id)
        assert old is not None and old.version == 1 and old.superseded_by is None
        v2 = _new_version(v1, "msa-v2")
        assert store.add_many([v2], as_new_versions=True) == [AddOutcome.new_version]
