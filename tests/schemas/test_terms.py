"""Term and notice-deadline arithmetic, table-driven (conventions in schemas/terms.py)."""

from datetime import date

import pytest

from schemas import Duration
from schemas.terms import add_duration, notice_deadline, roll_forward, subtract_duration, term_end


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
