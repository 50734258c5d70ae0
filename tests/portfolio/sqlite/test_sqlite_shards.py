"""Searching ranges of clause ids on threads gives the pages and totals of one scan.

A real portfolio file holds the five fixture contracts under several names, clauses copied
from one template (equal scores, so file names decide at every cut) and a superseded
version. The same file is searched twice, by a portfolio that cuts the clause ids into
three ranges (forced, though it is small) and by one that scans once, and every query of a
mix of kinds, filters and pages must come back identical.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path

import pytest

import portfolio.sqlite_shards
from portfolio.models import ClauseQuery, Highlight, SearchResult
from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_search import run_search
from portfolio.sqlite_shards import ClauseShards, IndexMoved, search_threads
from schemas.record import ClauseType, ContractRecord
from tests.portfolio.conftest import record_id
from tests.portfolio.sqlite.test_sqlite_search_paths import TEMPLATE, with_clauses

QUERIES = ["notice", "termination", "service credit", '"service credit"', "liability",
           "liability NOT indemnify", "renew* notice", "termination OR expiration",
           "confidential information", "uptime"]


@pytest.fixture
def portfolio_file(
    db_path: Path, contracts: dict[str, ContractRecord],
    make_record: Callable[..., ContractRecord],
) -> Path:
    records: list[ContractRecord] = []
    for copy in range(6):
        for name, record in contracts.items():
            records.append(record.model_copy(update={
                "id": record_id(f"{name}-{copy}"), "filename": f"{name}-{copy}.pdf"}))
    records += [with_clauses(make_record(f"tpl-{i:02d}"), TEMPLATE) for i in (7, 2, 9, 0, 5)]
    with SqlitePortfolio(db_path) as store:
        store.add_many(records)
        newer = with_clauses(make_record("tpl-05-v2", filename="tpl-05.pdf"), "Nothing here.")
        store.add_many([newer], as_new_versions=True)
    return db_path


def sharded(path: Path, threads: int = 3) -> SqlitePortfolio:
    store = SqlitePortfolio(path)
    store._shards = ClauseShards(path, threads, [], min_clauses=0)
    return store


@pytest.fixture
def both(portfolio_file: Path) -> Iterator[tuple[SqlitePortfolio, SqlitePortfolio]]:
    ranged, single = sharded(portfolio_file), SqlitePortfolio(portfolio_file)
    single._shards = None
    try:
        yield ranged, single
    finally:
        ranged.close()
        single.close()


def summary(result: SearchResult) -> tuple[int, list[tuple[str, int, float, bool]]]:
    hits = [(h.filename, h.ordinal, round(h.score, 9), h.phrase_match) for h in result.hits]
    return result.total, hits


def queries() -> Iterator[ClauseQuery]:
    for text in QUERIES:
        for offset, limit in ((0, 10), (3, 4), (7, 20)):
            yield ClauseQuery(text=text, offset=offset, limit=limit)
        yield ClauseQuery(text=text, limit=10, all_versions=True)
        yield ClauseQuery(text=text, limit=5, offset=2, clause_type=ClauseType.termination)
        yield ClauseQuery(text=text, limit=10, governing_law="New York")
        yield ClauseQuery(text=text, limit=10, party="Acme")


def test_ranges_give_the_same_pages_and_totals(
    both: tuple[SqlitePortfolio, SqlitePortfolio], monkeypatch: pytest.MonkeyPatch
) -> None:
    ranged, single = both
    runs: list[int] = []
    real_run = ClauseShards.run

    def counted(self: ClauseShards, conn, ranges: list[tuple[int, int]], scan):  # type: ignore[no-untyped-def]
        runs.append(len(ranges))
        return real_run(self, conn, ranges, scan)

    monkeypatch.setattr(ClauseShards, "run", counted)
    compared = 0
    for query in queries():
        assert summary(ranged.search(query)) == summary(single.search(query)), query
        compared += 1
    assert runs and set(runs) == {3}  # every search really ran on three ranges
    assert len(runs) >= compared  # (a fallback to the full path scans again)
    notice = ranged.search(ClauseQuery(text="notice", limit=50))
    assert notice.total > 20 and notice.hits  # the comparison was not between empty pages


def test_a_range_seeing_a_newer_write_sends_the_search_back_to_one_scan(
    portfolio_file: Path, make_record: Callable[..., ContractRecord]
) -> None:
    """A write committed mid-search reuses the ids of the last record it deleted, so it lands
    inside the ranges; the caller's snapshot lacks it and must not be shown half of it."""
    store = sharded(portfolio_file, threads=2)
    conn = store._conn
    last = conn.execute("SELECT record_id FROM clauses ORDER BY id DESC LIMIT 1").fetchone()[0]
    query = ClauseQuery(text="notice", limit=10)
    try:
        conn.execute("BEGIN")
        before = summary(run_search(conn, query, Highlight()))  # fixes this snapshot
        with SqlitePortfolio(portfolio_file) as writer:
            with writer._write() as raw:  # the last record and the version it superseded
                raw.execute("DELETE FROM records WHERE id = ?", (last,))
            writer.add(with_clauses(make_record("urgent"), "Notice.", "Notice notice."))
            ids = writer._conn.execute(
                "SELECT min(id) FROM clauses WHERE record_id = ?", (record_id("urgent"),)
            ).fetchone()[0]
        assert ids <= conn.execute("SELECT max(id) FROM clauses").fetchone()[0]  # in range
        with pytest.raises(IndexMoved):  # the ranges would have mixed the two snapshots
            store._shards.run(conn, store._shards.ranges(conn), lambda on, bounds: 0)
        after = run_search(conn, query, Highlight(), shards=store._shards)
        conn.execute("COMMIT")
        assert summary(after) == before
        assert "urgent.pdf" not in {hit.filename for hit in after.hits}
        assert store.search(query).hits[0].filename == "urgent.pdf"  # a new search sees it
    finally:
        store.close()


def test_small_portfolios_and_single_threads_scan_once(portfolio_file: Path) -> None:
    with SqlitePortfolio(portfolio_file) as store:
        assert store._shards is not None
        ranges = store._shards.ranges(store._conn)
        assert len(ranges) == 1  # a few hundred clauses: below MIN_CLAUSES
    one = ClauseShards(portfolio_file, 1, [], min_clauses=0)
    with SqlitePortfolio(portfolio_file) as store:
        assert len(one.ranges(store._conn)) == 1
        ranges = ClauseShards(portfolio_file, 3, [], min_clauses=0).ranges(store._conn)
        ids = [row[0] for row in store._conn.execute("SELECT id FROM clauses ORDER BY id")]
    assert len(ranges) == 3
    assert ranges[0][0] == ids[0] and ranges[-1][1] == ids[-1]
    assert all(a[1] + 1 == b[0] for a, b in pairwise(ranges))


def test_search_threads_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTRACTS_SEARCH_THREADS", "3")
    assert search_threads() == 3
    monkeypatch.setenv("CONTRACTS_SEARCH_THREADS", "0")
    assert search_threads() == 1
    monkeypatch.setenv("CONTRACTS_SEARCH_THREADS", "two")
    with pytest.raises(ValueError, match="CONTRACTS_SEARCH_THREADS='two'"):
        search_threads()
    monkeypatch.delenv("CONTRACTS_SEARCH_THREADS")
    monkeypatch.setattr(portfolio.sqlite_shards, "_threads_contend", lambda: True)
    assert search_threads() == 1  # a build whose threads queue on one lock
    monkeypatch.setattr(portfolio.sqlite_shards, "_threads_contend", lambda: False)
    assert 1 <= search_threads() <= portfolio.sqlite_shards.MAX_THREADS
