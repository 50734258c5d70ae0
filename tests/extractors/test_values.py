"""Durations and dates as contracts write them."""

from datetime import date

import pytest

from extractors.values import (
    parse_date,
    parse_duration,
    parse_money,
    parse_percent,
    words_to_number,
)


@pytest.mark.parametrize(
    ("text", "count", "unit"),
    [
        ("ninety (90) days", 90, "days"),
        ("sixty days'", 60, "days"),
        ("12 months", 12, "months"),
        ("one (1) year", 1, "years"),
        ("thirty-six (36) months", 36, "months"),
        ("five (5) Business Days", 5, "business_days"),
        ("ten working days", 10, "business_days"),
        ("a 90-day period", 90, "days"),
        ("twelve-month", 12, "months"),
        ("(30) days", 30, "days"),
        ("an additional one year", 1, "years"),
        ("one hundred twenty (120) days", 120, "days"),
        ("two (2) weeks", 2, "weeks"),
        ("thirty (30) calendar days", 30, "days"),
    ],
)
def test_parse_duration(text: str, count: int, unit: str) -> None:
    duration = parse_duration(text)
    assert duration is not None
    assert (duration.count, duration.unit.value) == (count, unit)


def test_parenthesised_digits_win_over_words() -> None:
    # A typo in the words ("sixty (90)") is common; the digits are what lawyers check.
    assert parse_duration("sixty (90) days").count == 90  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["days", "the term", "notice"])
def test_no_duration(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("words", "value"),
    [("ninety", 90), ("thirty-six", 36), ("one hundred twenty", 120), ("twelve", 12),
     ("banana", None)],
)
def test_words_to_number(words: str, value: int | None) -> None:
    assert words_to_number(words) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the 1st day of March, 2024", date(2024, 3, 1)),
        ("March 1st, 2024", date(2024, 3, 1)),
        ("1 March 2024", date(2024, 3, 1)),
        ("Jan. 5, 2010", date(2010, 1, 5)),
        ("15th day of January 2024", date(2024, 1, 15)),
        ("2024-03-01", date(2024, 3, 1)),
        # Locale rule: ambiguous numeric dates are month-first (US) by default ...
        ("01/03/2024", date(2024, 1, 3)),
        # ... and a first part over 12 can only be a day.
        ("26/03/2024", date(2024, 3, 26)),
        ("9/9/97", date(1997, 9, 9)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_day_first_documents_read_numeric_dates_day_first() -> None:
    assert parse_date("01/03/2024", day_first=True) == date(2024, 3, 1)


@pytest.mark.parametrize("text", ["March 2024", "31/02/2024", "__ day of ____, 20__"])
def test_incomplete_or_impossible_dates_are_none(text: str) -> None:
    assert parse_date(text) is None


def test_percent_and_money() -> None:
    assert parse_percent("99.95%") == 99.95
    assert parse_percent("ten percent") == 10.0
    assert parse_money("$5,000") == (5000.0, "USD")
    assert parse_money("€1.5 million") == (1_500_000.0, "EUR")
