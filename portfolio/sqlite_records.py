"""Writing one record to the SQLite portfolio's tables, inside the caller's transaction.

`records.record_json` is the source of truth; the other record columns and the
`parties` and `clauses` rows (which feed the FTS5 index through triggers) are derived
from it here, together with the version columns, the deadline row and the corrections,
so that one transaction leaves every derived table agreeing with the record.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from pydantic import ValidationError

from portfolio.errors import UnknownRecord
from portfolio.models import AddOutcome
from portfolio.query import fold
from portfolio.sqlite_corrections import save_corrections, with_corrections
from portfolio.sqlite_deadlines import write_deadline
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_versions import (
    current_version,
    keep_version,
    next_version,
    supersede,
    write_version_columns,
)
from schemas.record import ContractRecord, Party


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _record_columns(record: ContractRecord, record_json: str) -> tuple[object, ...]:
    return (
        record.filename,
        record.source,
        record.title,
        record.governing_law,
        _iso(record.agreement_date),
        _iso(record.effective_date),
        _iso(record.expiration_date),
        int(record.perpetual),
        int(record.renewal.auto_renews),
        int(record.renewal.evergreen),
        record_json,
    )


def _party_match_text(party: Party) -> str:
    """Folded name and aliases, separated by a character no search text contains."""
    return "\x1f".join(fold(n) for n in [party.name, *party.aliases])


def store_record(
    conn: sqlite3.Connection, record: ContractRecord, as_new_version: bool = False
) -> AddOutcome:
    """Insert, keep or replace one record with its parties and clauses.

    A stored record keeps its place among the versions of its file name; with
    `as_new_version`, a new record named like a current one becomes its next version
    (see `portfolio.sqlite_versions`).
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    row = conn.execute("SELECT record_json FROM records WHERE id = ?", (record.id,)).fetchone()
    record = with_corrections(conn, record, stored=row is not None)
    previous = None
    if row is not None:
        record = keep_version(row[0], record)
    elif as_new_version and (previous := current_version(conn, record)) is not None:
        record = next_version(record, previous)
    record_json = record.model_dump_json()
    if row is None:
        conn.execute(
            "INSERT INTO records (filename, source, title, governing_law, agreement_date,"
            " effective_date, expiration_date, perpetual, auto_renews, evergreen, record_json,"
            " id, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_record_columns(record, record_json), record.id, now, now),
        )
        outcome = AddOutcome.added if previous is None else AddOutcome.new_version
    elif _same_record(row[0], record_json, record):
        return AddOutcome.unchanged
    else:
        _update_row(conn, record, record_json, now)
        conn.execute("DELETE FROM clauses WHERE record_id = ?", (record.id,))
        conn.execute("DELETE FROM parties WHERE record_id = ?", (record.id,))
        outcome = AddOutcome.replaced
    write_version_columns(conn, record)
    if previous is not None:
        supersede(conn, previous, record.id, now)
    write_deadline(conn, record)
    if record.corrections:  # the extracted values they replaced, as of this extraction
        save_corrections(conn, record.id, record.corrections)
    _insert_parties(conn, record)
    conn.executemany(
        'INSERT INTO clauses (record_id, ordinal, type, heading, page, start, "end", text)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (record.id, i, c.type.value, c.heading, c.page, c.start, c.end, c.text)
            for i, c in enumerate(record.clauses)
        ],
    )
    return outcome


def _update_row(
    conn: sqlite3.Connection, record: ContractRecord, record_json: str, now: str
) -> None:
    conn.execute(
        "UPDATE records SET filename = ?, source = ?, title = ?, governing_law = ?,"
        " agreement_date = ?, effective_date = ?, expiration_date = ?, perpetual = ?,"
        " auto_renews = ?, evergreen = ?, record_json = ?, updated_at = ? WHERE id = ?",
        (*_record_columns(record, record_json), now, record.id),
    )


def _insert_parties(conn: sqlite3.Connection, record: ContractRecord) -> None:
    conn.executemany(
        "INSERT INTO parties (record_id, ordinal, name, role, aliases, match_text)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (record.id, i, p.name, p.role, json.dumps(p.aliases), _party_match_text(p))
            for i, p in enumerate(record.parties)
        ],
    )


def stored_record(conn: sqlite3.Connection, record_id: str) -> ContractRecord:
    row = conn.execute("SELECT record_json FROM records WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        raise UnknownRecord(f"no contract with id {record_id} in the portfolio")
    return ContractRecord.model_validate_json(row[0])


def rewrite_record(conn: sqlite3.Connection, record: ContractRecord) -> None:
    """Store a stored record's new field values (a correction: clauses are unchanged)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    _update_row(conn, record, record.model_dump_json(), now)
    conn.execute("DELETE FROM parties WHERE record_id = ?", (record.id,))
    _insert_parties(conn, record)
    write_deadline(conn, record)  # a corrected date or term moves the deadline at once


def _same_record(stored_json: str, new_json: str, record: ContractRecord) -> bool:
    """Equal content, even if serialised differently (e.g. by an older schemas version)."""
    if stored_json == new_json:
        return True
    try:
        return ContractRecord.model_validate_json(stored_json) == record
    except ValidationError:
        return False
