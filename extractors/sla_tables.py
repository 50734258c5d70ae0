"""Severity tables: one item per (row severity, reported time column).

Every table starts at a line naming a severity column; three layouts are read:

* one row per line ("Severity 1  Critical: production down  1 hour  4 hours") under a
  header line ("Severity Level  Description  Response  Resolution"): the row's times fill
  the header's time columns left to right. A page footer inside the table (short lines
  with no time, then more rows) is stepped over;
* one cell per line, column by column, as some text layers print a table: a lone
  "Priority" line, the row labels one per line ("Very High (1)", "High (2)"), then for
  each column its header ("Initial Reaction Time", "(IRT)") and one time per line;
* wide columns whose cells wrap over several lines (`sla_layout.layout_table`), when the
  header's titles are set apart by wide gaps and reading by column position finds more
  than reading row by row (a text layer may also space out a plain table).

Headers, row labels, scope headings and business-time notes: see `sla_headers`.
"""

from __future__ import annotations

import re

from extractors.document import ContractText
from extractors.sla_headers import (
    COLUMN_METRIC,
    Header,
    TableRead,
    column_kinds,
    rescoped,
    row_label,
    table_header,
)
from extractors.sla_layout import layout_table
from extractors.sla_readers import (
    TIME_MENTION,
    Lines,
    TimeLimit,
    line_index,
    offsets_of,
    time_limits,
)
from schemas import SlaCommitment

_LONE_HEADER = re.compile(
    r"(?:(?:error|incident|problem|call|fault)\s+)?(?P<kind>severity|priority)(?:\s+(?:level|"
    r"code|class|rating))?s?",
    re.IGNORECASE,
)
_OCR_SPLIT = re.compile(r"(\d)\s(\d)(?=\s*(?:minutes?|hours?|days?)\b)", re.IGNORECASE)
"""A cell "1 4 days": a text layer that split the digits of "14 days"."""
_MAX_ROWS = 8
_SEVERITY_STEMS = ("sev", "priorit", "incident", "problem")
"""What every line naming a severity column holds (see `severity_column` in sla.json)."""


def table_commitments(ct: ContractText) -> tuple[list[tuple[int, SlaCommitment]],
                                                 list[tuple[int, int]]]:
    """Commitments read from severity tables, and the spans of the tables read (prose
    reading skips them)."""
    lines = line_index(ct.text)
    candidates = sorted({lines.index_at(at) for at in offsets_of(ct.text.lower(), _SEVERITY_STEMS)})
    found: list[tuple[int, SlaCommitment]] = []
    spans: list[tuple[int, int]] = []
    done = -1
    for index in candidates:
        read = _table_at(ct, lines, index) if index > done else None
        if read is None:
            continue
        found += read.items
        last = lines.starts[read.last] + len(lines.texts[read.last])
        spans.append((lines.starts[read.header.first], last))
        done = read.last
    return found, spans


def _table_at(ct: ContractText, lines: Lines, index: int) -> TableRead | None:
    read = _column_table(ct, lines, index)
    for at in (index, index + 1):
        if read is not None or at >= len(lines.texts):
            break
        header = table_header(lines, at)
        if header is not None:
            read = _row_table(ct, lines, header)
            laid_out = layout_table(ct, lines, header)
            if laid_out is not None and len(laid_out.items) > len(read.items):
                read = laid_out
            break
    return rescoped(read, lines) if read is not None and read.items else None


# -- one row per line ------------------------------------------------------------------

def _row_table(ct: ContractText, lines: Lines, header: Header) -> TableRead:
    """The rows under `header`, one per line, until a line that is no row (blank lines and
    page furniture between rows are stepped over)."""
    items: list[tuple[int, SlaCommitment]] = []
    index = last = header.line
    while (index := index + 1) < len(lines.texts):
        row = _row_items(ct, lines, index, header)
        if row is None:
            skip = _footer_run(ct, lines, index, header)
            if not skip:
                break
            index += skip - 1
            continue
        items += row
        last = index if row else last
    return TableRead(items, header, last)


def _row_items(ct: ContractText, lines: Lines, index: int,
               header: Header) -> list[tuple[int, SlaCommitment]] | None:
    """The items of one row, [] for a blank line, None when the line is not a row."""
    offset, line = lines.starts[index], lines.texts[index]
    if not line.strip():
        return []
    severity, rest = row_label(line.strip(), header.kind)
    if severity is None:
        return None
    lead = len(line) - len(line.lstrip())
    evidence = ct.evidence(offset + lead, offset + len(line))
    return [
        (offset, SlaCommitment(metric=COLUMN_METRIC[kind], target=limit.target, unit=limit.unit,
                               severity=severity, evidence=evidence))
        for kind, limit in zip(header.columns, time_limits(rest), strict=False)
        if kind in COLUMN_METRIC
    ]


def _footer_run(ct: ContractText, lines: Lines, index: int, header: Header) -> int:
    """How many lines of page furniture (running header, footer, page number) start at
    `index` before the table goes on with a timed row; 0 when the table has ended."""
    for skip in range(1, 4):
        text = lines.texts[index + skip - 1].strip()
        if (len(text) > 90 or TIME_MENTION.search(text) or table_header(lines, index + skip - 1)
                or index + skip >= len(lines.texts)):
            return 0
        row = _row_items(ct, lines, index + skip, header)
        if row:
            return skip
    return 0


# -- one cell per line ---------------------------------------------------------------

def _column_table(ct: ContractText, lines: Lines, index: int) -> TableRead | None:
    """A table printed column by column, one cell per line, starting with a lone severity
    header at `index`; None when the lines do not have that shape."""
    lone = _LONE_HEADER.fullmatch(lines.texts[index].strip())
    if lone is None:
        return None
    kind = "Priority" if lone["kind"].lower() == "priority" else "Severity"
    labels: list[str] = []
    at = index + 1
    while at < len(lines.texts) and len(labels) < _MAX_ROWS:
        label, rest = row_label(lines.texts[at].strip(), kind)
        if label is None or rest.strip():
            break
        labels.append(label)
        at += 1
    if len(labels) < 2:
        return None
    header = Header((), kind, index, index)
    items: list[tuple[int, SlaCommitment]] = []
    last = index
    while (column := _cell_column(ct, lines, at, labels)) is not None:
        items += column[0]
        at = last = column[1]
        at += 1
    return TableRead(items, header, last) if items else None


def _cell_column(ct: ContractText, lines: Lines, at: int,
                 labels: list[str]) -> tuple[list[tuple[int, SlaCommitment]], int] | None:
    """One column of a cell-per-line table at line `at`: a header of one or two lines, then
    a time per label. Its items and the index of its last line, or None."""
    titles: list[str] = []
    while at < len(lines.texts) and len(titles) < 2:
        text = lines.texts[at].strip()
        if not text or len(text) > 60 or re.search(r"\d", text):
            break
        titles.append(text)
        at += 1
    kinds = [k for k in column_kinds(" ".join(titles)) if k != "severity"]
    end = at + len(labels)
    if not kinds or end > len(lines.texts):
        return None
    cells = [cell_time(lines.texts[i]) for i in range(at, end)]
    if any(cell is None for cell in cells):
        return None
    start = lines.starts[at - len(titles)]
    evidence = ct.evidence(start, lines.starts[end - 1] + len(lines.texts[end - 1]))
    items = [
        (start, SlaCommitment(metric=COLUMN_METRIC[kinds[0]], target=cell.target, unit=cell.unit,
                              severity=label, evidence=evidence))
        for label, cell in zip(labels, cells, strict=True)
        if cell is not None and kinds[0] in COLUMN_METRIC
    ]
    return items, end - 1


def cell_time(cell: str) -> TimeLimit | None:
    """The time of a table cell that holds only a time ("4 hours", "Next business day")."""
    text = _OCR_SPLIT.sub(r"\1\2", cell.strip(), count=1).rstrip(". ")
    limits = list(time_limits(text))
    if len(limits) == 1 and limits[0].start == 0 and limits[0].end == len(text):
        return limits[0]
    return None
