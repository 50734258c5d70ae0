"""`due_watchlist` plans the same alerts as the full `watchlist`, from the deadline index.

A generated portfolio (tests/portfolio/generated.py) with a ledger: reminders sent about
dates now behind us (so "deadline passed" news is owed), some of it already sent, and
per-contract lead times longer than the default. For many days the alerts planned from
both watchlists, and their untracked lists, must be equal; also with the store's own
queries replaced by the `Portfolio` defaults that read every record (what a backend
without a deadline index runs).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from alerts.models import PASSED_LEAD, AlertKind
from alerts.policy import alert_key, plan_alerts
from alerts.watchlist import due_watchlist, watchlist
from portfolio.base import Portfolio
from portfolio.renewals import deadline_row
from portfolio.sqlite import SqlitePortfolio
from tests.portfolio.generated import new_versions, portfolio_records

LEADS = [90, 60, 30, 14, 7, 1]
CHANNELS = ["mailto:a1b2c3", "json:d4e5f6"]
SENT = datetime(2026, 1, 1, tzinfo=UTC)


class RecordScanningStore(SqlitePortfolio):
    """The SQLite store answering deadline questions the way the `Portfolio` defaults do."""

    upcoming_deadlines = Portfolio.upcoming_deadlines
    deadline_details = Portfolio.deadline_details
    no_date_contracts = Portfolio.no_date_contracts
    ledger_records = Portfolio.ledger_records


def _fill_ledger(store: SqlitePortfolio) -> None:
    """Reminders about the dates each fifth contract had in 2026, some passed news too."""
    rng = random.Random(5)
    current = [r for r in store.records() if r.superseded_by is None]
    for record in current[::5]:
        row = deadline_row(record, date(2026, 3, 1))
        if row is None:
            continue
        channel = rng.choice(CHANNELS)
        for lead in (30, 7):
            key = alert_key(record.id, row.kind, row.due_date, lead, channel)
            store.record_alert(key, record.id, row.due_date, lead, channel, SENT)
        if rng.random() < 0.4:
            key = alert_key(record.id, row.kind, row.due_date, PASSED_LEAD, channel)
            store.record_alert(key, record.id, row.due_date, PASSED_LEAD, channel, SENT)
    for record in current[3::11]:
        store.set_lead_days(record.id, [180, 45])


@pytest.fixture
def stores(tmp_path: Path) -> list[SqlitePortfolio]:
    path = tmp_path / "portfolio.db"
    with SqlitePortfolio(path) as store:
        records = portfolio_records(200)
        store.add_many(records)
        store.add_many(new_versions(records), as_new_versions=True)
        _fill_ledger(store)
    return [SqlitePortfolio(path), RecordScanningStore(path)]


def test_the_same_alerts_are_planned_as_from_the_full_watchlist(
    stores: list[SqlitePortfolio],
) -> None:
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(0, 900, 37)]
    kinds = set()
    for store in stores:
        for day in days:
            full = watchlist(store, day, LEADS)
            due = due_watchlist(store, day, LEADS)
            assert len(due.tracked) <= len(full.tracked)
            alerts = plan_alerts(full.tracked, CHANNELS, day)
            assert plan_alerts(due.tracked, CHANNELS, day) == alerts, (store, day)
            assert due.untracked == full.untracked
            kinds |= {alert.kind for alert in alerts}
        store.close()
    assert kinds == set(AlertKind)  # reminders and passed-deadline news both planned
