"""The embedded portfolio: one SQLite file, FTS5 clause search, WAL for concurrent readers.

The `records.record_json` column is the source of truth (`get` validates it back into a
`ContractRecord`); the other columns and the `parties`/`clauses` tables are derived from it
on every write, for filtering and search (`portfolio.sqlite_records`). Schema and
migrations: `portfolio.sqlite_schema`.

Concurrency: one connection per instance, guarded by a lock, so an instance may be shared
between threads but runs their calls one at a time. For parallel work open one instance
per thread or process on the same file: WAL lets readers read while one writer writes,
`busy_timeout` makes a second writer wait for the first instead of failing, and writes take
the lock up front (`BEGIN IMMEDIATE`) so two writers never deadlock upgrading a read.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from portfolio.base import Portfolio
from portfolio.errors import UnknownCorrection, UnknownRecord
from portfolio.models import (
    AddOutcome,
    AlertEntry,
    ClauseQuery,
    DeadlineDetail,
    DeadlineRow,
    Highlight,
    NoDateContract,
    SearchResult,
)
from portfolio.sqlite_corrections import (
    delete_correction,
    save_corrections,
    stored_corrections,
)
from portfolio.sqlite_deadline_queries import (
    detail_rows,
    no_date_contracts,
    try_roll,
    upcoming_rows,
)
from portfolio.sqlite_deadline_rules import rebuild_if_rules_changed
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_records import rewrite_record, store_record, stored_record
from portfolio.sqlite_schema import migrate
from portfolio.sqlite_search import SupersededRecords, run_search
from portfolio.sqlite_shards import ClauseShards, search_threads
from schemas.corrections import apply_corrections, extracted_record
from schemas.record import ContractRecord, Correction

BATCH = 500
"""Rows per batch when iterating records or looking up many ids (bounded memory/params)."""

MMAP_BYTES = 1 << 30
"""Read the file through a memory map, up to 1 GiB: a query that touches thousands of rows
(deadlines in a window, a broad clause search) reads pages without a system call each.
The pages are the OS page cache's, shared between processes, not this process's memory."""

CACHE_KIB = 64 * 1024
"""SQLite's page cache per connection (grown as used), for what the memory map misses."""

_HEX = frozenset("0123456789abcdef")
MIN_ID_PREFIX = 6


class SqlitePortfolio(Portfolio):
    """A portfolio in one SQLite database file (created, with its folder, if missing)."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        in_memory = str(path) == ":memory:"
        if not in_memory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._superseded = SupersededRecords()
        self._conn = sqlite3.connect(
            str(path), timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._busy_ms = int(timeout * 1000)
        reading = [f"PRAGMA busy_timeout = {self._busy_ms}", f"PRAGMA cache_size = -{CACHE_KIB}"]
        if not in_memory:
            reading.append(f"PRAGMA mmap_size = {MMAP_BYTES}")
        try:
            for pragma in reading:
                self._conn.execute(pragma)
            self._conn.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL
            self.migrations_applied: list[int] = migrate(self._conn)
            """Migrations this instance applied on opening (empty when the file was current)."""
            rebuild_if_rules_changed(self._conn)
        except BaseException:
            self._conn.close()
            raise
        self._shards: ClauseShards | None = None
        if not in_memory:  # the ranges' connections open on the first broad search
            self._shards = ClauseShards(self.path, search_threads(), reading)

    def __repr__(self) -> str:
        return f"SqlitePortfolio({str(self.path)!r})"

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute(begin)
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:  # SQLite may have rolled back already
                    self._conn.execute("ROLLBACK")
                raise

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction holding the database's write lock from the start."""
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> AbstractContextManager[sqlite3.Connection]:
        """A read transaction: several statements see one consistent snapshot."""
        return self._transaction("BEGIN")

    # --- records -------------------------------------------------------------------------

    def add(self, record: ContractRecord) -> AddOutcome:
        with self._write() as conn:
            return store_record(conn, record)

    def add_many(
        self, records: Iterable[ContractRecord], *, as_new_versions: bool = False
    ) -> list[AddOutcome]:
        with self._write() as conn:
            return [store_record(conn, record, as_new_versions) for record in records]

    def get(self, record_id: str) -> ContractRecord | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT record_json FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        return ContractRecord.model_validate_json(row[0]) if row else None

    def find(self, id_prefix_or_filename: str) -> list[ContractRecord]:
        text = id_prefix_or_filename.strip()
        if not text:
            return []
        lowered = text.lower()
        queries: list[tuple[str, tuple[str, ...]]] = []
        if len(lowered) >= MIN_ID_PREFIX and set(lowered) <= _HEX:
            queries.append(("id >= ? AND id < ?", (lowered, lowered + "g")))
        name = text.replace("\\", "/").rsplit("/", 1)[-1]
        queries.append(("filename = ? COLLATE NOCASE", (name,)))
        queries.append(("instr(lower(filename), lower(?)) > 0", (name,)))
        with self._read() as conn:
            for where, params in queries:
                rows = conn.execute(
                    f"SELECT record_json FROM records WHERE {where} ORDER BY filename, id",
                    params,
                ).fetchall()
                if rows:
                    found = [ContractRecord.model_validate_json(r[0]) for r in rows]
                    if where.startswith("id "):
                        return found
                    # a file name means its current version; old ones by id or `versions`
                    return [r for r in found if r.superseded_by is None] or found
        return []

    def versions(self, filename: str) -> list[ContractRecord]:
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
        with self._read() as conn:
            rows = conn.execute(
                "SELECT record_json FROM records WHERE filename = ? COLLATE NOCASE"
                " ORDER BY version, added_at, id",
                (name,),
            ).fetchall()
        return [ContractRecord.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM records").fetchone()[0])

    def records(self) -> Iterator[ContractRecord]:
        return self._iter_records("1")

    def _iter_records(self, where: str) -> Iterator[ContractRecord]:
        """Records matching a fixed SQL condition, in id order, `BATCH` at a time."""
        last = ""
        while True:
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT id, record_json FROM records WHERE id > ? AND ({where})"
                    " ORDER BY id LIMIT ?",
                    (last, BATCH),
                ).fetchall()
            for _, record_json in rows:
                yield ContractRecord.model_validate_json(record_json)
            if len(rows) < BATCH:
                return
            last = rows[-1][0]

    def remove(self, record_id: str) -> bool:
        with self._write() as conn:
            # clauses and parties go by ON DELETE CASCADE; the triggers clean the FTS index
            return conn.execute("DELETE FROM records WHERE id = ?", (record_id,)).rowcount > 0

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        with self._read() as conn:
            for i in range(0, len(wanted), BATCH):
                chunk = wanted[i : i + BATCH]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"SELECT id FROM records WHERE id IN ({marks})", chunk)
                found.update(r[0] for r in rows)
        return found

    # --- search and renewals ---------------------------------------------------------

    def search(self, query: ClauseQuery, highlight: Highlight | None = None) -> SearchResult:
        with self._read() as conn:
            return run_search(conn, query, highlight or Highlight(), self._superseded,
                              self._shards)

    # deadlines come from the `deadlines` table (`portfolio.sqlite_deadlines`), not records

    def upcoming_deadlines(
        self, today: date, within_days: int, own_roles: frozenset[str] = frozenset()
    ) -> list[DeadlineRow]:
        self._roll_deadlines(today)
        with self._read() as conn:
            return upcoming_rows(conn, today, within_days, own_roles)

    def deadline_details(
        self,
        today: date,
        within_days: int,
        own_roles: frozenset[str] = frozenset(),
        also: Collection[str] = frozenset(),
    ) -> list[DeadlineDetail]:
        self._roll_deadlines(today)
        with self._read() as conn:
            return detail_rows(conn, today, within_days, own_roles, also)

    def no_date_contracts(self, today: date) -> list[NoDateContract]:
        self._roll_deadlines(today)
        with self._read() as conn:
            return no_date_contracts(conn, today)

    def _roll_deadlines(self, today: date) -> None:
        """Store the positions that no longer hold on `today`, if no other writer is busy."""
        with self._lock:
            try_roll(self._conn, today, self._busy_ms)

    # --- corrections ---------------------------------------------------------------------

    def store_correction(self, record_id: str, correction: Correction) -> ContractRecord:
        with self._write() as conn:
            stored = stored_record(conn, record_id)
            kept = [c for c in stored_corrections(conn, record_id) if c.field != correction.field]
            record = apply_corrections(extracted_record(stored), [*kept, correction])
            save_corrections(conn, record_id, record.corrections)
            rewrite_record(conn, record)
        return record

    def undo_correction(self, record_id: str, field: str) -> ContractRecord:
        with self._write() as conn:
            stored = stored_record(conn, record_id)
            if not delete_correction(conn, record_id, field):
                raise UnknownCorrection(f"{field} of {stored.filename} ({record_id[:12]}) has "
                                        "no correction to undo")
            remaining = stored_corrections(conn, record_id)
            record = apply_corrections(extracted_record(stored), remaining)
            rewrite_record(conn, record)
        return record

    def corrections(self, record_id: str) -> list[Correction]:
        with self._read() as conn:
            stored_record(conn, record_id)
            return stored_corrections(conn, record_id)

    # --- alert ledger --------------------------------------------------------------------

    def alert_already_sent(self, key: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM alerts WHERE key = ?", (key,)).fetchone()
        return row is not None

    def record_alert(
        self,
        key: str,
        record_id: str,
        deadline: date,
        lead_days: int,
        channel: str,
        sent_at: datetime,
    ) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO alerts (key, record_id, deadline, lead_days, channel, sent_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (key, record_id, deadline.isoformat(), lead_days, channel, sent_at.isoformat()),
            )
            return cursor.rowcount > 0

    def ledger_records(self, before: date) -> set[str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT DISTINCT record_id FROM alerts WHERE deadline < ?", (before.isoformat(),)
            )
            return {row[0] for row in rows}

    def alerts_for(self, record_id: str) -> list[AlertEntry]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT key, record_id, deadline, lead_days, channel, sent_at FROM alerts"
                " WHERE record_id = ? ORDER BY sent_at, key",
                (record_id,),
            ).fetchall()
        return [
            AlertEntry(
                key=key,
                record_id=rid,
                deadline=date.fromisoformat(deadline),
                lead_days=lead_days,
                channel=channel,
                sent_at=datetime.fromisoformat(sent_at),
            )
            for key, rid, deadline, lead_days, channel, sent_at in rows
        ]

    def set_lead_days(self, record_id: str, lead_days: Sequence[int] | None) -> None:
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM records WHERE id = ?", (record_id,)).fetchone() is None:
                raise UnknownRecord(f"no contract with id {record_id} in the portfolio")
            if lead_days is None:
                conn.execute("DELETE FROM alert_lead_days WHERE record_id = ?", (record_id,))
                return
            days = sorted(set(lead_days), reverse=True)
            conn.execute(
                "INSERT INTO alert_lead_days (record_id, lead_days, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (record_id) DO UPDATE SET lead_days = excluded.lead_days,"
                " updated_at = excluded.updated_at",
                (record_id, json.dumps(days), datetime.now(UTC).isoformat(timespec="seconds")),
            )

    def lead_days_overrides(self) -> dict[str, list[int]]:
        with self._lock:
            rows = self._conn.execute("SELECT record_id, lead_days FROM alert_lead_days")
            return {record_id: json.loads(days) for record_id, days in rows}

    # --- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._shards is not None:
                self._shards.close()
            self._conn.close()
