"""Versions of a contract in the SQLite portfolio.

A contract admin who drops `msa.pdf` again with different bytes (a signed copy, an
amendment folded in) means "this is the new MSA", not "a second MSA". Such a record is
added as the next version of the current record with that file name (case-insensitive):
it gets `version = previous + 1` and `supersedes`, the previous one gets `superseded_by`.
Both stay stored and searchable; search and deadlines keep to current versions unless
asked (`ClauseQuery.all_versions`). Re-extracting a stored file never moves it in its
chain: `keep_version` carries the stored fields over.

These helpers run inside the caller's write transaction (`sqlite_records.store_record`).
"""

from __future__ import annotations

import json

from portfolio.sqlite_deadlines import drop_deadline
from portfolio.sqlite_driver import sqlite3
from schemas.record import ContractRecord


def keep_version(stored_json: str, record: ContractRecord) -> ContractRecord:
    """`record` with the version fields of the stored record it replaces.

    Read from the raw JSON (not validated) so that a record stored by an older program,
    without these keys, counts as version 1.
    """
    stored = json.loads(stored_json)
    update = {
        "version": stored.get("version", 1),
        "supersedes": stored.get("supersedes"),
        "superseded_by": stored.get("superseded_by"),
    }
    return record.model_copy(update=update)


def current_version(conn: sqlite3.Connection, record: ContractRecord) -> ContractRecord | None:
    """The current record with `record`'s file name and other bytes, if there is one.

    Several current records may share a name when they came in through `contracts ingest`
    (which never supersedes); the one with the highest version, most recently added, wins.
    """
    row = conn.execute(
        "SELECT record_json FROM records WHERE filename = ? COLLATE NOCASE"
        " AND superseded_by IS NULL AND id != ? ORDER BY version DESC, added_at DESC, id"
        " LIMIT 1",
        (record.filename, record.id),
    ).fetchone()
    return ContractRecord.model_validate_json(row[0]) if row else None


def next_version(record: ContractRecord, previous: ContractRecord) -> ContractRecord:
    """`record` numbered as the version after `previous`."""
    return record.model_copy(
        update={"version": previous.version + 1, "supersedes": previous.id, "superseded_by": None}
    )


def write_version_columns(conn: sqlite3.Connection, record: ContractRecord) -> None:
    """Mirror the record's version fields into the columns search and deadlines filter on."""
    conn.execute(
        "UPDATE records SET version = ?, superseded_by = ? WHERE id = ?",
        (record.version, record.superseded_by, record.id),
    )


def supersede(conn: sqlite3.Connection, previous: ContractRecord, newer_id: str, now: str) -> None:
    """Mark `previous` as superseded by the (already inserted) record `newer_id`.

    Per-contract alert lead times and the alert ledger follow the contract to its new
    version: they were set, and sent, for the agreement, not for one file of it. A
    re-signed copy with the same notice deadline must not bring the same reminder twice.
    """
    superseded = previous.model_copy(update={"superseded_by": newer_id})
    conn.execute(
        "UPDATE records SET superseded_by = ?, record_json = ?, updated_at = ? WHERE id = ?",
        (newer_id, superseded.model_dump_json(), now, previous.id),
    )
    drop_deadline(conn, previous.id)  # the new version carries the dates
    if _has_table(conn, "alert_lead_days"):
        conn.execute(
            "INSERT INTO alert_lead_days (record_id, lead_days, updated_at)"
            " SELECT ?, lead_days, ? FROM alert_lead_days WHERE record_id = ?"
            " ON CONFLICT (record_id) DO NOTHING",
            (newer_id, now, previous.id),
        )
    if _has_table(conn, "alerts"):
        conn.execute("UPDATE alerts SET record_id = ? WHERE record_id = ?", (newer_id, previous.id))


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None

