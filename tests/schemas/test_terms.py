"""Term and notice-deadline arithmetic, table-driven (conventions in schemas/terms.py)."""

from datetime import date

import pytest

from schemas import Duration
from schemas.terms import (
    add_duration,
    notice_deadline,
    renewal_term_end,
    roll_forward,
    subtract_duration,
    term_end,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def dur(count: int, unit: str) -> Duration:
    return Duration(count=count, unit=unit)


@pytest.mark.parametrize(
    ("start", "term", "end"),
    [
        ("2024-03-01", dur(1, "years"), "2025-02-28"),  # the conservative reading
        ("2024-01-01", dur(1, "years"), "2024-12-31"),
        ("2024-02-29", dur(1, "years"), "2025-02-27"),  # Feb 29 + 1 year clamps to Feb 28
        ("2024-01-31", dur(1, "months"), "2024-02-28"),  # Jan 31 + 1 month = Feb 29, minus a day
        ("2024-03-01", dur(36, "months"), "2027-02-28"),
        ("2024-03-01", dur(3, "years"), "2027-02-28"),
        ("2024-03-01", dur(90, "days"), "2024-05-29"),
        ("2024-03-01", dur(2, "weeks"), "2024-03-14"),
        ("2024-03-04", dur(10, "business_days"), "2024-03-15"),  # Monday + 10 working days
    ],
)
def test_term_end(start: str, term: Duration, end: str) -> None:
    assert term_end(d(start), term) == d(end)


@pytest.mark.parametrize(
    ("end", "notice", "deadline"),
    [
        ("2027-02-28", dur(90, "days"), "2026-11-30"),
        ("2025-02-28", dur(60, "days"), "2024-12-30"),
        ("2024-03-31", dur(1, "months"), "2024-02-29"),  # month arithmetic clamps to Feb 29
        ("2025-03-31", dur(1, "months"), "2025-02-28"),
        ("2025-12-31", dur(3, "months"), "2025-09-30"),
        ("2024-03-11", dur(5, "business_days"), "2024-03-04"),  # Monday back over a weekend
        ("2024-03-10", dur(1, "business_days"), "2024-03-08"),  # Sunday -> Friday
        ("2024-12-31", dur(1, "years"), "2023-12-31"),
    ],
)
def test_notice_deadline(end: str, notice: Duration, deadline: str) -> None:
    assert notice_deadline(d(end), notice) == d(deadline)


def test_add_and_subtract_are_calendar_aware() -> None:
    assert add_duration(d("2024-01-31"), dur(1, "months")) == d("2024-02-29")
    assert subtract_duration(d("2024-05-31"), dur(3, "months")) == d("2024-02-29")
    assert add_duration(d("2024-03-08"), dur(1, "business_days")) == d("2024-03-11")


def test_no_roll_before_the_deadline() -> None:
    pos = roll_forward(d("2027-02-28"), dur(1, "years"), dur(90, "days"), d("2026-11-21"))
    assert (pos.current_term_end, pos.notice_deadline, pos.renewals_elapsed) == (
        d("2027-02-28"), d("2026-11-30"), 0)


def test_deadline_today_is_still_actionable() -> None:
    pos = roll_forward(d("2027-02-28"), dur(1, "years"), dur(90, "days"), d("2026-11-30"))
    assert pos.notice_deadline == d("2026-11-30")
    assert pos.renewals_elapsed == 0


def test_missed_deadline_rolls_into_the_next_term() -> None:
    pos = roll_forward(d("2027-02-28"), dur(1, "years"), dur(90, "days"), d("2026-12-01"))
    assert pos.current_term_end == d("2028-02-29")  # next term runs 2027-03-01 .. 2028-02-29
    assert pos.notice_deadline == d("2027-12-01")
    assert pos.renewals_elapsed == 1


def test_renewal_rolled_several_times() -> None:
    pos = roll_forward(d("2019-12-31"), dur(1, "years"), dur(60, "days"), d("2026-11-21"))
    assert pos.current_term_end == d("2027-12-31")
    assert pos.notice_deadline == d("2027-11-01")
    assert pos.renewals_elapsed == 8


def test_notice_period_longer_than_the_renewal_term() -> None:
    # Monthly renewals with 90 days' notice: the deadline for a term is before it starts.
    pos = roll_forward(d("2026-01-31"), dur(1, "months"), dur(90, "days"), d("2026-11-21"))
    assert pos.notice_deadline is not None and pos.notice_deadline >= d("2026-11-21")
    assert (pos.current_term_end - pos.notice_deadline).days == 90


def test_without_renewal_term_the_contract_simply_ends() -> None:
    pos = roll_forward(d("2025-06-30"), None, dur(30, "days"), d("2026-11-21"))
    assert pos.current_term_end == d("2025-06-30")
    assert pos.renewals_elapsed == 0


# --- the edge cases a contract admin's calendar is full of ---------------------------------
# Every date below was worked out by hand from the conventions in schemas/terms.py.


@pytest.mark.parametrize(
    ("start", "term", "end"),
    [
        ("2024-02-29", dur(4, "years"), "2028-02-28"),  # next Feb 29 is the anniversary
        ("2023-02-28", dur(1, "years"), "2024-02-27"),  # Feb 28 + 1 year is Feb 28, not 29
        ("2024-08-31", dur(6, "months"), "2025-02-27"),  # Aug 31 + 6 months clamps to Feb 28
        ("2024-12-31", dur(1, "months"), "2025-01-30"),
        ("2024-03-02", dur(10, "business_days"), "2024-03-15"),  # Saturday start: Monday is day 1
        ("2024-03-08", dur(2, "business_days"), "2024-03-11"),  # Friday, then Monday
        ("2024-03-04", dur(1, "business_days"), "2024-03-04"),  # a one-day term ends that day
        ("2024-03-01", dur(0, "days"), "2024-03-01"),
        ("2024-03-01", dur(1, "weeks"), "2024-03-07"),
    ],
)
def test_term_end_edges(start: str, term: Duration, end: str) -> None:
    assert term_end(d(start), term) == d(end)


@pytest.mark.parametrize(
    ("end", "notice", "deadline"),
    [
        ("2028-02-29", dur(1, "years"), "2027-02-28"),  # from Feb 29 back a year clamps
        ("2024-02-29", dur(30, "days"), "2024-01-30"),
        ("2025-03-01", dur(1, "days"), "2025-02-28"),
        ("2024-03-18", dur(10, "business_days"), "2024-03-04"),  # back across two weekends
        ("2024-03-16", dur(1, "business_days"), "2024-03-15"),  # Saturday -> Friday
        ("2024-03-11", dur(1, "business_days"), "2024-03-08"),  # Monday -> Friday
        ("2024-03-31", dur(2, "weeks"), "2024-03-17"),
        ("2026-03-01", dur(90, "days"), "2025-12-01"),
        ("2025-12-31", dur(0, "days"), "2025-12-31"),  # "prior to the end": zero days' notice
        ("2026-02-28", dur(90, "days"), "2025-11-30"),  # a Sunday: not moved (see docstring)
    ],
)
def test_notice_deadline_edges(end: str, notice: Duration, deadline: str) -> None:
    assert notice_deadline(d(end), notice) == d(deadline)


@pytest.mark.parametrize(
    ("first_day", "renewal", "renewals", "end"),
    [
        ("2024-01-31", dur(1, "months"), 1, "2024-02-28"),
        ("2024-01-31", dur(1, "months"), 2, "2024-03-30"),  # anchored: no drift to the 28th
        ("2024-01-31", dur(1, "months"), 3, "2024-04-29"),
        ("2024-02-01", dur(1, "months"), 2, "2024-03-31"),  # month-aligned terms end at month end
        ("2024-03-01", dur(1, "years"), 4, "2028-02-29"),
        ("2024-02-29", dur(1, "years"), 1, "2025-02-27"),
        ("2024-02-29", dur(1, "years"), 4, "2028-02-28"),
        ("2024-03-04", dur(5, "business_days"), 2, "2024-03-15"),
    ],
)
def test_renewal_term_end(first_day: str, renewal: Duration, renewals: int, end: str) -> None:
    assert renewal_term_end(d(first_day), renewal, renewals) == d(end)


@pytest.mark.parametrize(
    ("term_end_date", "renewal", "notice", "today", "expected"),
    [
        pytest.param("2027-02-28", dur(1, "years"), dur(90, "days"), "2026-11-30",
                     ("2027-02-28", "2026-11-30", 0), id="deadline-today"),
        pytest.param("2027-02-28", dur(1, "years"), dur(90, "days"), "2027-02-15",
                     ("2028-02-29", "2027-12-01", 1), id="between-deadline-and-term-end"),
        pytest.param("2027-02-28", dur(1, "years"), dur(90, "days"), "2027-03-01",
                     ("2028-02-29", "2027-12-01", 1), id="first-day-of-renewal"),
        pytest.param("2024-02-29", dur(1, "years"), dur(30, "days"), "2026-06-01",
                     ("2027-02-28", "2027-01-29", 3), id="from-feb-29-rolled-three-times"),
        pytest.param("2024-01-30", dur(1, "months"), dur(5, "days"), "2024-04-20",
                     ("2024-04-29", "2024-04-24", 3), id="monthly-from-the-31st-no-drift"),
        pytest.param("2024-01-31", dur(1, "months"), None, "2024-05-15",
                     ("2024-05-31", None, 4), id="monthly-month-ends-no-notice"),
        pytest.param("2025-02-28", dur(1, "years"), dur(10, "business_days"), "2025-02-15",
                     ("2026-02-28", "2026-02-16", 1), id="business-days-back-over-weekends"),
        pytest.param("2026-01-31", dur(1, "months"), dur(90, "days"), "2026-11-21",
                     ("2027-02-28", "2026-11-30", 13), id="notice-longer-than-monthly-term"),
        pytest.param("2025-12-31", dur(3, "months"), dur(6, "months"), "2026-01-01",
                     ("2026-09-30", "2026-03-30", 3), id="six-months-notice-quarterly-terms"),
        pytest.param("2026-11-01", dur(1, "weeks"), dur(3, "days"), "2026-11-21",
                     ("2026-11-29", "2026-11-26", 4), id="weekly-renewals"),
        pytest.param("2025-06-30", dur(1, "years"), None, "2025-06-30",
                     ("2025-06-30", None, 0), id="term-ends-today-no-notice"),
        pytest.param("2019-12-31", dur(1, "years"), dur(60, "days"), "2026-11-21",
                     ("2027-12-31", "2027-11-01", 8), id="rolled-eight-times"),
    ],
)
def test_roll_forward_table(
    term_end_date: str,
    renewal: Duration,
    notice: Duration | None,
    today: str,
    expected: tuple[str, str | None, int],
) -> None:
    pos = roll_forward(d(term_end_date), renewal, notice, d(today))
    end, deadline, rolls = expected
    assert pos.current_term_end == d(end)
    assert pos.notice_deadline == (d(deadline) if deadline else None)
    assert pos.renewals_elapsed == rolls
    # the invariants every position keeps
    assert (pos.notice_deadline or pos.current_term_end) >= d(today)
    if notice is not None:
        assert notice_deadline(pos.current_term_end, notice) == pos.notice_deadline


def test_roll_forward_gives_up_without_guessing() -> None:
    """Daily renewals since 1990 exceed MAX_ROLLS: the position stays in the past."""
    pos = roll_forward(d("1990-01-01"), dur(1, "days"), dur(1, "days"), d("2026-11-21"))
    assert pos.notice_deadline is not None and pos.notice_deadline < d("2026-11-21")
