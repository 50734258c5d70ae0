"""Deadlines kept beside the records in the SQLite portfolio: upcoming dates by index range.

`portfolio.renewals` computes a contract's next date for any day from its record. Doing
that on every query means reading and validating every record (seconds at 100,000
contracts). Instead each current record has a row in `deadlines` (schema migration 6),
written in the same transaction as the record itself, holding:

* its term inputs (`portfolio.renewals.TermInputs`), so its position can be recomputed
  for any day without reading the record;
* what a deadline row shows (title, file name, source, parties for the counterparty, the
  evidence quote), so listing it reads no record JSON either;
* its term status as computed for some day, with the interval of days
  [`valid_from`, `valid_until`] (NULL: unbounded) on which that status is exact. A rolling
  contract's status holds from the day after the previous term's act-by date through this
  term's; an expiry holds through its end day, then `expired` holds for ever.

A query for day T reads the rows whose interval holds T (an index range on `due_date`) and
recomputes in Python the few whose interval does not: a deadline went by and the contract
rolled on, or T lies before the day the row was computed for. Before answering, the store
tries to write those recomputed rows back, so the next query finds them fresh; when
another writer holds the lock it answers from the recomputed values alone (the queries:
`portfolio.sqlite_deadline_queries`).
The answer is the same either way, and the same as `portfolio.renewals` gives from the
records (`tests/portfolio/sqlite/test_sqlite_deadlines.py` compares them).

Records read back from the portfolio carry their corrections, and so do these rows: they
are computed from the record as stored. Anything that rewrites a record's JSON outside
`portfolio.sqlite_records.store_record` must call `write_deadline` or `refresh_deadlines`
in the same transaction. Superseded versions have no row (their successor carries the dates).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta

from portfolio.models import DeadlineKind, TermState
from portfolio.renewals import (
    TermInputs,
    deadline_evidence,
    renews_until,
    status_from_inputs,
    term_inputs,
)
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_positions import Position, out_of_range
from schemas.record import ContractRecord, Duration
from schemas.terms import act_by, renewal_term_end

BATCH = 500
"""Records per batch when recomputing many rows (bounded memory and SQL parameters)."""

UPSERT = (
    "INSERT OR REPLACE INTO deadlines (record_id, title, filename, source, parties, evidence,"
    " initial_term_end, perpetual, evergreen, auto_renews, renewal_term, notice_period,"
    " state, kind, due_date, current_term_end, renewals_elapsed, note, status_renewal_term,"
    " status_notice_period, renews_until, valid_from, valid_until)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# --- the position of a term on a day, and the days it holds for ----------------------------


def _validity(inputs: TermInputs, state: TermState, current_term_end: date | None,
              due: date | None, rolls: int) -> tuple[date | None, date | None]:
    """The days [first, last] (None: unbounded) on which `term_status` gives this status.

    `roll_forward` picks the first term whose act-by date is today or later; act-by dates
    never decrease from one term to the next, so term k is picked exactly from the day
    after term k-1's act-by date through term k's own.
    """
    end = inputs.initial_term_end
    if state is TermState.ending:
        return None, due
    if state is TermState.expired and end is not None:
        return end + timedelta(days=1), None
    if state is TermState.undated and current_term_end is not None:
        # rolled as far as it can (no renewal term, or MAX_ROLLS): every later day agrees
        return act_by(current_term_end, inputs.notice_period) + timedelta(days=1), None
    if state is TermState.evergreen and end is not None:
        # an initial term, then evergreen (`continues_after_term`): from its act-by date on
        return act_by(end, inputs.notice_period) + timedelta(days=1), None
    if state is not TermState.renewing or end is None:
        return None, None  # evergreen, perpetual, undated without dates: any day
    if rolls == 0:
        return None, due
    term = inputs.renewal_term
    assert term is not None  # a renewing status with rolls had a renewal term
    previous = end if rolls == 1 else renewal_term_end(end + timedelta(days=1), term, rolls - 1)
    return act_by(previous, inputs.notice_period) + timedelta(days=1), due


def position_on(inputs: TermInputs, today: date, past_terms: int = 0) -> Position:
    """The status `term_status` gives on `today`, the days it holds for, and the term after.

    `past_terms`: renewal terms whose act-by dates are known to be before `today`.
    """
    try:
        status = status_from_inputs(inputs, today, past_terms)
        first, last = _validity(inputs, status.state, status.current_term_end,
                                status.due_date, status.renewals_elapsed)
        after = renews_until(inputs, status, status.renewals_elapsed)
    except OverflowError:  # a term running past year 9999: a typo no date can be read from
        return out_of_range()
    return Position(
        state=status.state, kind=status.kind, due_date=status.due_date,
        current_term_end=status.current_term_end, renewals_elapsed=status.renewals_elapsed,
        note=status.note, renewal_term=status.renewal_term, notice_period=status.notice_period,
        renews_until=after, valid_from=first, valid_until=last,
    )


# --- writing rows (inside the caller's write transaction) ----------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _duration_json(value: Duration | None) -> str | None:
    return value.model_dump_json() if value is not None else None


def position_values(position: Position) -> tuple[object, ...]:
    return (
        position.state.value,
        position.kind.value if position.kind is not None else None,
        _iso(position.due_date),
        _iso(position.current_term_end),
        position.renewals_elapsed,
        position.note,
        _duration_json(position.renewal_term),
        _duration_json(position.notice_period),
        _iso(position.renews_until),
        _iso(position.valid_from),
        _iso(position.valid_until),
    )


def _row_values(record: ContractRecord, today: date) -> tuple[object, ...]:
    try:
        inputs = term_inputs(record)
        position = position_on(inputs, today)
    except OverflowError:
        inputs = TermInputs(record.id, None, record.perpetual, record.renewal.evergreen,
                            record.renewal.auto_renews, None, None)
        position = out_of_range()
    # the row's kind depends on the inputs only: an expiry, or a notice/renewal date
    kind = DeadlineKind.notice_deadline if inputs.auto_renews else DeadlineKind.expiration
    evidence = deadline_evidence(record, kind)
    return (
        record.id,
        record.title,
        record.filename,
        record.source,
        json.dumps([[p.name, p.role] for p in record.parties]),
        evidence.model_dump_json() if evidence is not None else None,
        _iso(inputs.initial_term_end),
        int(inputs.perpetual),
        int(inputs.evergreen),
        int(inputs.auto_renews),
        _duration_json(inputs.renewal_term),
        _duration_json(inputs.notice_period),
        *position_values(position),
    )


def write_deadline(
    conn: sqlite3.Connection, record: ContractRecord, today: date | None = None
) -> None:
    """Store the deadline row of `record` as stored (corrected), or drop it if superseded.

    `today` is the day the status is computed for (any day gives the same answers; the
    real date makes the next queries find the row fresh).
    """
    write_deadlines(conn, [record], today)


def write_deadlines(
    conn: sqlite3.Connection, records: Iterable[ContractRecord], today: date | None = None
) -> None:
    """`write_deadline` for many records, in one statement per kind of change."""
    day = today or date.today()
    current, superseded = [], []
    for record in records:
        if record.superseded_by is None:
            current.append(_row_values(record, day))
        else:
            superseded.append((record.id,))
    conn.executemany(UPSERT, current)
    conn.executemany("DELETE FROM deadlines WHERE record_id = ?", superseded)


def drop_deadline(conn: sqlite3.Connection, record_id: str) -> None:
    """Forget the deadline row of a record that is no longer current."""
    conn.execute("DELETE FROM deadlines WHERE record_id = ?", (record_id,))


def refresh_deadlines(
    conn: sqlite3.Connection, record_ids: Iterable[str], today: date | None = None
) -> int:
    """Recompute the rows of these records from their stored (corrected) JSON; how many.

    For writers that change `records.record_json` without going through `write_deadline`
    (a correction, a migration). Ids with no stored record are skipped (their row, if any,
    went with the record).
    """
    ids = list(dict.fromkeys(record_ids))
    done = 0
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT record_json FROM records WHERE id IN ({marks})", chunk
        ).fetchall()
        write_deadlines(conn, (ContractRecord.model_validate_json(r[0]) for r in rows), today)
        done += len(rows)
    return done


def backfill_deadlines(conn: sqlite3.Connection) -> None:
    """Migration step: a row for every current record of a database written before them."""
    last = ""
    while True:
        rows = conn.execute(
            "SELECT id, record_json FROM records WHERE id > ? AND superseded_by IS NULL"
            " ORDER BY id LIMIT ?",
            (last, BATCH),
        ).fetchall()
        write_deadlines(conn, (ContractRecord.model_validate_json(r[1]) for r in rows))
        if len(rows) < BATCH:
            return
        last = rows[-1][0]
