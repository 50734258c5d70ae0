"""Turn mention text into values: "ninety (90) days" -> Duration, "1st day of March, 2024" -> date.

Date locale rule: a numeric date whose first two parts could both be a month
(`01/03/2024`) is read month-first (US style, as in SEC filings) unless the caller says
the document is day-first (`day_first=True`, e.g. an English-law contract); when the
first part is over 12 (`26/03/2024`) it can only be day-first and is read so.
Written-out months are unambiguous. dateparser does the parsing; results are cached
because contracts repeat the same few dates many times.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import dateparser

from schemas import Duration, DurationUnit

_UNITS = {
    "day": DurationUnit.days,
    "week": DurationUnit.weeks,
    "month": DurationUnit.months,
    "year": DurationUnit.years,
}
_ONES = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_DURATION = re.compile(
    r"(?P<words>[a-z][a-z\- ]*?)?\s*(?:\(\s*(?P<paren>\d+)\s*\)|(?P<digits>\d+))?\s*-?\s*"
    r"(?P<qual>(?:(?:calendar|business|working|banking|full|consecutive|additional|successive|"
    r"contract|further)\s+)*)(?P<unit>day|week|month|year)s?\b",
    re.IGNORECASE,
)


def words_to_number(words: str) -> int | None:
    """'ninety' -> 90, 'thirty-six' -> 36, 'one hundred twenty' -> 120; None if not a number."""
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[\s\-]+", words.lower().strip()):
        if not word or word == "and":
            continue
        if word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_duration(text: str) -> Duration | None:
    """Read a duration mention. The digits in parentheses win over the words before them.

    >>> parse_duration("ninety (90) days'")
    Duration(count=90, unit=<DurationUnit.days: 'days'>)
    """
    match = _DURATION.search(text)
    if match is None:
        return None
    count: int | None = None
    if match["paren"]:
        count = int(match["paren"])
    elif match["digits"]:
        count = int(match["digits"])
    elif match["words"]:
        # Only the trailing number words ("for a period of sixty" -> "sixty").
        tokens = match["words"].replace("-", " - ").split()
        for i in range(len(tokens)):
            value = words_to_number(" ".join(tokens[i:]))
            if value is not None:
                count = value
                break
    if count is None:
        return None
    unit = _UNITS[match["unit"].lower()]
    qualifiers = (match["qual"] or "").lower()
    if unit is DurationUnit.days and ("business" in qualifiers or "working" in qualifiers
                                      or "banking" in qualifiers):
        unit = DurationUnit.business_days
    return Duration(count=count, unit=unit)


_DATE_NOISE = re.compile(r"\b(the|day of|in the year|of)\b|,", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def parse_date(text: str, day_first: bool = False) -> date | None:
    """Read a date mention (see the module docstring for the numeric-date locale rule)."""
    iso = _ISO_DATE.match(text)
    if iso:
        return _safe_date(int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        first, second, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
        if year < 100:
            year += 2000 if year < 70 else 1900
        if first > 12 or (day_first and second <= 12):
            return _safe_date(year, second, first)
        return _safe_date(year, first, second)
    cleaned = " ".join(_DATE_NOISE.sub(" ", _ORDINAL.sub(r"\1", text)).split())
    parsed = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY" if day_first else "MDY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DAY_OF_MONTH": "first",
            "STRICT_PARSING": True,
        },
    )
    return parsed.date() if parsed else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_percent(text: str) -> float | None:
    """'99.9%' -> 99.9, 'ten percent (10%)' -> 10.0."""
    digits = re.search(r"\d+(?:\.\d+)?", text)
    if digits:
        return float(digits.group())
    value = words_to_number(re.sub(r"\b(percent|per-cent|percentage)\b", "", text.lower()))
    return float(value) if value is not None else None


def parse_money(text: str) -> tuple[float, str] | None:
    """'$5,000' -> (5000.0, 'USD'); '€1.5 million' -> (1500000.0, 'EUR')."""
    number = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if number is None:
        return None
    amount = float(number.group().replace(",", ""))
    lowered = text.lower()
    if "million" in lowered:
        amount *= 1_000_000
    elif "billion" in lowered:
        amount *= 1_000_000_000
    elif "thousand" in lowered:
        amount *= 1_000
    if "€" in text or "eur" in lowered:
        currency = "EUR"
    elif "£" in text or "gbp" in lowered or "pound" in lowered:
        currency = "GBP"
    elif "cad" in lowered:
        currency = "CAD"
    else:
        currency = "USD"
    return amount, currency
