"""Support tables laid out in wide columns whose cells wrap over several lines.

A text layer that keeps the layout prints such a table as lines in which the columns
interleave: "1   - Initial Response within 30     - Continuous efforts (24x7) with". The
header line gives each column's extent ("SEVERITY   RESPONSE TIME AND STATUS REPORTS
RESOLUTION EFFORTS"); every later line is cut into runs of text separated by two or more
spaces, and each run goes to the column whose title it overlaps most (or, overlapping
none, whose title centre is nearest), so left-aligned, wrapped and centred cells all land
in their column. A run in the first column that is a severity label starts a row; other
runs add to the current row's cells. Page numbers and a header repeated after a page
break are skipped; a line of prose at the left margin ends the table.

A cell is read clause by clause (bullets and sentences), and a clause gives at most one
time, the first that is a target ("within two hours ..., or within 30 minutes following
the resumption of Support Hours" is a two-hour target). A time is not a target after a reporting,
diagnosis or frequency word ("Status reports every 24 hours", "Diagnosis commences within
one Support Day") or inside a negative condition ("If a fix is not provided within 48
hours, provide an action plan").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import ContractText
from extractors.sla_headers import (
    COLUMN_METRIC,
    Header,
    TableRead,
    column_kinds,
    row_label,
)
from extractors.sla_readers import WORDS, Lines, TimeLimit, time_limits
from schemas import SlaCommitment

_RUN = re.compile(r"\S+(?: \S+)*")
_BULLET = re.compile(r"[-\u2022*o\u25e6](?:\s+|$)")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?-?\s*\d{1,3}\s*-?(?:\s+of\s+\d+)?", re.IGNORECASE)
_HEADER_WORD = re.compile(r"(?:severity|priority|sev|level|code|class)(?:\s+level)?",
                          re.IGNORECASE)
_NEGATIVE_IF = re.compile(r"\b(?:if|unless|where)\b[^.;]*\bno(?:t)?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])")
_EDGE_SLACK = 3
_LABEL_WRAP = 30
"""A short run under the label that is no label continues it ("(Critical)"); longer is prose."""
_MAX_BLANKS = 3


@dataclass(frozen=True)
class _Column:
    start: int
    end: int
    kind: str
    """A time column kind, "severity", or "text" (a description column: read, not reported)."""

    def overlap(self, start: int, end: int) -> int:
        return min(self.end, end) - max(self.start, start)

    def distance(self, start: int, end: int) -> float:
        return abs((self.start + self.end) / 2 - (start + end) / 2)


@dataclass
class _Row:
    """A row's label and, per column kind, its fragments: (offset in the text, text)."""

    label: str
    cells: dict[str, list[tuple[int, str]]] = field(default_factory=dict)


def layout_table(ct: ContractText, lines: Lines, header: Header) -> TableRead | None:
    """The table under `header` read by column position; None when the header is not set
    out in wide columns or the table gives no item."""
    columns = layout_columns(lines.texts[header.line])
    if columns is None:
        return None
    rows, last = _rows(lines, header, columns)
    items = [item for row in rows for item in _row_items(ct, row)]
    return TableRead(items, header, last) if items else None


def layout_columns(header_line: str) -> list[_Column] | None:
    """The columns of a header whose titles are set apart by wide gaps, severity first."""
    columns = []
    for run in _RUN.finditer(header_line):
        kinds = column_kinds(run.group())
        columns.append(_Column(run.start(), run.end(), kinds[0] if kinds else "text"))
    if len(columns) < 2 or columns[0].kind != "severity":
        return None
    return columns


def _rows(lines: Lines, header: Header, columns: list[_Column]) -> tuple[list[_Row], int]:
    rows: list[_Row] = []
    last = header.line
    blanks = 0
    repeated = " ".join(lines.texts[header.line].split())
    for index in range(header.line + 1, len(lines.texts)):
        line = lines.texts[index]
        runs = [(m.start(), m.group()) for m in _RUN.finditer(line)]
        blanks = 0 if runs else blanks + 1
        if blanks > _MAX_BLANKS:
            break
        if not runs or _is_furniture(line, runs, repeated, columns):
            continue
        start, text = runs[0]
        if _column_at(columns, start, start + len(text)) == "severity":
            label, _ = row_label(text, header.kind)
            if label is None and (not rows or len(text) > _LABEL_WRAP):
                break
            if label is not None:
                rows.append(_Row(label))
            runs = runs[1:]
        if not rows:
            break
        for start, text in runs:
            kind = _column_at(columns, start, start + len(text))
            rows[-1].cells.setdefault(kind, []).append((lines.starts[index] + start, text))
        last = index
    return rows, last


def _is_furniture(line: str, runs: list[tuple[int, str]], repeated: str,
                  columns: list[_Column]) -> bool:
    """A page number (away from the label column), the header repeated after a page break,
    or the header's second line ("LEVEL")."""
    if len(runs) == 1:
        start, text = runs[0]
        inset = start >= columns[1].start - _EDGE_SLACK
        if (inset and _PAGE_NUMBER.fullmatch(text)) or _HEADER_WORD.fullmatch(text):
            return True
    return " ".join(line.split()) == repeated


def _column_at(columns: list[_Column], start: int, end: int) -> str:
    """The kind of the column a run of text at `start`-`end` belongs to: the label column
    when it starts left of the second column, else the column it overlaps most."""
    if start < columns[1].start - _EDGE_SLACK:
        return columns[0].kind
    rest = columns[1:]
    best = max(rest, key=lambda column: column.overlap(start, end))
    if best.overlap(start, end) > 0:
        return best.kind
    return min(rest, key=lambda column: column.distance(start, end)).kind


def _row_items(ct: ContractText, row: _Row) -> list[tuple[int, SlaCommitment]]:
    items = []
    for kind, fragments in row.cells.items():
        if kind not in COLUMN_METRIC:
            continue
        for offset, limit, fragment in _cell_targets(fragments):
            items.append((offset, SlaCommitment(
                metric=COLUMN_METRIC[kind], target=limit.target, unit=limit.unit,
                severity=row.label, evidence=ct.evidence(fragment[0], fragment[1]))))
    return items


def _cell_targets(fragments: list[tuple[int, str]]
                  ) -> list[tuple[int, TimeLimit, tuple[int, int]]]:
    """The first target time of each clause of a cell, with the span of its fragment."""
    found = []
    for clause in _clauses(fragments):
        text = " ".join(t for _, t in clause)
        limit = next((t for t in time_limits(text) if _is_target(text[:t.start])), None)
        if limit is None:
            continue
        position = 0
        for offset, fragment in clause:
            if position + len(fragment) > limit.start:
                found.append((offset, limit, (offset, offset + len(fragment))))
                break
            position += len(fragment) + 1
    return found


def _is_target(before: str) -> bool:
    return not (WORDS["not_target"].search(before) or _NEGATIVE_IF.search(before))


def _clauses(fragments: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The fragments of a cell grouped by bullet and by sentence."""
    clauses: list[list[tuple[int, str]]] = [[]]
    for offset, text in fragments:
        bullet = _BULLET.match(text)
        if bullet:
            clauses.append([])
            offset, text = offset + bullet.end(), text[bullet.end():]
        cut = 0
        for boundary in _SENTENCE_END.finditer(text):
            clauses[-1].append((offset + cut, text[cut:boundary.start()]))
            clauses.append([])
            cut = boundary.end()
        if text[cut:]:
            clauses[-1].append((offset + cut, text[cut:]))
    return [clause for clause in clauses if clause]
