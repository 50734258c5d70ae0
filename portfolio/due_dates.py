"""Every date a contract can ever be due on, listed once, so a store can range-query it.

`portfolio.renewals.term_status` answers "what is due next, as of today" by rolling the
term forward from the initial term end; the answer moves as days pass, so a store cannot
index it. But it is always one value of a fixed chain that does not depend on today: the
act-by date (notice deadline, or term end without a notice period) of the initial term and
of each renewal term after it. `due_dates` lists that chain. A backend stores it on the
record (Elasticsearch: a multi-valued `date` field) and pre-selects the contracts with a
value inside [today, today + window]; the exact rows are then computed by the same
`term_status` the embedded store uses, so both stores list the same deadlines.

The chain is finite in practice (a horizon and a cap on the number of dates); the part
not listed is reported as `complete_until`, and a record whose listed chain ends before a
window does is always a candidate: the pre-selection may include extra records, never
leave one out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portfolio.renewals import continues_after_term, initial_term_end
from schemas.record import ContractRecord
from schemas.terms import MAX_ROLLS, act_by, renewal_term_end

MAX_DUE_DATES = 1200
"""Dates listed per contract at most (100 years of monthly renewals; 3 years of daily)."""


@dataclass(frozen=True)
class DueDates:
    """The act-by dates of a contract's terms, ascending.

    `complete_until` is None when `dates` holds every date `term_status` can ever return
    for this record; otherwise every chain date up to and including that day is listed
    and later ones are not.
    """

    dates: tuple[date, ...]
    complete_until: date | None = None


def due_dates(record: ContractRecord, horizon: date, limit: int = MAX_DUE_DATES) -> DueDates:
    """The dates `term_status(record, today).due_date` can take, up to `horizon`.

    Follows `term_status` case by case: perpetual, evergreen and undated contracts have
    none; a contract that does not renew has its term end; one that auto-renews without
    a stated renewal term (an initial term followed by evergreen among them) has only its
    first act-by date; one that rolls has the act-by
    date of every term up to `schemas.terms.MAX_ROLLS` renewals (further than that
    `term_status` gives no date either). The chain never decreases, so stopping at the
    horizon or the cap leaves nothing earlier out.
    """
    renewal = record.renewal
    if renewal.evergreen:  # checked first, as `term_status` does
        if not continues_after_term(renewal.evergreen, renewal.auto_renews):
            return DueDates(())
        end = initial_term_end(record)  # only the initial term's act-by date, then none
        return DueDates((act_by(end, renewal.notice_period),) if end is not None else ())
    if record.perpetual:
        return DueDates(())
    end = initial_term_end(record)
    if end is None:
        return DueDates(())
    if not renewal.auto_renews:
        return DueDates((end,))
    notice = renewal.notice_period
    term = renewal.renewal_term
    if term is None or term.count == 0:
        return DueDates((act_by(end, notice),))
    first_renewal_day = end + timedelta(days=1)
    dates: list[date] = []
    term_end = end
    for rolls in range(MAX_ROLLS + 1):
        if rolls:
            term_end = renewal_term_end(first_renewal_day, term, rolls)
        due = act_by(term_end, notice)
        if due > horizon:
            return DueDates(tuple(dates), complete_until=horizon)
        if len(dates) >= limit:
            return DueDates(tuple(dates), complete_until=dates[-1])
        dates.append(due)
    return DueDates(tuple(dates))


def due_in_window(record: ContractRecord, first: date, last: date) -> list[date]:
    """The record's chain dates within [first, last] (exact: no horizon, no cap)."""
    chain = due_dates(record, horizon=last, limit=MAX_ROLLS + 1)
    return [day for day in chain.dates if first <= day <= last]
