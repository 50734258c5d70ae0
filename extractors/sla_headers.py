"""What the table readers share: header columns, row labels, and the scope of a table.

* `table_header`: "Severity Level  Description  Response  Resolution" -> the time columns
  in order (response, resolution, escalation, update) and how the rows are named
  (Severity or Priority). A header may be split over two lines ("Severity" / "Level
  Time to Respond Escalation Time").
* `row_label`: the severity a row starts with: "Severity 1", "P2", a bare level "3",
  "Very High (1)" -> "Priority 1 (Very High)", "Emergency (A)" -> "Priority A (Emergency)",
  a plain word ("Critical").
* `rescoped`: a heading just above a table that scopes it ("1(b) After Business Hours") is
  added to every severity of the table, so an in-hours and an after-hours table keep
  their own items; a note just below ("Priority 2, 3, 4: ... during office hours", "All
  times are business hours") turns the hours and days of those rows into business time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.sla_readers import SEVERITY, TIME_MENTION, WORDS, Lines, label_of, to_business
from schemas import SlaCommitment, SlaMetric

COLUMN_WORDS = {
    "severity": WORDS["severity_column"],
    "response": WORDS["response_time"],
    "resolution": WORDS["resolution_time"],
    "escalation": WORDS["escalation_time"],
    "update": WORDS["update_time"],
}
COLUMN_METRIC = {"response": SlaMetric.response_time, "resolution": SlaMetric.resolution_time,
                 "escalation": SlaMetric.other}
"""Columns that are reported, and as what; update columns are read but not reported."""

_FOOTNOTE = re.compile(r"\(\d\)")
_NAMED_LEVEL = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z-]*(?:\s[A-Za-z][A-Za-z-]*){0,2})\s*\(\s*(?P<inner>(?:(?:severity|"
    r"priority|level|sev)\s*)?(?P<level>[1-5]|[A-E])|P[1-5])\s*\)",
    re.IGNORECASE,
)
_BARE_LEVEL = re.compile(r"(?:level\s+)?([1-5])\b(?!\s*(?:minutes?|hours?|days?|%|\.\d))",
                         re.IGNORECASE)
_SCOPE = re.compile(
    r"\W*(?:\d+\s*)?(?:\(?[a-z]\)\.?\s*)?(?P<when>during|after|outside(?:\s+of)?|out\s+of)\s+"
    r"(?:normal\s+)?(?:(?:business|office|working|support)\s+)?hours\b",
    re.IGNORECASE,
)
_BUSINESS_NOTE = re.compile(
    r"(?:(?:priority|severity|sev|p)\s*(?P<levels>[1-5](?:\s*(?:,|and|&|/|-|to)\s*[1-5])*))?"
    r"[^.]{0,80}?\b(?:times?|days|hours|minutes|measured|counted|calculated)\b[^.]{0,60}?"
    r"\b(?:during|in)\s+(?:normal\s+)?(?:office|business|working|support(?:\s+desk)?)\s+hours\b",
    re.IGNORECASE,
)
"""A note on how a table's times count: "Priority 2, 3: d, h, min = days, hours, minutes
during office hours", "All times are measured in business hours" (not "the desk is staffed
during business hours")."""


@dataclass(frozen=True)
class Header:
    """A severity-table header: its time columns in order and how its rows are named."""

    columns: tuple[str, ...]
    kind: str
    """"Priority" or "Severity": names rows that give only a level ("3", "High (2)")."""
    first: int
    """Index of the header's first line."""
    line: int
    """Index of its last line (rows start after it)."""


@dataclass(frozen=True)
class TableRead:
    """What a table reader found: items (with the offset they sort by) and the lines read."""

    items: list[tuple[int, SlaCommitment]]
    header: Header
    last: int
    """Index of the last line read."""


def column_kinds(text: str) -> list[str]:
    """The column kinds named in `text`, in order of appearance (each kind once)."""
    found = sorted((match.start(), kind) for kind, pattern in COLUMN_WORDS.items()
                   if (match := pattern.search(text)))
    return [kind for _, kind in found]


def header_kind(text: str) -> str:
    """"Priority" when the severity column is called a priority, else "Severity"."""
    match = COLUMN_WORDS["severity"].search(text)
    return "Priority" if match and match.group().lower().startswith("prio") else "Severity"


def table_header(lines: Lines, index: int) -> Header | None:
    """The header on line `index`, or split over it and a short line before it."""
    line = lines.texts[index].strip()
    columns = _time_columns(line)
    if columns is not None:
        return Header(columns, header_kind(line), index, index)
    if index > 0 and len(previous := lines.texts[index - 1].strip()) < 40:
        joined = f"{previous} {line}"
        columns = _time_columns(joined)
        if columns is not None:
            return Header(columns, header_kind(joined), index - 1, index)
    return None


def _time_columns(header: str) -> tuple[str, ...] | None:
    """Time column kinds in order, when `header` names a severity column and a response or
    resolution column. Footnote marks ("RESPONSE (2)") are ignored; any other digit means
    a row, not a header."""
    header = _FOOTNOTE.sub(" ", header)
    if len(header) > 160 or re.search(r"\d", header):
        return None
    kinds = column_kinds(header)
    if "severity" not in kinds or not {"response", "resolution"} & set(kinds):
        return None
    return tuple(kind for kind in kinds if kind != "severity")


def row_label(row: str, kind: str) -> tuple[str | None, str]:
    """The severity a table row starts with, and the rest of the row."""
    match = SEVERITY.match(row)
    if match:
        return label_of(match), row[match.end():]
    named = _NAMED_LEVEL.match(row)
    if named:
        inner = SEVERITY.fullmatch(named["inner"])
        level = label_of(inner) if inner else f"{kind} {named['level'].upper()}"
        name = named["name"]
        return (level if COLUMN_WORDS["severity"].fullmatch(name) else f"{level} ({name})",
                row[named.end():])
    bare = _BARE_LEVEL.match(row)
    if bare:
        return f"{kind} {bare.group(1)}", row[bare.end():]
    word = WORDS["severity_word"].match(row)
    if word:
        return word.group().capitalize(), row[word.end():]
    return None, row


def rescoped(read: TableRead, lines: Lines) -> TableRead:
    """`read` with the scope heading above the table and business-time notes below applied."""
    scope = _scope(lines, read.header.first)
    business = _business_levels(lines, read.last)
    items = []
    for offset, item in read.items:
        update: dict[str, str] = {}
        if scope and item.severity:
            update["severity"] = f"{item.severity} ({scope})"
        if business is not None and (not business or _level(item.severity) in business):
            update["unit"] = to_business(item.unit)
        items.append((offset, item.model_copy(update=update) if update else item))
    return replace(read, items=items)


def _scope(lines: Lines, first: int) -> str | None:
    """"business hours" / "after business hours" from a heading right above the table."""
    for index in range(first - 1, max(-1, first - 4), -1):
        line = lines.texts[index].strip()
        if not line:
            continue
        match = _SCOPE.match(line) if len(line) < 100 else None
        if match is None:
            return None
        return "business hours" if match["when"].lower() == "during" else "after business hours"
    return None


def _business_levels(lines: Lines, last: int) -> set[str] | None:
    """The levels a business-time note below the table names (empty set: all rows), or None."""
    levels: set[str] = set()
    found = False
    for line in lines.texts[last + 1:last + 5]:
        text = line.strip()
        match = _BUSINESS_NOTE.match(text) if len(text) < 160 else None
        if match is None or TIME_MENTION.search(text):
            continue
        found = True
        if not match["levels"]:
            return set()
        levels |= _expand(match["levels"])
    return levels if found else None


def _expand(levels: str) -> set[str]:
    """"2, 3, 4" -> {2, 3, 4}; "2-4" / "2 to 4" -> {2, 3, 4}."""
    numbers = [int(n) for n in re.findall(r"\d", levels)]
    if len(numbers) == 2 and re.search(r"-|to", levels):
        return {str(n) for n in range(numbers[0], numbers[1] + 1)}
    return {str(n) for n in numbers}


def _level(severity: str | None) -> str | None:
    match = re.search(r"\d", severity or "")
    return match.group() if match else None
