"""The `deadlines` table answers exactly what `portfolio.renewals` computes from the records.

Hundreds of generated contracts (every duration unit, month ends and leap days, notice
longer than the renewal term, daily renewals that outrun `MAX_ROLLS`, evergreen,
perpetual, undated, superseded versions) are queried for many days in a shuffled order,
far in the past and far in the future, so rows go stale in both directions and are rolled
back and forth; each answer is compared with the pure Python reference over the records.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from portfolio.base import Portfolio
from portfolio.models import TermState
from portfolio.renewals import upcoming_deadlines
from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_deadline_queries import has_stale
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_schema import LATEST_VERSION
from schemas.record import ContractRecord, Duration, DurationUnit, Renewal
from tests.portfolio.generated import ROLES, new_versions, portfolio_records, query_days


def _current(store: SqlitePortfolio) -> list[ContractRecord]:
    return [r for r in store.records() if r.superseded_by is None]


def _assert_same(store: SqlitePortfolio, day: date, within: int, roles: frozenset[str]) -> None:
    reference = upcoming_deadlines(_current(store), day, within, roles)
    assert store.upcoming_deadlines(day, within, roles) == reference, (day, within, roles)


@pytest.fixture
def generated(db_path: Path) -> SqlitePortfolio:
    store = SqlitePortfolio(db_path)
    records = portfolio_records()
    store.add_many(records)
    store.add_many(new_versions(records), as_new_versions=True)
    return store


def test_upcoming_deadlines_equal_the_reference_on_any_day(generated: SqlitePortfolio) -> None:
    rng = random.Random(3)
    superseded = [r for r in generated.records() if r.superseded_by is not None]
    assert len(superseded) == 31  # every tenth record
    for day in query_days():
        within = rng.choice([0, 1, 30, 90, 365, 3650])
        _assert_same(generated, day, within, rng.choice(ROLES))
        assert not has_stale(generated._conn, day)  # rolled and stored: tomorrow is cheap
    states = {generated.term_status(r, day).state
              for r in _current(generated) for day in (date(2024, 1, 1), date(2030, 1, 1))}
    assert states == set(TermState)  # every kind of position was exercised


def test_details_and_no_date_contracts_equal_the_reference(generated: SqlitePortfolio) -> None:
    records = _current(generated)
    also = {r.id for r in records[::7]} | {"f" * 64}  # and an id the store does not have
    for day in [date(2026, 11, 22), date(2019, 3, 1), date(2031, 7, 15)]:
        for roles in ROLES[:2]:
            expected = Portfolio.deadline_details(generated, day, 60, roles, also)
            assert generated.deadline_details(day, 60, roles, also) == expected
        assert generated.no_date_contracts(day) == Portfolio.no_date_contracts(generated, day)


def test_a_busy_store_answers_from_recomputed_rows(generated: SqlitePortfolio,
                                                   db_path: Path) -> None:
    """Another writer holds the lock: nothing is stored, the answer is the same."""
    day = date(2033, 2, 14)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        _assert_same(generated, day, 365, frozenset())
        assert generated.no_date_contracts(day) == Portfolio.no_date_contracts(generated, day)
        assert has_stale(generated._conn, day)
    finally:
        other.execute("ROLLBACK")
        other.close()
    _assert_same(generated, day, 365, frozenset())
    assert not has_stale(generated._conn, day)


def test_a_correction_moves_the_deadline_at_once(sqlite_loaded: SqlitePortfolio,
                                                  contracts: dict[str, ContractRecord]) -> None:
    msa = contracts["msa"]  # ends 2027-02-28 after rolling; 90 days' notice: 2026-11-30
    day = date(2026, 10, 1)
    before = {r.record_id: r.due_date for r in sqlite_loaded.upcoming_deadlines(day, 365)}
    assert before[msa.id] == date(2026, 11, 30)
    at = datetime(2026, 10, 1, tzinfo=UTC)
    sqlite_loaded.correct(msa.id, "renewal.notice_period", "30 days", by="alice", at=at)
    after = {r.record_id: r for r in sqlite_loaded.upcoming_deadlines(day, 365)}
    assert after[msa.id].due_date == date(2027, 1, 29)
    assert after[msa.id].notice_period == Duration(count=30, unit=DurationUnit.days)
    _assert_same(sqlite_loaded, day, 365, frozenset())
    sqlite_loaded.undo_correction(msa.id, "renewal.notice_period")
    _assert_same(sqlite_loaded, day, 365, frozenset())
    sqlite_loaded.correct(msa.id, "parties.2.name", "Northwind Ltd", by="bob", at=at)
    row = {r.record_id: r for r in sqlite_loaded.upcoming_deadlines(day, 365, {"customer"})}
    assert row[msa.id].counterparty == "Northwind Ltd"


def test_replacing_and_removing_records_keep_the_table_in_step(
    generated: SqlitePortfolio,
) -> None:
    records = _current(generated)
    day = date(2027, 3, 1)
    for record in records[:20]:  # re-extracted with other values: same id, replaced
        changed = record.model_copy(update={
            "expiration_date": day + timedelta(days=10), "perpetual": False,
            "renewal": Renewal(auto_renews=False),
        })
        generated.add(changed)
    for record in records[20:30]:
        assert generated.remove(record.id)
    _assert_same(generated, day, 30, frozenset())


def test_an_existing_database_is_backfilled_when_opened(
    generated: SqlitePortfolio, db_path: Path
) -> None:
    day = date(2026, 12, 1)
    expected = generated.upcoming_deadlines(day, 365)
    generated.close()
    with sqlite3.connect(db_path) as conn:  # the file as the previous release left it
        conn.execute("DROP TABLE deadlines")
        conn.execute("DELETE FROM schema_version WHERE version = 6")
    with SqlitePortfolio(db_path) as store:
        assert store.migrations_applied == [6] == [LATEST_VERSION]
        count = store._conn.execute("SELECT count(*) FROM deadlines").fetchone()[0]
        assert count == len(_current(store))
        assert store.upcoming_deadlines(day, 365) == expected
        _assert_same(store, day, 365, frozenset())


def test_the_query_is_an_index_range_scan(generated: SqlitePortfolio) -> None:
    plan = generated._conn.execute(
        "EXPLAIN QUERY PLAN SELECT record_id FROM deadlines WHERE due_date BETWEEN ? AND ?"
        " AND (valid_from IS NULL OR valid_from <= ?)", ("2026-01-01", "2026-04-01", "2026-01-01")
    ).fetchall()
    assert any("USING INDEX deadlines_due" in row[-1] for row in plan), plan


def test_rows_written_by_other_rules_are_rebuilt_when_opened(
    generated: SqlitePortfolio, db_path: Path
) -> None:
    """A release that computes terms differently must not answer from the old rows."""
    day = date(2026, 12, 1)
    expected = generated.upcoming_deadlines(day, 365)
    generated.close()
    with sqlite3.connect(db_path) as conn:  # rows as an older program computed them
        conn.execute("UPDATE deadline_rules SET fingerprint = 'older rules'")
        conn.execute("UPDATE deadlines SET due_date = '2026-12-02', valid_from = NULL,"
                     " valid_until = '2099-01-01', kind = 'expiration', state = 'ending',"
                     " current_term_end = '2026-12-02'")
    with SqlitePortfolio(db_path) as store:
        assert store.migrations_applied == []
        assert store.upcoming_deadlines(day, 365) == expected
        _assert_same(store, day, 365, frozenset())
