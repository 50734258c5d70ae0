"""Readers the penalty extractors share: money amounts, caps, fee bases, periods, and the
condition a penalty is triggered by.

* `money_mentions`: "$5,000", "US$250,000", "EUR 2,500", "Fifty Dollars" (not a bare
  number, nor the "No/100" of "Fifty and No/100 Dollars");
* `CAP_BEFORE`: the words just before a figure that make it a cap ("shall not exceed
  thirty percent (", "up to a maximum of ");
* `fee_basis`: "of the Monthly Fees" -> "monthly_fees", "of the Contract Price" ->
  "contract_price";
* `period_after` / `period_near`: "per day", "for each week of delay", "per annum",
  "the monthly rate of" -> day, week, year, month; `per_unit` also counts events
  ("RMB500 per trip" -> trip);
* `condition`: the "if ..." part of a sentence; `delay`: "fails to achieve X by the
  date" -> "delay in achieving X".

Word lists live in `patterns/penalties.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractors.sla_readers import word_patterns
from extractors.values import parse_money

WORDS = word_patterns("penalties.json")
_MONEY = re.compile(
    r"(?P<code>(?:US|USD|EUR|GBP|CAD|AUD|RMB|CNY|INR|CHF|JPY)\s?)?(?P<sym>[$€£])?\s?"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)(?:\s?(?:million|thousand|billion))?"
    r"(?:\s?(?P<word>dollars|euros|pounds|yuan))?",
    re.IGNORECASE,
)
CAP_BEFORE = re.compile(
    r"(?:(?:not|never|event)\s+exceed|maximum(?:\s+\w+){0,3}?|max\.?|capped\s+at|cap\s+of|"
    r"up\s+to|limited\s+to|more\s+than|in\s+excess\s+of|greater\s+than)[\s,]*"
    r"(?:of\s+|be\s+|will\s+be\s+|is\s+)?(?:[\w,]+\s+){0,5}?(?:\(\s*)?$",
    re.IGNORECASE,
)
"""Just before a figure, a cap: "shall not exceed thirty percent (", "up to a maximum of ",
"shall not exceed, in aggregate, fifteen percent ("."""
FEES_AFTER = re.compile(
    r"\s*\)?\s*of\s+(?:the\s+)?(?P<basis>(?:\w+[\s-]+){0,3}?)(?P<noun>fees?|charges?|price|"
    r"invoice\w*|amounts?)",
    re.IGNORECASE,
)
"""Right after a percentage (anchored): what it is a share of ("of the Monthly Fees")."""
_PERIODS = (
    ("day", re.compile(r"\b(?:per|each|for\s+each|a)\s+(?:calendar\s+|business\s+|working\s+)?day"
                       r"|\bdaily\s+rate", re.IGNORECASE)),
    ("week", re.compile(r"\b(?:per|each|for\s+each|a)\s+(?:calendar\s+)?week|\bweekly\s+rate",
                        re.IGNORECASE)),
    ("month", re.compile(r"\b(?:per|each|for\s+each|a)\s+(?:calendar\s+)?month|\bmonthly\b",
                         re.IGNORECASE)),
    ("year", re.compile(r"\b(?:per\s+annum|per\s+year|a\s+year|annual(?:ly)?|yearly)\b",
                        re.IGNORECASE)),
)
_PER_NOUN = re.compile(
    r"\s*\)?\s*(?:per|for\s+each|for\s+every|each)\s+(?:each\s+|every\s+)?(?:(?:calendar|business|"
    r"working|full|late|delayed|additional|such)\s+)?(?P<noun>[a-z]+)",
    re.IGNORECASE,
)
_TIME_NOUNS = {"day": "day", "week": "week", "month": "month", "year": "year", "annum": "year"}
_NOT_NOUNS = frozenset({"the", "a", "an", "such", "of", "and", "or", "cent"})
_CONDITION = re.compile(
    r"\b(?:if|in\s+the\s+event(?:\s+that|\s+of)?|where|should)\s+(?P<cond>[^;:]+?)"
    r"(?:,|;|\.(?!\d)|$)",
    re.IGNORECASE,
)
_DEFINED_TERM = re.compile(r'\s*\((?:a|an|the|each)?\s*"[^"]+"\)')
_COPULA = re.compile(r"\b(?:is|are|was|falls?|drops?|goes)\s+(below|under|less\s+than)\b",
                     re.IGNORECASE)
_FAILS_TO = re.compile(
    r"\bfail(?:s|ed)?\s+to\s+(?P<verb>[a-z]+)\s+(?P<object>.+?)(?:\s+(?:by|on|within|"
    r"no\s+later\s+than|in\s+accordance\s+with)\b.*)?$",
    re.IGNORECASE,
)


def money_mentions(body: str) -> Iterator[tuple[float, str, int, int]]:
    """(amount, currency, start, end) of each money amount; bare numbers are not money, nor
    the "No/100" of "Fifty and No/100 Dollars"."""
    for match in _MONEY.finditer(body):
        is_money = match["code"] or match["sym"] or match["word"]
        if not is_money or body[:match.start()].endswith("/"):
            continue
        parsed = parse_money(match.group())
        if parsed is None:
            continue
        code = (match["code"] or "").strip().upper()
        currency = {"": parsed[1], "US": "USD", "RMB": "CNY"}.get(code, code)
        yield parsed[0], currency, match.start(), match.end()


def is_cap(body: str, start: int) -> bool:
    """Whether the figure at `start` is a cap ("up to a maximum of ...")."""
    return bool(CAP_BEFORE.search(body[max(0, start - 60):start]))


def fee_unit(basis: str | None, context: str) -> str:
    """percent_of_monthly_fees when the basis (or, lacking one, the sentence) is monthly."""
    words = (basis or context).lower()
    return "percent_of_monthly_fees" if "month" in words else "percent_of_fees"


def fee_basis(match: re.Match[str]) -> str:
    """"of the Contract Price" -> "contract_price", "of the Monthly Fees" -> "monthly_fees"."""
    words = [*match["basis"].lower().split(), match["noun"].lower()]
    words = [w for w in words if w not in {"total", "applicable", "then-current", "such"}]
    return "_".join(re.sub(r"[^a-z0-9]+", "_", w).strip("_") for w in words)


def period_after(text: str) -> str | None:
    """The first period named in `text` ("per month", "for each day of delay")."""
    found = [(m.start(), name) for name, pattern in _PERIODS if (m := pattern.search(text))]
    return min(found)[1] if found else None


def per_unit(body: str, end: int) -> str | None:
    """What an amount ending at `end` is charged per: "$500 per trip" -> "trip", "for each
    day of delay" -> "day", "per annum" -> "year"; else the period named within 60 chars."""
    match = _PER_NOUN.match(body, end)
    noun = match["noun"].lower() if match else ""
    if noun and noun not in _NOT_NOUNS:
        singular = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
        return _TIME_NOUNS.get(singular, singular)
    return period_after(body[end:end + 60])


def period_near(body: str, start: int, end: int) -> str | None:
    """The period of the figure at `start`-`end`: named right after it ("1.5% per month"),
    else the nearest before it ("the monthly rate of 1.5%", "for each day of delay ... 0.5%")."""
    after = period_after(body[end:end + 40])
    if after:
        return after
    before = body[max(0, start - 120):start]
    found = [(m.end(), name) for name, pattern in _PERIODS for m in pattern.finditer(before)]
    return max(found)[1] if found else None


def condition(body: str) -> str | None:
    """The "if ..." / "in the event ..." part of a sentence, tidied: defined-term labels
    dropped, "is below" -> "below", a leading metric in lower case."""
    match = _CONDITION.search(body)
    if match is None:
        return None
    text = " ".join(_COPULA.sub(r"\1", _DEFINED_TERM.sub("", match["cond"])).split())
    first, _, rest = text.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        text = f"{first.lower()} {rest}".strip()
    return text


def delay(condition_text: str | None) -> str | None:
    """Per-day damages run on delay: "the Supplier fails to achieve the Milestone by the
    Milestone Date" -> "delay in achieving the Milestone"."""
    match = _FAILS_TO.search(condition_text or "")
    if match is None:
        return condition_text
    verb = match["verb"].lower()
    gerund = f"{verb[:-1]}ing" if verb.endswith("e") and not verb.endswith("ee") else f"{verb}ing"
    return f"delay in {gerund} {match['object']}"
