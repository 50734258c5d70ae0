"""Deadlines as a CSV file for a spreadsheet: one row per date, then contracts with none.

Written as UTF-8 with a byte-order mark, which Excel needs to show accented party names
correctly and every other program ignores. Text cells that a spreadsheet would run as a
formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a leading
apostrophe: a clause quoted from a PDF must never become a live formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from alerts.message import clause_quote
from alerts.models import TrackedDeadline, Untracked

COLUMNS = (
    "due_date", "days_left", "what", "title", "counterparty", "term_ends", "renews_until",
    "renewal_term", "notice_period", "lead_days", "clause_page", "clause", "source",
    "filename", "record_id", "note",
)
"""Column order; the names are the header row."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text as a spreadsheet should show it, never as a formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def deadline_row(tracked: TrackedDeadline) -> dict[str, str]:
    row = tracked.row
    quote = clause_quote(row)
    values: dict[str, object] = {
        "due_date": row.due_date, "days_left": str(row.days_left), "what": row.kind.value,
        "title": row.title, "counterparty": row.counterparty,
        "term_ends": row.current_term_end, "renews_until": tracked.renews_until,
        "renewal_term": row.renewal_term, "notice_period": row.notice_period,
        "lead_days": ",".join(str(d) for d in tracked.lead_days),
        "clause_page": str(row.evidence.page) if row.evidence else None,
        "clause": quote[1] if quote else None, "source": tracked.source,
        "filename": row.filename, "record_id": row.record_id, "note": row.note,
    }
    return {column: _cell(values.get(column)) for column in COLUMNS}


def no_date_row(entry: Untracked) -> dict[str, str]:
    values: dict[str, object] = {
        "what": entry.state.value, "title": entry.title, "filename": entry.filename,
        "record_id": entry.record_id, "note": entry.note,
    }
    return {column: _cell(values.get(column)) for column in COLUMNS}


def write_csv(
    path: Path, tracked: Iterable[TrackedDeadline], untracked: Iterable[Untracked] = ()
) -> int:
    """Write the file (header, dated rows, then no-date rows); the number of rows written."""
    rows = [deadline_row(t) for t in tracked] + [no_date_row(u) for u in untracked]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
