"""The SQLite side of corrections: migration 5, the table, the record JSON left as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_schema import LATEST_VERSION
from schemas.record import ContractRecord

AT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)


def test_a_version_4_database_gains_the_corrections_table(
    db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    with SqlitePortfolio(db_path) as store:
        store.add(msa)
    with sqlite3.connect(db_path) as conn:  # the file as the previous release left it
        conn.execute("DROP TABLE corrections")
        conn.execute("DROP TABLE deadlines")
        conn.execute("DELETE FROM schema_version WHERE version >= 5")
    with SqlitePortfolio(db_path) as store:
        assert store.migrations_applied == list(range(5, LATEST_VERSION + 1))
        assert store.get(msa.id) == msa
        store.correct(msa.id, "renewal.notice_period", "30 days", by="alice", at=AT)
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT record_id, field, value, extracted, corrected_by,"
                            " corrected_at, note FROM corrections").fetchall()
    assert rows == [(msa.id, "renewal.notice_period", '{"count": 30, "unit": "days"}',
                     '{"count": 90, "unit": "days"}', "alice", "2025-09-01T07:30:00+00:00",
                     None)]


def test_uncorrected_records_are_stored_byte_for_byte_as_before(
    sqlite_loaded: SqlitePortfolio, contracts: dict[str, ContractRecord], db_path: Path
) -> None:
    msa = contracts["msa"]
    sqlite_loaded.correct(msa.id, "title", "MSA", by="alice", at=AT)
    sqlite_loaded.undo_correction(msa.id, "title")
    with sqlite3.connect(db_path) as conn:
        stored = dict(conn.execute("SELECT id, record_json FROM records").fetchall())
    for record in contracts.values():
        assert stored[record.id] == record.model_dump_json()
        assert "corrections" not in json.loads(stored[record.id])


def test_the_filter_columns_follow_the_correction(
    sqlite_loaded: SqlitePortfolio, contracts: dict[str, ContractRecord], db_path: Path
) -> None:
    support = contracts["support"]  # evergreen: left out of the deadline scan by column
    sqlite_loaded.correct(support.id, "renewal.evergreen", "false", by="alice", at=AT)
    sqlite_loaded.correct(support.id, "perpetual", "no", by="alice", at=AT)
    sqlite_loaded.correct(support.id, "expiration_date", "2026-06-30", by="alice", at=AT)
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT perpetual, evergreen, expiration_date FROM records"
                           " WHERE id = ?", (support.id,)).fetchone()
    assert row == (0, 0, "2026-06-30")
    due = {r.record_id: r.due_date.isoformat()
           for r in sqlite_loaded.upcoming_deadlines(AT.date(), 3650)}
    assert due[support.id] == "2026-06-30"
