"""The inbox journal: what happened to every dropped file, written ahead of each move.

One SQLite file (`HOME/inbox-journal.db`), apart from the portfolio: it is the inbox's
own bookkeeping, and the portfolio must not depend on how files arrived. Each dropped
file is a row (`Drop`) that goes through these states, each written (and fsynced,
`synchronous=FULL`) *before* the step it announces:

    claimed --> archiving --> archived --> done (added / new_version)
        |           `-----------------> done (duplicate)
        `-------> failing -----------> done (failed)
        `-------> stuck (could not be moved; retried later)

* `claimed`: hashed, nothing moved. A crash here loses nothing: the file is still in the
  inbox; recovery forgets the row and the next scan takes the file again.
* `archiving` / `failing`: the destination (and the reason text) is recorded; the move
  is redone or completed on recovery, whatever instant the crash hit.
* `archived`: the original is in `archive/`; the record may or may not be in the index
  (the index write and this journal are two files). The extracted record was journaled
  with the `archiving` intent, so recovery adds it without extracting again; adding is
  idempotent by sha256, so it is never indexed twice. The copy is dropped once done.

Only one process works the inbox at a time (`exclusive()`, an advisory lock the kernel
releases when the holder dies), so any unfinished row seen under the lock is a crash's.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from pydantic import BaseModel

from inbox.stability import FileStamp
from portfolio.sqlite_driver import sqlite3


class DropState(StrEnum):
    claimed = "claimed"
    archiving = "archiving"
    archived = "archived"
    failing = "failing"
    done = "done"
    stuck = "stuck"


class DropOutcome(StrEnum):
    added = "added"
    new_version = "new_version"
    duplicate = "duplicate"
    failed = "failed"
    vanished = "vanished"  # removed from the inbox by someone else before we moved it


UNFINISHED = (DropState.claimed, DropState.archiving, DropState.archived, DropState.failing)


class Drop(BaseModel):
    """One dropped file, as the journal knows it."""

    id: int
    path: str
    """Absolute path in the watched folder when it was claimed."""
    name: str
    sha256: str
    size: int
    mtime_ns: int
    state: DropState
    outcome: DropOutcome | None = None
    dest: str | None = None
    """archive/… or failed/… (relative to the data directory)."""
    record_id: str | None = None
    reason: str | None = None
    """For failed files: the text of `<name>.reason.txt`; for stuck ones: the error."""
    record_json: str | None = None
    """The extracted record, between the `archiving` intent and `done`."""
    claimed_at: datetime
    updated_at: datetime

    @property
    def stamp(self) -> FileStamp:
        return FileStamp(self.size, self.mtime_ns)


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS drops (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        dest TEXT,
        record_id TEXT,
        reason TEXT,
        record_json TEXT,
        claimed_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS drops_unfinished ON drops (state)"
    " WHERE state NOT IN ('done', 'stuck')",
    "CREATE INDEX IF NOT EXISTS drops_path ON drops (path)",
    "CREATE INDEX IF NOT EXISTS drops_sha256 ON drops (sha256)",
)
_COLUMNS = ("id, path, name, sha256, size, mtime_ns, state, outcome, dest, record_id, reason,"
            " record_json, claimed_at, updated_at")

STUCK_RETRY_SECONDS = 600.0
"""A file that could not be moved is left alone this long, then tried again."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class JournalBusy(RuntimeError):
    """Another process is working the inbox and did not finish within the wait."""


class Journal:
    """The journal file; one connection, safe to share between threads (serialised)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._mutex = threading.RLock()
        self._conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None,
                                     check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")  # an intent must survive power loss
        for statement in _SCHEMA:
            self._conn.execute(statement)

    def close(self) -> None:
        with self._mutex:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- the one-worker lock ---------------------------------------------------------------

    @contextmanager
    def exclusive(self, wait_seconds: float | None = None) -> Iterator[None]:
        """Hold the inbox for this process; wait up to `wait_seconds` (None: forever)."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = lock_path.open("a+")
        try:
            deadline = None if wait_seconds is None else time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise JournalBusy(
                            f"another process holds {lock_path} (a watcher or a reindex run)"
                        ) from None
                    time.sleep(0.2)
            yield
        finally:
            handle.close()  # closing releases the lock

    # --- writing -------------------------------------------------------------------------

    def claim(self, path: Path, sha256: str, stamp: FileStamp) -> Drop:
        now = _now()
        with self._mutex:
            cursor = self._conn.execute(
                "INSERT INTO drops (path, name, sha256, size, mtime_ns, state, claimed_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (str(path), path.name, sha256, stamp.size, stamp.mtime_ns,
                 DropState.claimed.value, now, now),
            )
            drop_id = cursor.lastrowid
        assert drop_id is not None
        return self.get(drop_id)

    def update(self, drop: Drop, state: DropState, **fields: Any) -> Drop:
        """Move `drop` to `state`, setting any of `outcome`, `dest`, `record_id`, `reason`,
        `record_json` (cleared automatically once `done`)."""
        allowed = {"outcome", "dest", "record_id", "reason", "record_json"}
        if state is DropState.done:
            fields.setdefault("record_json", None)
        if not set(fields) <= allowed:
            raise ValueError(f"unknown journal fields: {sorted(set(fields) - allowed)}")
        values = {k: (v.value if isinstance(v, StrEnum) else v) for k, v in fields.items()}
        assignments = "".join(f", {name} = :{name}" for name in values)
        with self._mutex:
            self._conn.execute(
                f"UPDATE drops SET state = :state, updated_at = :now{assignments} WHERE id = :id",
                {"state": state.value, "now": _now(), "id": drop.id, **values},
            )
        return self.get(drop.id)

    def release(self, drop: Drop) -> None:
        """Forget a claim (nothing was moved; the file will be claimed again when stable)."""
        with self._mutex:
            self._conn.execute("DELETE FROM drops WHERE id = ? AND state = ?",
                               (drop.id, DropState.claimed.value))

    # --- reading ---------------------------------------------------------------------------

    def get(self, drop_id: int) -> Drop:
        rows = self._select("WHERE id = ?", (drop_id,))
        if not rows:
            raise KeyError(f"no journal entry {drop_id}")
        return rows[0]

    def unfinished(self) -> list[Drop]:
        marks = ",".join("?" * len(UNFINISHED))
        return self._select(f"WHERE state IN ({marks}) ORDER BY id",
                            tuple(s.value for s in UNFINISHED))

    def recent(self, limit: int = 50) -> list[Drop]:
        """The latest entries, newest first."""
        return self._select("ORDER BY id DESC LIMIT ?", (limit,))

    def for_sha256(self, sha256: str) -> list[Drop]:
        """Every drop of these bytes, under whatever name, oldest first."""
        return self._select("WHERE sha256 = ? ORDER BY id", (sha256,))

    def recently_stuck(self, path: Path, stamp: FileStamp) -> bool:
        """True if this very file (same path, size, mtime) could not be moved lately."""
        rows = self._select(
            "WHERE path = ? AND size = ? AND mtime_ns = ? AND state = ? ORDER BY id DESC LIMIT 1",
            (str(path), stamp.size, stamp.mtime_ns, DropState.stuck.value),
        )
        if not rows:
            return False
        age = datetime.now(UTC) - rows[0].updated_at
        return age.total_seconds() < STUCK_RETRY_SECONDS

    def _select(self, where: str, params: tuple[object, ...]) -> list[Drop]:
        with self._mutex:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM drops {where}", params).fetchall()
        names = [c.strip() for c in _COLUMNS.split(",")]
        return [Drop.model_validate(dict(zip(names, row, strict=True))) for row in rows]

