"""Service-level commitments: availability targets and response/resolution times.

Two sources, because contracts state SLAs both ways:

* prose, read sentence by sentence (`doc.sents`): "Host guarantees a Monthly Uptime
  Percentage of at least 99.95%", "Severity 1: response within one (1) hour; resolution
  within four (4) hours";
* tables, read line by line: the PDF text layer gives each table row as one line
  ("Severity 1  Critical: production down  1 hour  4 hours") under a header line naming
  the columns ("Severity Level  Description  Response  Resolution"). The header tells
  which time belongs to which metric; the row's first cell names the severity. Rows read
  as a table are not read again as prose.

A percentage is an availability target only near an availability word and not as a
threshold ("falls below 99.5%" is a credit or termination trigger, see `penalties`), nor
as a share of fees, ownership or interest. A time is a response/resolution target only
in a support context (severity, incident, ticket, error...), so "resolve the dispute
within thirty (30) days" and "payable within 30 days" are not SLAs. Identical
commitments stated twice (body and exhibit) are reported once.

Word lists live in `patterns/sla.json`; the time, percentage and severity readers here
are shared with `penalties`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc

from extractors.document import ContractText
from extractors.values import words_to_number
from schemas import SlaCommitment, SlaMetric

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
TIME_MENTION = re.compile(
    rf"(?:(?P<words>{_NUMBER_WORD})\s*\(\s*(?P<paren>\d+(?:\.\d+)?)\s*\)|(?P<digits>\d+(?:\.\d+)?)"
    rf"|(?P<only>{_NUMBER_WORD}))\s*-?\s*(?P<qual>(?:business|working|normal|clock|calendar|"
    r"consecutive|support)\s+)?(?P<unit>minutes?|mins?|hours?|hrs?|days?)\b"
    r"|(?P<next>next|following)\s+(?:business|working)\s+day",
    re.IGNORECASE,
)
"""A time limit: "four (4) hours", "15 minutes", "2 Business Days", "next business day"."""
PERCENT = re.compile(
    r"(?<![\w.,/])(?P<value>\d{1,3}(?:\.\d+)?)(?:\s+(?P<half>1/2))?\s*(?:%|percent\b|per\s?cent\b)",
    re.IGNORECASE,
)
"""A percentage: "99.9%", "10 percent", "1 1/2%" (see `percent_value`)."""
SEVERITY = re.compile(
    r"\b(?P<kind>severity|sev|priority|prio)\s*(?:level\s*)?[-:#]?\s*(?P<n>[1-5]|one|two|three"
    r"|four|five|iv|i{1,3})\b|\b(?P<p>P[1-5])\b",
    re.IGNORECASE,
)
METRIC_WORDS = (
    (SlaMetric.resolution_time, WORDS["resolution_time"]),
    (SlaMetric.response_time, WORDS["response_time"]),
    (SlaMetric.other, WORDS["other_time"]),
)
_THRESHOLD_BEFORE = re.compile(
    r"(?:below|less\s+than|under|lower\s+than|falls?|drops?|short\s+of|fails?\s+to\s+(?:meet|"
    r"achieve)|<|between|from|(?:but|and)\s+at\s+least|at\s+or\s+above|above)\s*(?:the\s+)?"
    r"(?:\w+\s+)?$",
    re.IGNORECASE,
)
_SHARE_AFTER = re.compile(
    r"^\s*(?:\)\s*)?(?:of\s+(?:the\s+)?(?:\w+\s+){0,3}(?:fees?|charges?|price|amount|revenue|"
    r"shares|interests?|securities|payments?|invoice|sales|cost))",
    re.IGNORECASE,
)
_ROUND_THE_CLOCK = re.compile(r"^\s*(?:a|per|each)\s+(?:day|week)\b|^\s*x\s*7", re.IGNORECASE)
_ARTICLE_TIME = re.compile(r"\b(?:within|under|in|of|than)\s+$", re.IGNORECASE)
""""within an hour" is a time limit; "24 hours a day" is not."""
_DEFINITION = re.compile(r"\"\s*(?:means|shall\s+mean|refers\s+to)\b", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_WINDOWS = ("month", "quarter", "year", "week")


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
        if _ROUND_THE_CLOCK.match(text[match.end():match.end() + 20]):
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
        if qualifier.startswith(("business", "working", "normal", "support")) and unit != "minutes":
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


def percent_value(match: re.Match[str]) -> float:
    """The number of a `PERCENT` match: "1 1/2%" -> 1.5."""
    return float(match["value"]) + (0.5 if match["half"] else 0.0)


def severity_label(text: str) -> str | None:
    """Normalised severity: "Severity One" -> "Severity 1", "PRIORITY 2" -> "Priority 2", "P1"."""
    match = SEVERITY.search(text)
    return _label(match) if match else None


def _label(match: re.Match[str]) -> str:
    if match["p"]:
        return match["p"].upper()
    number = match["n"].lower()
    digit = _ROMAN.get(number) or words_to_number(number) or int(number)
    kind = "Priority" if match["kind"].lower().startswith("prio") else "Severity"
    return f"{kind} {digit}"


def find_sla_commitments(text: ContractText, doc: Doc) -> list[SlaCommitment]:
    """Availability targets and per-severity response/resolution times, with evidence.

    `doc` is `parse(text.text)`; its sentences carry the prose commitments, and the
    lines of `text` the table rows. The result is in document order, one item per
    distinct (metric, target, unit, severity).
    """
    found, rows = _table_commitments(text)
    masked = mask(text.text, rows)
    for sentence in doc.sents:
        start, end = sentence.start_char, sentence.end_char
        items = _sentence_commitments(text, masked[start:end], start, end)
        found += [(start, item) for item in items]
    return _dedupe(item for _, item in sorted(found, key=lambda pair: pair[0]))


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with `spans` blanked out (same length, so offsets still hold): table rows
    already read are not read again as prose."""
    parts: list[str] = []
    position = 0
    for start, end in sorted(spans):
        parts += [text[position:start], " " * (end - start)]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _sentence_commitments(ct: ContractText, sentence: str, start: int,
                          end: int) -> list[SlaCommitment]:
    items = list(_availability(ct, sentence, start, end))
    if (WORDS["support_context"].search(sentence) and not WORDS["not_support"].search(sentence)
            and not _DEFINITION.search(sentence)):
        items += _times(ct, sentence, start, end)
    return items


def _availability(ct: ContractText, sentence: str, start: int,
                  end: int) -> Iterator[SlaCommitment]:
    if not WORDS["availability"].search(sentence):
        return
    for match in PERCENT.finditer(sentence):
        value = percent_value(match)
        before = sentence[max(0, match.start() - 40):match.start()]
        if not 90 <= value < 100 or _THRESHOLD_BEFORE.search(before):
            continue
        near = sentence[max(0, match.start() - 160):match.end() + 160]
        close = sentence[max(0, match.start() - 60):match.end() + 60]
        if _SHARE_AFTER.match(sentence[match.end():]) or WORDS["not_availability"].search(close):
            continue
        if WORDS["availability"].search(near):
            yield SlaCommitment(
                metric=SlaMetric.availability, target=value, unit="percent",
                window=measurement_window(sentence, match.start()),
                evidence=ct.evidence(start, end),
            )


def measurement_window(sentence: str, position: int) -> str | None:
    """The window nearest the figure: "per calendar month" -> month, "quarterly" -> quarter."""
    best: tuple[int, str] | None = None
    for window in _WINDOWS:
        for match in WORDS[window].finditer(sentence):
            distance = abs(match.start() - position)
            if best is None or distance < best[0]:
                best = (distance, window)
    return best[1] if best else None


def _times(ct: ContractText, sentence: str, start: int, end: int) -> list[SlaCommitment]:
    """Response/resolution times in a sentence, each under the severity mentioned before it.

    "Severity 1: response within one (1) hour; resolution within four (4) hours" gives two
    Severity 1 items; "respond to each Priority 1 Incident within thirty (30) minutes" one.
    A time belongs to the metric word before it or, failing that, right after it ("a
    four-hour response"); days need the metric word close and a severity ("resolved within
    30 days after notice" is no SLA). The first time per (severity, metric) counts: later
    ones are exceptions ("(1 hour on weekends)").
    """
    keywords = sorted(
        (m.start(), m.end(), metric)
        for metric, pattern in METRIC_WORDS
        for m in pattern.finditer(sentence)
    )
    marks = list(SEVERITY.finditer(sentence))
    seen: set[tuple[str | None, SlaMetric]] = set()
    items: list[SlaCommitment] = []
    for limit in time_limits(sentence):
        metric = _metric_for(keywords, limit, sentence)
        if metric is None or metric is SlaMetric.other:
            continue
        before = [m for m in marks if m.end() <= limit.start]
        severity = _label(before[-1]) if before else None
        if (severity, metric) in seen or (severity is None and limit.unit.endswith("days")):
            continue
        seen.add((severity, metric))
        items.append(SlaCommitment(metric=metric, target=limit.target, unit=limit.unit,
                                   severity=severity, evidence=ct.evidence(start, end)))
    return items


def _metric_for(keywords: list[tuple[int, int, SlaMetric]], limit: TimeLimit,
                sentence: str) -> SlaMetric | None:
    reach = 60 if limit.unit.endswith("days") else 120
    before = [k for k in keywords if k[1] <= limit.start and limit.start - k[1] <= reach]
    if before:
        if WORDS["deadline_verb"].search(sentence, before[-1][1], limit.start):
            return None
        return before[-1][2]
    after = [k for k in keywords if k[0] >= limit.end and k[0] - limit.end <= 12]
    return after[0][2] if after else None


# -- tables --------------------------------------------------------------------------

_COLUMNS = {
    "severity": WORDS["severity_column"],
    "response": WORDS["response_time"],
    "resolution": WORDS["resolution_time"],
    "other_time": WORDS["other_time"],
}
_COLUMN_METRIC = {"response": SlaMetric.response_time, "resolution": SlaMetric.resolution_time}


def lines_with_offsets(text: str) -> list[tuple[int, str]]:
    """(offset, line) for every line of `text`."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    return lines


def _time_columns(header: str) -> list[str] | None:
    """Column kinds in order, when `header` is a severity table header with a time column.

    Footnote marks ("RESPONSE (2)") are ignored; any other digit means a row, not a header.
    """
    header = re.sub(r"\(\d\)", " ", header)
    if re.search(r"\d", header) or len(header) > 160:
        return None
    found = sorted(
        (match.start(), kind)
        for kind, pattern in _COLUMNS.items()
        if (match := pattern.search(header))
    )
    kinds = [kind for _, kind in found]
    if "severity" not in kinds or not {"response", "resolution"} & set(kinds):
        return None
    return [kind for kind in kinds if kind != "severity"]


def _table_commitments(
    ct: ContractText,
) -> tuple[list[tuple[int, SlaCommitment]], list[tuple[int, int]]]:
    """Commitments read from severity tables, and the spans of the rows read."""
    lines = lines_with_offsets(ct.text)
    found: list[tuple[int, SlaCommitment]] = []
    rows: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        columns = _header_at(lines, index)
        index += 1
        while columns is not None and index < len(lines):
            offset, line = lines[index]
            items = _row_commitments(ct, offset, line, columns)
            if items is None:
                break
            found += [(offset, item) for item in items]
            rows.append((offset, offset + len(line)))
            index += 1
    return found, rows


def _header_at(lines: list[tuple[int, str]], index: int) -> list[str] | None:
    """Columns of a header on this line, or split over it and a short line before
    ("Severity" / "Level  Time to Respond  Escalation Time")."""
    line = lines[index][1].strip()
    columns = _time_columns(line)
    if columns is None and index > 0 and len(lines[index - 1][1].strip()) < 40:
        columns = _time_columns(f"{lines[index - 1][1].strip()} {line}")
    return columns


def _row_commitments(ct: ContractText, offset: int, line: str,
                     columns: list[str]) -> list[SlaCommitment] | None:
    """The commitments of one table row, or None when the line is not a row (the table ended).

    The row's times fill the header's time columns left to right; times under columns
    other than response and resolution (escalation, updates) are read but not reported.
    """
    if not line.strip():
        return []
    severity, rest = _row_severity(line.strip())
    if severity is None:
        return None
    lead = len(line) - len(line.lstrip())
    evidence = ct.evidence(offset + lead, offset + len(line))
    timed = [kind for kind in columns if kind in _COLUMN_METRIC or kind == "other_time"]
    return [
        SlaCommitment(metric=_COLUMN_METRIC[kind], target=limit.target, unit=limit.unit,
                      severity=severity, evidence=evidence)
        for kind, limit in zip(timed, time_limits(rest), strict=False)
        if kind in _COLUMN_METRIC
    ]


def _row_severity(row: str) -> tuple[str | None, str]:
    """The row's severity label and the rest of the row: "Severity 1 ...", "P2 ...",
    "1 15 minutes ..." (a bare level under a severity column), "Critical ..."."""
    match = SEVERITY.match(row)
    if match:
        return _label(match), row[match.end():]
    bare = re.match(r"(?:level\s+)?([1-5])\b(?!\s*(?:minutes?|hours?|days?|%|\.\d))", row,
                    re.IGNORECASE)
    if bare:
        return f"Severity {bare.group(1)}", row[bare.end():]
    word = WORDS["severity_word"].match(row)
    if word:
        return word.group().capitalize(), row[word.end():]
    return None, row


def _dedupe(items: Iterator[SlaCommitment]) -> list[SlaCommitment]:
    """One item per (metric, target, unit, severity); a stated window beats none."""
    kept: dict[tuple[str, float, str, str | None], SlaCommitment] = {}
    for item in items:
        key = (item.metric.value, item.target, item.unit, item.severity)
        if key not in kept or (kept[key].window is None and item.window is not None):
            kept[key] = item
    return list(kept.values())
