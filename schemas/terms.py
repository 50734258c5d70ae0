"""Term, renewal and notice-deadline arithmetic: pure, exact to the day.

Conventions (used everywhere in the project):

* **A term ends the day before its anniversary.** A one-year term starting 2024-03-01
  runs through 2025-02-28. This is the conservative reading: it puts the notice
  deadline a day earlier rather than a day late.
* **Calendar months clamp to the month end** (dateutil's `relativedelta`):
  2024-01-31 + 1 month = 2024-02-29.
* **Business days** are Monday to Friday; public holidays are not known and not skipped.
* **The notice deadline is the last day notice may be given.** "At least 90 days prior
  to the end of the term" with a term ending 2027-02-28 gives 2026-11-30.
* **Rolling renewals**: when today is past the current term end and the contract
  auto-renews, the term rolls forward by the renewal term (the new term starts the day
  after the old one ends) until its notice deadline is today or later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from schemas.record import Duration, DurationUnit

MAX_ROLLS = 10_000
"""Safety bound on rolling a term forward (10,000 one-day renewals is ~27 years)."""


def _shift_business_days(day: date, count: int) -> date:
    """Move `count` business days forward (count > 0) or back (count < 0) from `day`."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if day.weekday() < 5:
            remaining -= 1
    return day


def add_duration(day: date, duration: Duration) -> date:
    """`day` moved forward by `duration` (months clamp to month end)."""
    return _shift(day, duration, 1)


def subtract_duration(day: date, duration: Duration) -> date:
    """`day` moved back by `duration` (months clamp to month end)."""
    return _shift(day, duration, -1)


def _shift(day: date, duration: Duration, sign: int) -> date:
    n = duration.count * sign
    match duration.unit:
        case DurationUnit.days:
            return day + timedelta(days=n)
        case DurationUnit.business_days:
            return _shift_business_days(day, n)
        case DurationUnit.weeks:
            return day + timedelta(weeks=n)
        case DurationUnit.months:
            return day + relativedelta(months=n)
        case DurationUnit.years:
            return day + relativedelta(years=n)
    raise ValueError(f"unknown duration unit {duration.unit!r}")


def term_end(start: date, term: Duration) -> date:
    """Last day of a term of length `term` starting on `start` (the day before the anniversary).

    >>> term_end(date(2024, 3, 1), Duration(count=1, unit="years"))
    datetime.date(2025, 2, 28)
    """
    if term.count == 0:
        return start
    if term.unit is DurationUnit.business_days:
        # A 10-business-day term starting on a Monday ends on the Friday of the next week.
        return _shift_business_days(start, term.count - 1) if start.weekday() < 5 else (
            _shift_business_days(start, term.count)
        )
    return add_duration(start, term) - timedelta(days=1)


def notice_deadline(current_term_end: date, notice_period: Duration) -> date:
    """Last day to give notice so that it arrives `notice_period` before the term ends.

    "At least ninety (90) days prior to the end of the then-current term": the term end
    minus 90 days. A deadline that falls on a weekend is *not* moved: the earlier
    weekday would be safer, but the contract does not say so; the alert lead times
    give the admin warning well before it.
    """
    return subtract_duration(current_term_end, notice_period)


@dataclass(frozen=True)
class TermPosition:
    """Where a contract stands on a given day."""

    current_term_end: date
    notice_deadline: date | None
    renewals_elapsed: int


def roll_forward(
    term_end_date: date,
    renewal_term: Duration | None,
    notice_period: Duration | None,
    today: date,
) -> TermPosition:
    """The term in force (or next to act on) as of `today`.

    Without a renewal term the term does not roll: a contract past its end has simply
    expired, and the returned term end is in the past. With one, the term rolls
    forward until the notice deadline (or, without a notice period, the term end) is
    today or later, so the deadline returned is the next one an admin can still meet.
    """
    end = term_end_date
    rolls = 0
    if renewal_term is not None and renewal_term.count > 0:
        while rolls < MAX_ROLLS:
            act_by = notice_deadline(end, notice_period) if notice_period else end
            if act_by >= today:
                break
            end = term_end(end + timedelta(days=1), renewal_term)
            rolls += 1
    deadline = notice_deadline(end, notice_period) if notice_period else None
    return TermPosition(current_term_end=end, notice_deadline=deadline, renewals_elapsed=rolls)
