"""Readers shared by the SLA and penalty extractors: time limits, percentages, severity
labels, word lists, and the sentences and lines of a contract.

* `time_limits`: "four (4) hours", "15 minutes", "2 Business Days", "next business day",
  "by the end of the Support Day immediately following", and hours that count only
  "during technical support desk hours" (business hours);
* `PERCENT` / `percent_value`: "99.9%", "10 percent", "1 1/2%";
* `severity_label`: "Severity One" -> "Severity 1", "PRIORITY 2" -> "Priority 2", "P1";
* `line_index`: computed once per document and shared, because both extractors walk
  the same lines (and the same sentences: `extractors.sentences.sentence_spans`).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors.values import words_to_number

PATTERNS_DIR = Path(__file__).with_name("patterns")


def word_patterns(filename: str) -> dict[str, re.Pattern[str]]:
    """Compile a word-list file: each entry's phrases become one whole-word regex."""
    data = json.loads((PATTERNS_DIR / filename).read_text(encoding="utf-8"))
    return {
        name: re.compile(
            r"\b(?:" + "|".join(p.replace(" ", r"\s+") for p in entry["phrases"]) + r")\b",
            re.IGNORECASE,
        )
        for name, entry in data.items()
        if not name.startswith("_")
    }


WORDS = word_patterns("sla.json")
_NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|an?)"
)
_SUPPORT_DAY = r"(?:business|working|support)\s+day"
TIME_MENTION = re.compile(
    rf"(?:(?P<words>{_NUMBER_WORD})\s*\(\s*(?P<paren>\d+(?:\.\d+)?)\s*\)|(?P<digits>\d+(?:\.\d+)?)"
    rf"|(?P<only>{_NUMBER_WORD}))\s*-?\s*(?P<qual>(?:business|working|normal|clock|calendar|"
    r"consecutive|support)\s+)?(?P<unit>minutes?|mins?|hours?|hrs?|days?)\b"
    rf"|(?P<next>(?:next|following)\s+{_SUPPORT_DAY}"
    rf"|end\s+of\s+the\s+(?:next\s+|following\s+)?{_SUPPORT_DAY}(?:\s+(?:immediately\s+)?"
    r"following)?)",
    re.IGNORECASE,
)
"""A time limit: "four (4) hours", "15 minutes", "2 Business Days", "next business day"."""
PERCENT = re.compile(
    r"(?<![\w.,/])(?P<value>\d{1,3}(?:\.\d+)?)(?:\s*(?P<half>1/2|\u00bd))?\s*(?:%|percent\b"
    r"|per\s?cent\b)",
    re.IGNORECASE,
)
"""A percentage: "99.9%", "10 percent", "1 1/2%" (see `percent_value`)."""
SEVERITY = re.compile(
    r"\b(?P<kind>severity|sev|priority|prio)\s*(?:level\s*)?[-:#]?\s*(?P<n>[1-5]|one|two|three"
    r"|four|five|iv|i{1,3})\b|\b(?P<p>P[1-5])\b",
    re.IGNORECASE,
)
_ROUND_THE_CLOCK = re.compile(r"\s*(?:a|per|each)\s+(?:day|week)\b|\s*x\s*7", re.IGNORECASE)
"""Matched (anchored) right after a time: "24 hours a day", "24 x 7"."""
_ARTICLE_TIME = re.compile(r"\b(?:within|under|in|of|than)\s+$", re.IGNORECASE)
""""within an hour" is a time limit; "24 hours a day" is not."""
_DURING_HOURS = re.compile(
    r"[\s,(]*(?:\([^)]{0,30}\)\s*)?during\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:business|office|"
    r"working|support(?:\s+desk)?)\s+hours\b",
    re.IGNORECASE,
)
""""one (1) hour during technical support desk hours": the clock runs in business hours."""
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class TimeLimit:
    """A time limit found in text: `target` `unit` at `start`-`end` (offsets in that text)."""

    target: float
    unit: str
    start: int
    end: int


def time_limits(text: str) -> Iterator[TimeLimit]:
    """Every time limit in `text`, skipping round-the-clock phrases ("24 hours a day")."""
    for match in TIME_MENTION.finditer(text):
        if _ROUND_THE_CLOCK.match(text, match.end(), match.end() + 20):
            continue
        if match["next"]:
            yield TimeLimit(1, "business_days", match.start(), match.end())
            continue
        value = _time_value(match)
        before = text[max(0, match.start() - 12):match.start()]
        article = (match["only"] or "").lower() in {"a", "an"}
        if value is None or (article and not _ARTICLE_TIME.search(before)):
            continue
        unit = _UNITS[match["unit"][0].lower()]
        qualifier = (match["qual"] or "").lower()
        business = qualifier.startswith(("business", "working", "normal", "support"))
        if unit != "minutes" and (business or _DURING_HOURS.match(text, match.end())):
            unit = f"business_{unit}"
        yield TimeLimit(value, unit, match.start(), match.end())


def _time_value(match: re.Match[str]) -> float | None:
    for group in ("paren", "digits"):
        if match[group]:
            return float(match[group])
    words = match["only"]
    if words.lower() in {"a", "an"}:
        return 1.0
    number = words_to_number(words)
    return float(number) if number is not None else None


def to_business(unit: str) -> str:
    """The business-time unit of a clock unit: hours -> business_hours, days -> business_days."""
    return f"business_{unit}" if unit in {"hours", "days"} else unit


def percent_value(match: re.Match[str]) -> float:
    """The number of a `PERCENT` match: "1 1/2%" -> 1.5."""
    return float(match["value"]) + (0.5 if match["half"] else 0.0)


def severity_label(text: str) -> str | None:
    """Normalised severity: "Severity One" -> "Severity 1", "PRIORITY 2" -> "Priority 2", "P1"."""
    match = SEVERITY.search(text)
    return label_of(match) if match else None


def label_of(match: re.Match[str]) -> str:
    """The normalised label of a `SEVERITY` match."""
    if match["p"]:
        return match["p"].upper()
    number = match["n"].lower()
    digit = _ROMAN.get(number) or words_to_number(number) or int(number)
    kind = "Priority" if match["kind"].lower().startswith("prio") else "Severity"
    return f"{kind} {digit}"


def sentences_with(low: str, spans: list[tuple[int, int]], words: Iterable[str]) -> set[int]:
    """Indices of the `spans` (sentences) holding any of `words`, lower-case substrings of
    `low` (the lower-cased text). Plain substring search: a cheap filter run before the
    word-list regexes, which are slow to run over a whole contract."""
    starts = [start for start, _ in spans]
    hits: set[int] = set()
    for word in words:
        at = low.find(word)
        while at != -1:
            index = bisect_right(starts, at) - 1
            hits.add(index)
            at = low.find(word, max(at + 1, spans[index][1] if index >= 0 else 0))
    return hits


def offsets_of(low: str, words: Iterable[str]) -> list[int]:
    """Start offsets of every occurrence of each of `words` in the lower-cased text `low`."""
    found: list[int] = []
    for word in words:
        at = low.find(word)
        while at != -1:
            found.append(at)
            at = low.find(word, at + 1)
    return found


@dataclass(frozen=True)
class Lines:
    """The lines of a text with their start offsets, for bisecting an offset to its line."""

    starts: list[int]
    texts: list[str]

    def index_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def pairs(self) -> list[tuple[int, str]]:
        return list(zip(self.starts, self.texts, strict=True))


def line_index(text: str) -> Lines:
    """`Lines` of `text`."""
    starts: list[int] = []
    texts = text.split("\n")
    offset = 0
    for line in texts:
        starts.append(offset)
        offset += len(line) + 1
    return Lines(starts, texts)


def lines_with_offsets(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of `text`."""
    return line_index(text).pairs()


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with `spans` blanked out (same length, so offsets still hold): table rows
    already read are not read again as prose."""
    parts: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        parts += [text[position:start], " " * (end - start)]
        position = end
    parts.append(text[position:])
    return "".join(parts)
