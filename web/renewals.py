"""The renewals dashboard: deadlines by urgency, every contract's term status, exports.

Pure shaping of what the portfolio computes (`upcoming_deadlines`, `term_status`); the
calendar and spreadsheet files are the ones `contracts renewals --ics/--csv` writes
(`alerts.calendar`, `alerts.spreadsheet`), so a download and a CLI export agree.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from alerts.calendar import deadline_calendar
from alerts.spreadsheet import write_csv
from alerts.watchlist import no_date_contracts, tracked_rows
from portfolio import DeadlineRow, Portfolio, TermState, TermStatus
from schemas.record import ContractRecord


class Urgency(StrEnum):
    """How soon a deadline is, as the dashboard colours it."""

    overdue = "overdue"  # due date passed (only when asked for past rows)
    critical = "critical"  # 14 days or fewer
    soon = "soon"  # 60 days or fewer
    later = "later"


def urgency(days_left: int) -> Urgency:
    if days_left < 0:
        return Urgency.overdue
    if days_left <= 14:
        return Urgency.critical
    if days_left <= 60:
        return Urgency.soon
    return Urgency.later


class StatusLine(BaseModel):
    """One contract in the status table: its term state as of the dashboard's day."""

    record_id: str
    title: str
    filename: str
    state: TermState
    auto_renews: bool
    status: TermStatus


def status_lines(portfolio: Portfolio, today: date) -> list[StatusLine]:
    """Every current contract with its term state, renewing and ending ones first."""
    order = list(TermState)
    lines = [
        StatusLine(
            record_id=record.id,
            title=record.title or record.filename,
            filename=record.filename,
            state=(status := portfolio.term_status(record, today)).state,
            auto_renews=record.renewal.auto_renews,
            status=status,
        )
        for record in _current(portfolio)
    ]
    return sorted(lines, key=lambda line: (order.index(line.state), line.title.casefold()))


def _current(portfolio: Portfolio) -> list[ContractRecord]:
    return [record for record in portfolio.records() if record.superseded_by is None]


def ics_bytes(
    portfolio: Portfolio, rows: list[DeadlineRow], lead_days: list[int], stamp: datetime,
    home: Path | None = None,
) -> bytes:
    """The dashboard's deadlines as an iCalendar file (one all-day event per date)."""
    tracked = tracked_rows(portfolio, rows, lead_days, home)
    return bytes(deadline_calendar(tracked, stamp.astimezone(UTC).replace(microsecond=0))
                 .to_ical())


def csv_bytes(
    portfolio: Portfolio, rows: list[DeadlineRow], lead_days: list[int], today: date,
    home: Path | None = None,
) -> bytes:
    """The dashboard's deadlines, then contracts with no date, as a spreadsheet file."""
    tracked = tracked_rows(portfolio, rows, lead_days, home)
    with tempfile.TemporaryDirectory(prefix="contracts-web-") as scratch:
        path = Path(scratch) / "renewals.csv"
        write_csv(path, tracked, no_date_contracts(portfolio, today))
        return path.read_bytes()
