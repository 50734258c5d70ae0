"""The portfolio read for alerts and exports: each contract's next date, lead times, ledger.

This is the I/O edge of the alerts package (it reads the portfolio); `alerts.policy`,
`alerts.message`, `alerts.calendar` and `alerts.spreadsheet` only see what it returns.
Dates come from `portfolio.renewals.term_status`, so alerts, `contracts renewals` and the
calendar always agree, rolling renewals included.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from alerts.models import TrackedDeadline, Untracked, Watchlist
from portfolio import Portfolio
from portfolio.models import DeadlineKind, DeadlineRow, TermState
from portfolio.renewals import deadline_row, term_status
from schemas.record import ContractRecord

NO_DATE_STATES = frozenset({TermState.evergreen, TermState.perpetual, TermState.undated})
"""States listed as "no date to alert on" (expired contracts are history, not listed)."""


def current_records(portfolio: Portfolio) -> Iterator[ContractRecord]:
    """Records that are not superseded by a newer version (the newer one carries the dates)."""
    return (record for record in portfolio.records() if record.superseded_by is None)


def renews_until(record: ContractRecord, row: DeadlineRow) -> date | None:
    """End of the term the contract runs into if nobody acts by `row.due_date`.

    Computed the same way as every rolling renewal (as of the day after the date), so it
    is exact to the day even where month ends clamp.
    """
    if row.kind is DeadlineKind.expiration or row.renewal_term is None:
        return None
    after = term_status(record, row.due_date + timedelta(days=1))
    return after.current_term_end if after.state is TermState.renewing else None


def track(
    record: ContractRecord,
    row: DeadlineRow,
    lead_days: Sequence[int],
    portfolio: Portfolio | None = None,
) -> TrackedDeadline:
    """One row with its source, lead times, roll count and (given a portfolio) its ledger."""
    status = term_status(record, row.due_date)
    return TrackedDeadline(
        row=row,
        source=record.source,
        lead_days=list(lead_days),
        renewals_elapsed=status.renewals_elapsed,
        renews_until=renews_until(record, row),
        ledger=portfolio.alerts_for(record.id) if portfolio is not None else [],
    )


def untracked(record: ContractRecord, today: date) -> Untracked | None:
    """The record as a "no date" entry, when its term has no date to act on."""
    status = term_status(record, today)
    if status.state not in NO_DATE_STATES:
        return None
    note = status.note
    if status.state is TermState.evergreen:
        notice = f" on {status.notice_period}' notice" if status.notice_period else ""
        note = note or f"runs until terminated{notice}: no renewal deadline"
    elif status.state is TermState.perpetual:
        note = note or "no end date, nothing to renew"
    return Untracked(record_id=record.id, title=record.title, filename=record.filename,
                     state=status.state, note=note)


def watchlist(
    portfolio: Portfolio,
    today: date,
    default_lead_days: Sequence[int],
    own_roles: frozenset[str] = frozenset(),
) -> Watchlist:
    """Every contract with a date today or later (with its ledger), and those without one."""
    overrides = portfolio.lead_days_overrides()
    result = Watchlist()
    for record in current_records(portfolio):
        row = deadline_row(record, today, own_roles)
        if row is not None and row.days_left >= 0:
            leads = overrides.get(record.id, default_lead_days)
            result.tracked.append(track(record, row, leads, portfolio))
        elif (entry := untracked(record, today)) is not None:
            result.untracked.append(entry)
    result.tracked.sort(key=lambda t: (t.row.due_date, t.row.record_id))
    return result


def tracked_rows(
    portfolio: Portfolio, rows: Iterable[DeadlineRow], default_lead_days: Sequence[int]
) -> list[TrackedDeadline]:
    """The rows `contracts renewals` lists, with what a calendar or spreadsheet needs."""
    overrides = portfolio.lead_days_overrides()
    tracked = []
    for row in rows:
        record = portfolio.get(row.record_id)
        if record is not None:
            leads = overrides.get(record.id, default_lead_days)
            tracked.append(track(record, row, leads))
    return tracked


def no_date_contracts(portfolio: Portfolio, today: date) -> list[Untracked]:
    """Evergreen, perpetual and undated contracts, listed as such (title order)."""
    found = [entry for record in current_records(portfolio) if (entry := untracked(record, today))]
    return sorted(found, key=lambda u: ((u.title or u.filename).casefold(), u.record_id))
