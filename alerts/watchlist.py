"""The portfolio read for alerts and exports: each contract's next date, lead times, ledger.

This is the I/O edge of the alerts package (it reads the portfolio); `alerts.policy`,
`alerts.message`, `alerts.calendar` and `alerts.spreadsheet` only see what it returns.
Dates come from `portfolio.renewals.term_status`, so alerts, `contracts renewals` and the
calendar always agree, rolling renewals included.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from alerts.models import PASSED_LEAD, TrackedDeadline, Untracked, Watchlist
from alerts.originals import with_original_locations
from portfolio import Portfolio
from portfolio.models import AlertEntry, DeadlineRow, NoDateContract, TermState
from portfolio.renewals import NO_DATE_STATES, deadline_row, term_inputs, term_status
from portfolio.renewals import renews_until as term_renews_until
from schemas.record import ContractRecord
from schemas.terms import renewal_term_end


def current_records(portfolio: Portfolio) -> Iterator[ContractRecord]:
    """Records that are not superseded by a newer version (the newer one carries the dates)."""
    return (record for record in portfolio.records() if record.superseded_by is None)


def renews_until(record: ContractRecord, row: DeadlineRow) -> date | None:
    """End of the term the contract runs into if nobody acts by `row.due_date`.

    Computed the same way as every rolling renewal (as of the day after the date), so it
    is exact to the day even where month ends clamp.
    """
    return term_renews_until(term_inputs(record), row)


def previous_term_end(record: ContractRecord, renewals_elapsed: int) -> date | None:
    """Last day of the term before the `renewals_elapsed`-th renewal term (0: the first
    term, which has none before it: None). Exact to the day: the same anchoring as
    `schemas.terms.roll_forward` (renewal terms count from the first renewal day)."""
    inputs = term_inputs(record)
    first_end = inputs.initial_term_end
    if renewals_elapsed < 1 or first_end is None:
        return None
    if renewals_elapsed == 1:
        return first_end
    if inputs.renewal_term is None or inputs.renewal_term.count == 0:
        return None
    return renewal_term_end(first_end + timedelta(days=1), inputs.renewal_term,
                            renewals_elapsed - 1)


def passed_news_possible(ledger: Iterable[AlertEntry], today: date) -> bool:
    """True if a reminder in `ledger` is about a date before `today` and no "deadline
    passed" message about that date went to its channel yet (only then does the policy
    need `TrackedDeadline.previous_term_end`)."""
    entries = list(ledger)
    told = {(e.deadline, e.channel) for e in entries if e.lead_days == PASSED_LEAD}
    return any(e.lead_days >= 0 and e.deadline < today and (e.deadline, e.channel) not in told
               for e in entries)


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
        previous_term_end=previous_term_end(record, status.renewals_elapsed),
        ledger=portfolio.alerts_for(record.id) if portfolio is not None else [],
        first_version_id=first_version_id(record, portfolio),
    )


def first_version_id(record: ContractRecord, portfolio: Portfolio | None) -> str:
    """The id of the version `record` descends from (its own when it is the first).

    Follows `supersedes` back through the stored versions; a missing link (a version
    removed since) ends the walk at the oldest version still stored.
    """
    seen = {record.id}
    current = record
    while portfolio is not None and current.supersedes and current.supersedes not in seen:
        earlier = portfolio.get(current.supersedes)
        if earlier is None:
            return current.supersedes
        seen.add(earlier.id)
        current = earlier
    return current.id


def untracked(record: ContractRecord, today: date) -> Untracked | None:
    """The record as a "no date" entry, when its term has no date to act on."""
    status = term_status(record, today)
    if status.state not in NO_DATE_STATES:
        return None
    return _untracked(NoDateContract(record_id=record.id, title=record.title,
                                     filename=record.filename, state=status.state,
                                     note=status.note, notice_period=status.notice_period))


def _untracked(contract: NoDateContract) -> Untracked:
    note = contract.note
    if contract.state is TermState.evergreen:
        notice = f" on {contract.notice_period}' notice" if contract.notice_period else ""
        note = note or f"runs until terminated{notice}: no renewal deadline"
    elif contract.state is TermState.perpetual:
        note = note or "no end date, nothing to renew"
    return Untracked(record_id=contract.record_id, title=contract.title,
                     filename=contract.filename, state=contract.state, note=note)


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


def due_watchlist(
    portfolio: Portfolio,
    today: date,
    default_lead_days: Sequence[int],
    own_roles: frozenset[str] = frozenset(),
    *,
    with_untracked: bool = True,
) -> Watchlist:
    """The part of `watchlist` that `plan_alerts` can act on today, read from the index.

    The policy only ever sends about a date within the longest lead time (a reminder) or
    about a contract the ledger already holds an alert for (a "deadline passed" message),
    so only those contracts are tracked (a record is read only to date its previous term,
    when such a message may be owed): `plan_alerts` gives the same alerts as over the
    full watchlist, and the untracked list is the same (left empty without
    `with_untracked`: listing every undated contract costs more than planning). The store
    answers from its deadline index (`Portfolio.deadline_details`) instead of reading
    every record.
    """
    overrides = portfolio.lead_days_overrides()
    every_lead = [*default_lead_days, *(d for days in overrides.values() for d in days)]
    warned = portfolio.ledger_records(before=today)
    result = Watchlist()
    for detail in portfolio.deadline_details(today, max(every_lead, default=0), own_roles, warned):
        record_id = detail.row.record_id
        ledger = portfolio.alerts_for(record_id)
        before = None  # read the record only when "deadline passed" news may be owed
        if detail.renewals_elapsed > 0 and passed_news_possible(ledger, today):
            record = portfolio.get(record_id)
            before = previous_term_end(record, detail.renewals_elapsed) if record else None
        result.tracked.append(TrackedDeadline(
            row=detail.row,
            source=detail.source,
            lead_days=list(overrides.get(record_id, default_lead_days)),
            renewals_elapsed=detail.renewals_elapsed,
            renews_until=detail.renews_until,
            previous_term_end=before,
            ledger=ledger,
        ))
    if with_untracked:
        result.untracked = [_untracked(c) for c in portfolio.no_date_contracts(today)]
    return result


def tracked_rows(
    portfolio: Portfolio,
    rows: Iterable[DeadlineRow],
    default_lead_days: Sequence[int],
    home: Path | None = None,
) -> list[TrackedDeadline]:
    """The rows `contracts renewals` lists, with what a calendar or spreadsheet needs.

    Given the data directory `home`, a source the watcher has archived since is shown as
    its archived copy (`alerts.originals`).
    """
    overrides = portfolio.lead_days_overrides()
    tracked = []
    for row in rows:
        record = portfolio.get(row.record_id)
        if record is not None:
            leads = overrides.get(record.id, default_lead_days)
            item = track(record, row, leads)
            tracked.append(item.model_copy(
                update={"first_version_id": first_version_id(record, portfolio)}))
    return with_original_locations(tracked, home) if home is not None else tracked


def no_date_contracts(portfolio: Portfolio, today: date) -> list[Untracked]:
    """Evergreen, perpetual and undated contracts, listed as such (title order)."""
    found = [_untracked(contract) for contract in portfolio.no_date_contracts(today)]
    return sorted(found, key=lambda u: ((u.title or u.filename).casefold(), u.record_id))
