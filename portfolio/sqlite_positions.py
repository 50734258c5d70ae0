"""Rows of the SQLite `deadlines` table as Python values, and the list rows made from them.

`portfolio.sqlite_deadlines` writes and queries the table; this module only converts: a
row's columns to a `StoredDeadline` (term inputs, what a list row shows, the stored
position), and that to the `DeadlineRow`, `DeadlineDetail` or `NoDateContract` the
`Portfolio` interface returns, exactly as `portfolio.renewals` builds them from a record.
Only rows that are returned are converted that far (evidence and parties are parsed late).
"""

from __future__ import annotations

from datetime import date
from json.encoder import encode_basestring_ascii
from typing import Any, NamedTuple

from pydantic_core import from_json

from portfolio.models import (
    DeadlineDetail,
    DeadlineKind,
    DeadlineRow,
    NoDateContract,
    TermState,
)
from portfolio.renewals import TermInputs
from schemas.record import Duration, Evidence

OUT_OF_RANGE_NOTE = "the term's dates run past the year 9999: check them by hand"

_COLUMNS = (
    "record_id", "title", "filename", "source", "parties", "evidence",
    "initial_term_end", "perpetual", "evergreen", "auto_renews", "renewal_term",
    "notice_period", "state", "kind", "due_date", "current_term_end", "renewals_elapsed",
    "note", "status_renewal_term", "status_notice_period", "renews_until", "valid_from",
    "valid_until",
)


def position_columns() -> str:
    """The column list `read_stored` expects, in order."""
    return ", ".join(_COLUMNS)


class Position(NamedTuple):
    """A term status (`portfolio.renewals.term_status`) without its day, plus the days
    [valid_from, valid_until] it holds for (None: unbounded) and the term after it.

    Tuples, not dataclasses: a query builds thousands of them.
    """

    state: TermState
    kind: DeadlineKind | None
    due_date: date | None
    current_term_end: date | None
    renewals_elapsed: int
    note: str | None
    renewal_term: Duration | None
    notice_period: Duration | None
    renews_until: date | None
    valid_from: date | None
    valid_until: date | None


def out_of_range() -> Position:
    """The position of a record whose dates cannot be computed (they overflow the calendar)."""
    return Position(TermState.undated, None, None, None, 0, OUT_OF_RANGE_NOTE, None, None,
                    None, None, None)


class StoredDeadline(NamedTuple):
    """One row of the `deadlines` table (term inputs kept as stored until needed)."""

    record_id: str
    title: str | None
    filename: str
    source: str
    parties_json: str
    evidence_json: str | None
    input_columns: tuple[Any, ...]
    position: Position

    def moved_to(self, position: Position) -> StoredDeadline:
        return self._replace(position=position)

    def inputs(self) -> TermInputs:
        """The term inputs, to recompute the position for another day."""
        initial_term_end, perpetual, evergreen, auto_renews, renewal_term, notice = (
            self.input_columns
        )
        return TermInputs(
            record_id=self.record_id, initial_term_end=_day(initial_term_end),
            perpetual=bool(perpetual), evergreen=bool(evergreen), auto_renews=bool(auto_renews),
            renewal_term=duration(renewal_term), notice_period=duration(notice),
        )

    def counterparty(self, own_roles: frozenset[str]) -> str | None:
        return _counterparty(self.parties_json, own_roles)

    def deadline_row(self, today: date, own_roles: frozenset[str]) -> DeadlineRow | None:
        """As `portfolio.renewals.deadline_row`: None when there is no date to act on."""
        p = self.position
        if p.kind is None or p.due_date is None or p.current_term_end is None:
            return None
        evidence = self.evidence_json
        return DeadlineRow(
            record_id=self.record_id, title=self.title, filename=self.filename,
            counterparty=self.counterparty(own_roles), kind=p.kind, due_date=p.due_date,
            days_left=(p.due_date - today).days, current_term_end=p.current_term_end,
            renewal_term=p.renewal_term, notice_period=p.notice_period,
            evidence=Evidence.model_validate_json(evidence) if evidence else None,
            note=p.note,
        )

    def detail(self, today: date, own_roles: frozenset[str]) -> DeadlineDetail | None:
        row = self.deadline_row(today, own_roles)
        if row is None:
            return None
        p = self.position
        return DeadlineDetail(row=row, source=self.source, renewals_elapsed=p.renewals_elapsed,
                              renews_until=p.renews_until)

    def no_date(self) -> NoDateContract:
        p = self.position
        return NoDateContract(record_id=self.record_id, title=self.title,
                              filename=self.filename, state=p.state, note=p.note,
                              notice_period=p.notice_period)


def _counterparty(parties_json: str, own_roles: frozenset[str]) -> str | None:
    """As `ContractRecord.counterparty`: the first party whose role is not one of ours."""
    for name, role in from_json(parties_json):
        if role is None or role.lower() not in own_roles:
            return str(name)
    return None


_STATES = {state.value: state for state in TermState}
_KINDS = {kind.value: kind for kind in DeadlineKind}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None


def duration(text: str | None) -> Duration | None:
    """A duration stored as JSON (`Duration.model_dump_json`), or None."""
    return Duration.model_validate_json(text) if text is not None else None


def read_stored(row: tuple[Any, ...]) -> StoredDeadline:
    """A row selected with `position_columns()` as a `StoredDeadline`."""
    (state, kind, due_date, current_term_end, renewals_elapsed, note, status_renewal_term,
     status_notice_period, renews_until, valid_from, valid_until) = row[12:]
    position = Position(
        state=_STATES[state], kind=_KINDS[kind] if kind is not None else None,
        due_date=_day(due_date), current_term_end=_day(current_term_end),
        renewals_elapsed=renewals_elapsed, note=note,
        renewal_term=duration(status_renewal_term),
        notice_period=duration(status_notice_period), renews_until=_day(renews_until),
        valid_from=_day(valid_from), valid_until=_day(valid_until),
    )
    return StoredDeadline(row[0], row[1], row[2], row[3], row[4], row[5], row[6:12], position)


FRESH_ROW_COLUMNS = (
    "record_id, title, filename, parties, evidence, kind, due_date, current_term_end, note,"
    " status_renewal_term, status_notice_period"
)
"""What a `DeadlineRow` needs of a row whose stored position holds on the day asked."""


def _json_text(value: str | None) -> str:
    """A JSON string (or null), by the json module's C encoder: one call per field."""
    return "null" if value is None else encode_basestring_ascii(value)


def fresh_row_json(row: tuple[Any, ...], today: date, own_roles: frozenset[str]) -> str:
    """A row selected with `FRESH_ROW_COLUMNS` as the JSON of its `DeadlineRow` on `today`.

    Evidence and durations are stored as JSON already; dates and kinds are plain tokens.
    """
    (record_id, title, filename, parties, evidence, kind, due_date, current_term_end, note,
     renewal_term, notice_period) = row
    days_left = (date.fromisoformat(due_date) - today).days
    return (
        f'{{"record_id":"{record_id}","title":{_json_text(title)},"filename":{_json_text(filename)},'
        f'"counterparty":{_json_text(_counterparty(parties, own_roles))},"kind":"{kind}",'
        f'"due_date":"{due_date}","days_left":{days_left},'
        f'"current_term_end":"{current_term_end}","renewal_term":{renewal_term or "null"},'
        f'"notice_period":{notice_period or "null"},"evidence":{evidence or "null"},'
        f'"note":{_json_text(note)}}}'
    )
