"""Clause-search latency at portfolio scale: `python -m bench.search` (or `make bench-search`).

Builds a synthetic portfolio of 10,000 contracts in the embedded store (see
`bench/synthetic.py` for how), reports build time and database size, then runs a fixed
mix of 1,000 queries (single terms, phrases, boolean, prefix, each filter; highlighted
snippets on, as the CLI and web app ask) and prints p50/p95/p99 latency per kind and
overall. The baseline, measured in the same run on the same file, is the engine floor:
a bare FTS5 `MATCH` returning the top 10 rowids by bm25 with no join, filter or
snippet; the ratio says what the portfolio layer costs on top of SQLite itself.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.machine import load_average
from bench.synthetic import party_names, portfolio_records
from portfolio import ClauseQuery, open_portfolio
from portfolio.sqlite_driver import sqlite3
from schemas import ClauseType

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"

TERMS = ["termination", "indemnify", "confidential", "warranty", "insurance", "audit",
         "payment", "invoice", "liability", "renewal", "availability", "credit", "notice",
         "assignment", "governing", "arbitration", "license", "exclusive", "fees", "breach"]
PHRASES = ['"service credit"', '"limitation of liability"', '"written notice"',
           '"governing law"', '"intellectual property"', '"prior written consent"',
           '"force majeure"', '"material breach"', '"confidential information"',
           '"non-renewal"']
BOOLEAN = ["termination OR expiration", "liability NOT indemnify", "audit AND records",
           "(warranty OR guarantee) AND defects", "payment NOT late", "renew* notice"]
LAWS = ["New York", "Delaware", "California", "England and Wales", "Texas"]


def build(path: Path, count: int) -> tuple[float, int, list[str]]:
    """Write the synthetic portfolio; returns seconds, size in bytes, party names."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    names: list[str] = []
    started = time.perf_counter()
    with open_portfolio(path) as portfolio:
        batch = []
        for record in portfolio_records(count):
            batch.append(record)
            if len(batch) == 500:
                portfolio.add_many(batch)
                names += party_names(batch)
                batch = []
        if batch:
            portfolio.add_many(batch)
            names += party_names(batch)
    seconds = time.perf_counter() - started
    return seconds, path.stat().st_size, sorted(set(names))


def query_mix(count: int, parties: list[str], seed: int = 11) -> list[tuple[str, ClauseQuery]]:
    rng = random.Random(seed)
    kinds: list[tuple[str, Callable[[], ClauseQuery]]] = [
        ("term", lambda: ClauseQuery(text=rng.choice(TERMS), limit=10)),
        ("phrase", lambda: ClauseQuery(text=rng.choice(PHRASES), limit=10)),
        ("boolean", lambda: ClauseQuery(text=rng.choice(BOOLEAN), limit=10)),
        ("+type", lambda: ClauseQuery(text=rng.choice(TERMS),
                                      clause_type=rng.choice(list(ClauseType)), limit=10)),
        ("+party", lambda: ClauseQuery(text=rng.choice(TERMS),
                                       party=rng.choice(parties).split()[0], limit=10)),
        ("+law", lambda: ClauseQuery(text=rng.choice(PHRASES + TERMS),
                                     governing_law=rng.choice(LAWS), limit=10)),
    ]
    return [(kind, make()) for kind, make in (kinds[i % len(kinds)] for i in range(count))]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def floor_latency(path: Path, queries: list[tuple[str, ClauseQuery]]) -> list[float]:
    """Bare FTS5 top-10 by bm25 on the same index: the engine's own cost."""
    from portfolio.query import to_fts5

    connection = sqlite3.connect(path)
    table = connection.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE '%fts5%' "
        "ORDER BY length(name) LIMIT 1").fetchone()[0]
    samples = []
    for _, query in queries:
        expression = to_fts5(query.text)
        started = time.perf_counter()
        connection.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? "
                           f"ORDER BY bm25({table}) LIMIT 10", (expression,)).fetchall()
        samples.append(time.perf_counter() - started)
    connection.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Clause-search latency benchmark.")
    parser.add_argument("--contracts", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--reuse", action="store_true", help="reuse the portfolio file if built")
    args = parser.parse_args(argv)
    console = Console()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"search-{args.contracts}.db"
    if args.reuse and path.exists():
        build_seconds, size = float("nan"), path.stat().st_size
        with open_portfolio(path) as portfolio:
            parties = party_names(list(portfolio.records()))
    else:
        console.print(f"[dim]building {args.contracts} contracts …[/]")
        build_seconds, size, parties = build(path, args.contracts)
    queries = query_mix(args.queries, parties)
    by_kind: dict[str, list[float]] = {}
    load_before = load_average()
    with open_portfolio(path) as portfolio:
        for _, query in queries[:20]:  # warm the page cache
            portfolio.search(query)
        for kind, query in queries:
            started = time.perf_counter()
            portfolio.search(query)
            by_kind.setdefault(kind, []).append(time.perf_counter() - started)
    floor = floor_latency(path, queries)
    everything = [s for samples in by_kind.values() for s in samples]
    table = Table(title=f"Clause search, {args.contracts:,} contracts "
                        f"(build {build_seconds:.1f} s, {size / 1e6:.0f} MB)")
    for column in ("queries", "n", "p50 ms", "p95 ms", "p99 ms", "mean ms"):
        table.add_column(column, justify="left" if column == "queries" else "right")
    for kind, samples in [*by_kind.items(), ("all", everything), ("floor: bare FTS5", floor)]:
        p50, p95, p99 = percentiles(samples)
        table.add_row(kind, str(len(samples)), f"{p50:.1f}", f"{p95:.1f}", f"{p99:.1f}",
                      f"{statistics.mean(samples) * 1000:.1f}")
    console.print(table)
    p50, p95, p99 = percentiles(everything)
    _, f95, _ = percentiles(floor)
    console.print(f"targets: p95 <= 50 ms ({p95:.1f}), p99 <= 150 ms ({p99:.1f}); "
                  f"p95 vs bare FTS5: {p95 / f95:.1f}x")
    console.print(f"load average before / after the queries: {load_before} / {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
