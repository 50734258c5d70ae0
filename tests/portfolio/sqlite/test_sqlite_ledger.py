"""The SQLite ledger across connections, and a file from before lead-time overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_schema import MIGRATIONS
from schemas.record import ContractRecord

SENT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)


def test_other_instance_sees_the_ledger(sqlite_store: SqlitePortfolio, db_path: Path) -> None:
    sqlite_store.record_alert("k", "a" * 64, date(2025, 11, 30), 90, "email", SENT)
    with SqlitePortfolio(db_path) as other:
        assert other.alert_already_sent("k")
        assert other.record_alert("k", "a" * 64, date(2025, 11, 30), 90, "email", SENT) is False


def test_a_version_1_file_is_migrated_in_place(
    db_path: Path, contracts: dict[str, ContractRecord]
) -> None:
    """A portfolio written before lead-time overrides existed opens and keeps its ledger."""
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, '2026-01-01')")
    conn.execute(
        "INSERT INTO alerts VALUES ('k', ?, '2025-11-30', 90, 'email', ?)",
        (contracts["msa"].id, SENT.isoformat()),
    )
    conn.close()
    with SqlitePortfolio(db_path) as store:
        assert store.migrations_applied[0] == 2
        assert store.alert_already_sent("k")
        store.add(contracts["msa"])
        store.set_lead_days(contracts["msa"].id, [14])
        assert store.lead_days_overrides() == {contracts["msa"].id: [14]}
