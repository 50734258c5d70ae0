"""Clause search on several cores: one FTS5 scan per range of clause ids, run on threads.

A broad word ("termination", "notice") matches a sixth of the clauses of a large
portfolio, and FTS5 scores every match with BM25 before it can keep the best ten. That
scan is the cost of a search, and it splits cleanly: the clause ids are cut into equal
ranges, each range is scanned by its own read connection on its own thread (the SQLite
module lets other threads run while a statement steps), and the per-range best rows are
merged. BM25 takes its statistics (document counts, average length) from the whole
table whatever the range, so every row scores exactly as in one scan, and the merged
page is the same page.

The ranges only pay off where SQLite's threads do not queue on one lock. Builds without
lookaside memory (Debian's system SQLite) send every small allocation through a global
mutex: there, on the 10,000-contract benchmark, two ranges took as long as one scan, so
such builds get one range. On the bundled SQLite (`portfolio.sqlite_driver`) two ranges
took "termination" from 56 to 41 ms and "notice" from 53 to 36 ms.

`CONTRACTS_SEARCH_THREADS` sets the number of ranges (1 switches this off, e.g. for a
server already busy with many searches at once); the default is one per core, at most 4.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from portfolio.errors import InvalidSetting
from portfolio.sqlite_driver import compile_options, sqlite3

MAX_THREADS = 4
MIN_CLAUSES = 20_000
"""Below this many clause ids (~400 contracts) one scan takes a few milliseconds, less
than handing work to another thread is worth."""

ENV_THREADS = "CONTRACTS_SEARCH_THREADS"

ALL_IDS = (-(2**63), 2**63 - 1)
"""The one range of a search that is not split: every clause id."""

_T = TypeVar("_T")
Bounds = dict[str, int]
"""A range as statement parameters: `{"low": first id, "high": last id}`."""


class IndexMoved(Exception):
    """A range read the clause index as another process's commit left it, not as the
    caller's snapshot does: its rows, ids and BM25 statistics cannot be merged."""


INDEX_MARK_SQL = "SELECT block FROM clause_fts_data WHERE id = 10"
"""FTS5's structure record (rowid 10 of its data table): the list of index segments,
headed by a cookie FTS5 increments on every write of it. Any commit that adds, replaces
or deletes clauses writes it, so two snapshots with equal records hold the same clause
rows, ids and statistics."""


def index_mark(conn: sqlite3.Connection) -> bytes | None:
    """The clause index's structure record as `conn`'s snapshot sees it."""
    row = conn.execute(INDEX_MARK_SQL).fetchone()
    return None if row is None else bytes(row[0])


def _scan_in_snapshot(
    conn: sqlite3.Connection, bounds: Bounds, scan: Callable[[sqlite3.Connection, Bounds], _T],
) -> tuple[bytes | None, _T]:
    """The index mark and the scan, read in one transaction (one snapshot)."""
    conn.execute("BEGIN")
    try:
        return index_mark(conn), scan(conn, bounds)
    finally:
        conn.execute("COMMIT")


def _threads_contend() -> bool:
    """True when this SQLite build takes a global lock for each small allocation."""
    return "OMIT_LOOKASIDE" in compile_options()


def search_threads() -> int:
    """How many id ranges a search scans at once (`CONTRACTS_SEARCH_THREADS`, else auto)."""
    configured = os.environ.get(ENV_THREADS, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise InvalidSetting(
                f"invalid setting: {ENV_THREADS}={configured!r}: expected a whole number "
                "of threads"
            ) from None
    if _threads_contend():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_THREADS, cores or 1))


class ClauseShards:
    """Read connections and threads that scan ranges of clause ids for one portfolio.

    Used under the portfolio's lock, one search at a time; connections open on first use.
    The ranges are cut from the caller's snapshot. The first is scanned on the caller's
    connection; each other range reads in a transaction of its own, which sees the caller's
    snapshot unless another process committed in between. That is told by the clause
    index's structure record (`index_mark`), and such a search is scanned again on the
    caller's connection alone (`run_search`): ids freed by a deleted contract are reused by
    the next one, so rows from two snapshots could pair one contract's clause with another's
    name.
    """

    def __init__(self, path: Path, threads: int, pragmas: list[str],
                 min_clauses: int = MIN_CLAUSES) -> None:
        self._path = path
        self.threads = threads
        self.min_clauses = min_clauses
        self._pragmas = pragmas
        self._conns: list[sqlite3.Connection] = []
        self._pool: ThreadPoolExecutor | None = None

    def ranges(self, conn: sqlite3.Connection) -> list[tuple[int, int]]:
        """The clause id ranges to scan; one (the whole table) when splitting would not pay."""
        if self.threads < 2:
            return [ALL_IDS]
        low, high = conn.execute(  # apart: min() and max() in one SELECT scan every row
            "SELECT (SELECT min(id) FROM clauses), (SELECT max(id) FROM clauses)").fetchone()
        if low is None or high - low + 1 < self.min_clauses:
            return [ALL_IDS]
        step = -(-(high - low + 1) // self.threads)
        return [(start, min(high, start + step - 1)) for start in range(low, high + 1, step)]

    def run(
        self,
        conn: sqlite3.Connection,
        ranges: list[tuple[int, int]],
        scan: Callable[[sqlite3.Connection, Bounds], _T],
    ) -> list[_T]:
        """`scan(connection, {"low": .., "high": ..})` for every range, in parallel.

        The first range is scanned on `conn`, the caller's, inside its read transaction;
        the others each inside a read transaction of their own that must see the same clause
        index, else `IndexMoved` is raised.
        """
        if len(ranges) == 1:
            raise ValueError("one range: scan on the caller's connection instead")
        mark = index_mark(conn)
        conns = self._connections(len(ranges) - 1)
        pool = self._executor()
        bounds = [{"low": low, "high": high} for low, high in ranges]
        futures = [pool.submit(_scan_in_snapshot, c, b, scan)
                   for c, b in zip(conns, bounds[1:], strict=True)]
        first = scan(conn, bounds[0])
        others = [future.result() for future in futures]
        if any(seen != mark for seen, _ in others):
            raise IndexMoved("the clause index changed while the search ran")
        return [first, *(found for _, found in others)]

    def _connections(self, count: int) -> list[sqlite3.Connection]:
        """`count` connections of this portfolio's own, opened once and kept."""
        while len(self._conns) < count:
            conn = sqlite3.connect(str(self._path), isolation_level=None,
                                   check_same_thread=False)
            for pragma in (*self._pragmas, "PRAGMA query_only = ON"):
                conn.execute(pragma)
            self._conns.append(conn)
        return self._conns[:count]

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=max(1, self.threads - 1),
                                            thread_name_prefix="clause-scan")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        for conn in self._conns:
            conn.close()
        self._conns.clear()
