"""Upcoming-deadline latency at 100,000 contracts: `python -m bench.renewals`.

Builds a synthetic portfolio of 100,000 contracts (records only: the deadline query
never reads clauses; see `bench/synthetic.py`), then times:

* `upcoming_deadlines(today, 90)` on the embedded store (first run, median and max of 5,
  for several values of today, so rolling renewals are exercised: the first query for a
  new day recomputes and stores the rows whose term rolled since the previous one, see
  `portfolio.sqlite_deadlines`; the next day shows the daily cost of that, the jumps of
  45 and 400 days the cost of many rows at once);
* the alert-policy pass over the same store: the watchlist of contracts due an alert
  (`alerts.watchlist.due_watchlist`) + the plan of alerts for one channel;
* baselines, measured in the same run: the same deadline computation in pure Python over
  every record already in memory (`portfolio.renewals.upcoming_deadlines`), i.e. what a
  store that cannot filter would have to do, and the alert pass over the full watchlist
  (every record read), once. Both must give the same rows / alerts as the store.
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

from bench.machine import load_average
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


def _alert_pass(path: Path, today: date, read: str) -> Callable[[], Any]:
    """The alert policy's planning pass: a watchlist, then the plan for one channel.

    `read`: "due" (the contracts the policy can act on), "flow" (that plus the list of
    contracts with no date, as the `renewal_alerts` flow reads it) or "full" (every
    record: the watchlist before the deadline index).
    """
    from alerts.policy import plan_alerts
    from alerts.watchlist import due_watchlist, watchlist
    from contracts.settings import DEFAULT_LEAD_DAYS

    def run() -> Any:
        with open_portfolio(path) as portfolio:
            if read == "full":
                found = watchlist(portfolio, today, DEFAULT_LEAD_DAYS)
            else:
                found = due_watchlist(portfolio, today, DEFAULT_LEAD_DAYS,
                                      with_untracked=read == "flow")
            return plan_alerts(found.tracked, ["mailto://admin@example.com"], today)

    return run


def _add_row(table: Table, what: str, today: date, rows: int, samples: list[float]) -> None:
    table.add_row(what, today.isoformat(), str(rows), f"{samples[0] * 1000:.1f}",
                  f"{statistics.median(samples) * 1000:.1f}", f"{max(samples) * 1000:.1f}")


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
    for column in ("what", "today", "rows", "first ms", "median ms", "max ms"):
        table.add_column(column, justify="left" if column == "what" else "right")
    # the store first: 100,000 records held in memory for the baselines would make every
    # garbage collection in the timed code walk them
    load_before = load_average()
    store_medians, first_rows = _store_queries(path, table)
    planned, alert_pass = _alert_passes(path, table)
    baseline, same_rows, full_plan, full_pass = _baselines(path, table, first_rows)
    console.print(table)
    worst = max(store_medians)
    console.print(f"target: <= 200 ms ({worst * 1000:.1f} ms worst median); "
                  f"store vs baseline: {baseline / worst:.1f}x faster; alert pass "
                  f"{full_pass / alert_pass:.1f}x faster than over the full watchlist")
    same_alerts = planned == full_plan
    console.print(f"same rows as the baseline: {same_rows}; same alerts: {same_alerts}")
    console.print(f"load average before / after: {load_before} / {load_average()}")
    return 0 if same_rows and same_alerts else 1


def _store_queries(path: Path, table: Table) -> tuple[list[float], Any]:
    """`upcoming_deadlines(today, 90)` for several days; the medians and the first day's rows."""
    medians, first_rows = [], None
    with open_portfolio(path) as portfolio:
        for offset in (0, 1, 45, 400):
            today = TODAY + timedelta(days=offset)

            def query(day: date = today) -> Any:
                return portfolio.upcoming_deadlines(day, 90)

            samples, rows = timed(query)
            medians.append(statistics.median(samples))
            first_rows = rows if first_rows is None else first_rows
            _add_row(table, "store query", today, len(rows), samples)
    return medians, first_rows


def _alert_passes(path: Path, table: Table) -> tuple[Any, float]:
    """The due-only planning pass, then the flow's read; the alerts and the first's median."""
    samples, planned = timed(_alert_pass(path, TODAY, "due"), runs=3)
    _add_row(table, "alert-policy pass (due watchlist + plan)", TODAY, len(planned), samples)
    median = statistics.median(samples)
    samples, _ = timed(_alert_pass(path, TODAY, "flow"), runs=3)
    _add_row(table, "the same + contracts with no date (the flow's read)", TODAY,
             len(planned), samples)
    return planned, median


def _baselines(path: Path, table: Table, store_rows: Any) -> tuple[float, bool, Any, float]:
    """Python over every record in memory, and the alert pass over the full watchlist."""
    with open_portfolio(path) as portfolio:
        records = list(portfolio.records())
    samples, rows = timed(lambda: upcoming_deadlines(records, TODAY, 90), runs=3)
    records.clear()
    _add_row(table, "baseline: Python over all records", TODAY, len(rows), samples)
    baseline = statistics.median(samples)
    samples, full_plan = timed(_alert_pass(path, TODAY, "full"), runs=1)
    _add_row(table, "baseline: alert pass over the full watchlist", TODAY, len(full_plan),
             samples)
    return baseline, rows == store_rows, full_plan, samples[0]


if __name__ == "__main__":
    raise SystemExit(main())
