"""The inbox journal, read-only: what became of each drop, by outcome, newest first.

`Journal` is the worker's handle (it creates the file, takes the lock, writes intents).
Anything that only *shows* the inbox (the web app's status page, a monitoring script)
must do none of that while a watcher is working: `JournalView` opens the file with
SQLite's `mode=ro`, never creates it, never takes the inbox lock, and reads what the
worker has committed (WAL readers do not block the writer, nor it them).

Each row gets one `DropStatus`, the word a contract admin reads:

    done + added         -> ingested          done + failed / vanished -> failed
    done + new_version   -> new_version       claimed, archiving, archived,
    done + duplicate     -> duplicate          failing, stuck           -> waiting

A `stuck` row (the file could not be moved) is shown only until the same path is tried
again: each retry is a new row, and the old ones are history nobody needs to read.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Self

from pydantic import BaseModel

from inbox.journal import DropOutcome, DropState
from portfolio.sqlite_driver import sqlite3


class DropStatus(StrEnum):
    """What happened to a dropped file, in a contract admin's words."""

    ingested = "ingested"
    new_version = "new_version"
    duplicate = "duplicate"
    failed = "failed"
    waiting = "waiting"


class JournalRow(BaseModel):
    """One drop as the status page needs it (the journaled record itself is not read)."""

    id: int
    path: str
    name: str
    sha256: str
    state: DropState
    outcome: DropOutcome | None
    dest: str | None
    record_id: str | None
    reason: str | None
    updated_at: datetime
    status: DropStatus


_STATUS = """CASE
    WHEN state = 'done' AND outcome = 'added' THEN 'ingested'
    WHEN state = 'done' AND outcome = 'new_version' THEN 'new_version'
    WHEN state = 'done' AND outcome = 'duplicate' THEN 'duplicate'
    WHEN state = 'done' THEN 'failed'
    ELSE 'waiting' END"""

_SHOWN = f"""SELECT id, path, name, sha256, state, outcome, dest, record_id, reason,
    updated_at, {_STATUS} AS status
    FROM drops AS d
    WHERE NOT (state = 'stuck' AND EXISTS (
        SELECT 1 FROM drops AS later WHERE later.path = d.path AND later.id > d.id))"""
"""Every row worth showing, with its status (retried `stuck` rows left out)."""

_FIELDS = tuple(JournalRow.model_fields)


class JournalView:
    """Read-only access to `inbox-journal.db`; `JournalView.open` is None if there is none."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @classmethod
    def open(cls, path: Path) -> JournalView | None:
        """The journal at `path`, or None when nothing was ever dropped (no file, no table)."""
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
        try:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drops'"
            ).fetchone()
        except sqlite3.Error:
            conn.close()
            raise
        if found is None:
            conn.close()
            return None
        return cls(conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def counts(self) -> dict[DropStatus, int]:
        """How many shown rows have each status (every status present, zeros included)."""
        found = dict(self._conn.execute(
            f"SELECT status, COUNT(*) FROM ({_SHOWN}) GROUP BY status").fetchall())
        return {status: int(found.get(status.value, 0)) for status in DropStatus}

    def rows(self, status: DropStatus | None, limit: int, offset: int) -> list[JournalRow]:
        """Shown rows with `status` (any if None), newest first, `offset` rows skipped."""
        if limit <= 0:
            return []
        rows = self._conn.execute(
            f"SELECT * FROM ({_SHOWN}) WHERE :status IS NULL OR status = :status"
            " ORDER BY id DESC LIMIT :limit OFFSET :offset",
            {"status": status.value if status else None, "limit": limit, "offset": offset},
        ).fetchall()
        return [JournalRow.model_validate(dict(zip(_FIELDS, row, strict=True)))
                for row in rows]

    def destinations(self, prefix: str) -> set[str]:
        """Every recorded destination starting with `prefix` (e.g. "failed/")."""
        rows = self._conn.execute(
            "SELECT dest FROM drops WHERE substr(dest, 1, length(:p)) = :p", {"p": prefix}
        ).fetchall()
        return {str(row[0]) for row in rows}

    def pending_paths(self) -> set[str]:
        """Paths whose latest drop is not finished (claimed, being moved, stuck): a file
        there is already shown by its journal row."""
        rows = self._conn.execute(
            "SELECT DISTINCT path FROM drops AS d WHERE state != 'done' AND NOT EXISTS ("
            "SELECT 1 FROM drops AS later WHERE later.path = d.path AND later.id > d.id)")
        return {str(row[0]) for row in rows.fetchall()}
