"""Corrections in the SQLite portfolio: the `corrections` table (schema migration 5).

The table is where a correction lives; `records.record_json` holds the record with its
corrections applied (`schemas.corrections.apply_corrections`), so every reader, search
filter and deadline sees the corrected values without knowing corrections exist. These
helpers run inside the caller's write transaction (`portfolio.sqlite`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from portfolio.sqlite_driver import sqlite3
from schemas.corrections import FIELDS, apply_corrections, extracted_record
from schemas.record import ContractRecord, Correction

_ORDER = {field: position for position, field in enumerate(FIELDS)}


def _sort_key(correction: Correction) -> tuple[int, str]:
    return (_ORDER.get(correction.field, len(_ORDER)), correction.field)


def stored_corrections(conn: sqlite3.Connection, record_id: str) -> list[Correction]:
    """The corrections of one record, in the order a contract page lists the fields."""
    rows = conn.execute(
        "SELECT field, value, extracted, corrected_by, corrected_at, note FROM corrections"
        " WHERE record_id = ?",
        (record_id,),
    ).fetchall()
    found = [
        Correction(field=field, value=json.loads(value), extracted=json.loads(extracted),
                   by=by, at=datetime.fromisoformat(at), note=note)
        for field, value, extracted, by, at, note in rows
    ]
    return sorted(found, key=_sort_key)


def save_corrections(
    conn: sqlite3.Connection, record_id: str, corrections: Sequence[Correction]
) -> None:
    """Insert or replace these corrections of one record (one row per field)."""
    conn.executemany(
        "INSERT INTO corrections (record_id, field, value, extracted, corrected_by,"
        " corrected_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (record_id, field) DO UPDATE SET value = excluded.value,"
        " extracted = excluded.extracted, corrected_by = excluded.corrected_by,"
        " corrected_at = excluded.corrected_at, note = excluded.note",
        [
            (record_id, c.field, json.dumps(c.value), json.dumps(c.extracted), c.by,
             c.at.isoformat(), c.note)
            for c in corrections
        ],
    )


def delete_correction(conn: sqlite3.Connection, record_id: str, field: str) -> bool:
    """Remove the correction of `field`; False if there was none."""
    cursor = conn.execute(
        "DELETE FROM corrections WHERE record_id = ? AND field = ?", (record_id, field)
    )
    return cursor.rowcount > 0


def with_corrections(
    conn: sqlite3.Connection, record: ContractRecord, *, stored: bool
) -> ContractRecord:
    """The record to store: its extraction with the file's corrections applied.

    A stored record's corrections are the table's; a new record brings its own (a record
    copied from another portfolio), which the caller then saves. A record given already
    corrected is reverted to its extraction first, so the extracted values stay true.
    """
    corrections = stored_corrections(conn, record.id) if stored else list(record.corrections)
    if not corrections and not record.corrections:
        return record
    return apply_corrections(extracted_record(record), corrections)
