"""Upcoming-deadline latency at 100,000 contracts: `python -m bench.renewals`.

Builds a synthetic portfolio of 100,000 contracts (records only: the deadline query
never reads clauses; see `bench/synthetic.py`), then times:

* `upcoming_deadlines(today, 90)` on the embedded store (median and max of 5 runs,
  for several values of today, so rolling renewals are exercised);
* the alert-policy pass over the same store (watchlist of dated contracts + the plan of
  alerts due, for one channel);
* the baseline, measured in the same run: the same deadline computation in pure
  Python over every record already in memory (`portfolio.renewals.upcoming_deadlines`),
  i.e. what a store that cannot filter would have to do.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.synthetic import portfolio_records
from portfolio import open_portfolio
from portfolio.renewals import upcoming_deadlines

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
TODAY = date(2026, 11, 21)


def build(path: Path, count: int) -> float:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    with open_portfolio(path) as portfolio:
        batch = []
        for record in portfolio_records(count, keep_clauses=False):
            batch.append(record)
            if len(batch) == 1000:
                portfolio.add_many(batch)
                batch = []
        if batch:
            portfolio.add_many(batch)
    return time.perf_counter() - started


def timed(action: Callable[[], Any], runs: int = 5) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return samples, result


def _alert_pass(path: Path, today: date) -> Callable[[], Any]:
    """The alert policy's planning pass: the watchlist of dated contracts, then the plan."""
    from alerts.policy import plan_alerts
    from alerts.watchlist import watchlist
    from contracts.settings import DEFAULT_LEAD_DAYS

    def run() -> Any:
        with open_portfolio(path) as portfolio:
            tracked = watchlist(portfolio, today, DEFAULT_LEAD_DAYS).tracked
            return plan_alerts(tracked, ["mailto://admin@example.com"], today)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Upcoming-deadline benchmark.")
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    console = Console()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"renewals-{args.contracts}.db"
    build_seconds = float("nan")
    if not (args.reuse and path.exists()):
        console.print(f"[dim]building {args.contracts:,} contracts …[/]")
        build_seconds = build(path, args.contracts)
    table = Table(title=f"Upcoming deadlines, {args.contracts:,} contracts "
                        f"(build {build_seconds:.1f} s, {path.stat().st_size / 1e6:.0f} MB)")
    for column in ("what", "today", "rows", "median ms", "max ms"):
        table.add_column(column, justify="left" if column == "what" else "right")
    with open_portfolio(path) as portfolio:
        records = list(portfolio.records())
        store_medians = []
        for offset in (0, 45, 400):
            today = TODAY + timedelta(days=offset)
            def query(day: date = today) -> Any:
                return portfolio.upcoming_deadlines(day, 90)

            samples, rows = timed(query)
            store_medians.append(statistics.median(samples))
            table.add_row("store query", today.isoformat(), str(len(rows)),
                          f"{statistics.median(samples) * 1000:.1f}", f"{max(samples) * 1000:.1f}")
    samples, rows = timed(lambda: upcoming_deadlines(records, TODAY, 90), runs=3)
    baseline = statistics.median(samples)
    table.add_row("baseline: Python over all records", TODAY.isoformat(), str(len(rows)),
                  f"{baseline * 1000:.1f}", f"{max(samples) * 1000:.1f}")
    samples, planned = timed(_alert_pass(path, TODAY), runs=3)
    table.add_row("alert-policy pass (watchlist + plan)", TODAY.isoformat(), str(len(planned)),
                  f"{statistics.median(samples) * 1000:.1f}", f"{max(samples) * 1000:.1f}")
    console.print(table)
    worst = max(store_medians)
    console.print(f"target: <= 200 ms ({worst * 1000:.1f} ms worst median); "
                  f"store vs baseline: {baseline / worst:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
