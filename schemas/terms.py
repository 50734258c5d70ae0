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
* **Renewal terms count from the first renewal day.** Renewal term *k* ends the day
  before the *k*-th anniversary of the day after the initial term ended, so month-end
  clamping never accumulates: monthly renewals after a term ending 2024-01-30 end
  2024-02-28, 2024-03-30, 2024-04-29 (not 02-28, 03-28, 04-28 as chaining term after
  term would drift to).
* **Rolling renewals**: when today is past the current term end and the contract
  auto-renews, the term rolls forward by the renewal term until it ends today or later.
  When that term's notice deadline has already gone by (today falls between the deadline
  and the term end), the contract will renew whatever happens, so the roll goes one term
  further: the position returned is always the next deadline an admin can still meet,
  together with the end of the term it applies to. A deadline of today is still open.
* **Missing inputs give no date**: without a renewal term nothing rolls (the caller
  reports the term as ended or undated and says why); nothing here guesses.
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


def act_by(term_end_date: date, notice_period: Duration | None) -> date:
    """The date a term must be acted on by: its notice deadline, or its end without one."""
    return notice_deadline(term_end_date, notice_period) if notice_period else term_end_date


@dataclass(frozen=True)
class TermPosition:
    """Where a contract stands on a given day.

    `current_term_end` is the end of the term that `notice_deadline` applies to: the term
    in force, or, once that term's deadline has passed, the renewal term that follows it.
    """

    current_term_end: date
    notice_deadline: date | None
    renewals_elapsed: int


def roll_forward(
    term_end_date: date,
    renewal_term: Duration | None,
    notice_period: Duration | None,
    today: date,
    past_terms: int = 0,
) -> TermPosition:
    """The next term an admin can still act on, as of `today` (see the module docstring).

    Without a renewal term the term does not roll: a contract past its end has simply
    expired, and the returned term end is in the past. With one, the term rolls
    forward until the notice deadline (or, without a notice period, the term end) is
    today or later. If `MAX_ROLLS` is reached first, the returned deadline is still in
    the past: callers treat that as "cannot say", never as a date.

    `past_terms` (at most `MAX_ROLLS`) lets a caller that knows the act-by date of the
    first `past_terms` terms is before `today` (it computed the position for an earlier
    day) start rolling there instead of from the first term: same result, less work.
    """
    end = term_end_date
    rolls = 0
    if renewal_term is not None and renewal_term.count > 0:
        first_renewal_day = term_end_date + timedelta(days=1)
        if past_terms > 0:
            rolls = min(past_terms, MAX_ROLLS)
            end = renewal_term_end(first_renewal_day, renewal_term, rolls)
        while rolls < MAX_ROLLS:
            if act_by(end, notice_period) >= today:
                break
            rolls += 1
            end = renewal_term_end(first_renewal_day, renewal_term, rolls)
    deadline = notice_deadline(end, notice_period) if notice_period else None
    return TermPosition(current_term_end=end, notice_deadline=deadline, renewals_elapsed=rolls)


def renewal_term_end(first_renewal_day: date, renewal_term: Duration, renewals: int) -> date:
    """Last day of the `renewals`-th renewal term (1 = the first renewal).

    Counted from the first renewal day as one long term of `renewals` x `renewal_term`,
    so that clamping a 31st to a shorter month happens once, not once per term.

    >>> renewal_term_end(date(2024, 1, 31), Duration(count=1, unit="months"), 3)
    datetime.date(2024, 4, 29)
    """
    total = Duration(count=renewal_term.count * renewals, unit=renewal_term.unit)
    return term_end(first_renewal_day, total)
