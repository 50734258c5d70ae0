"""Queries over the SQLite `deadlines` table, exact for any day (see `portfolio.sqlite_deadlines`).

Rows whose stored position holds on the day asked are selected by index ranges; the ones
that do not (days passed since they were computed, or the day asked is earlier) are
recomputed here, and `try_roll` stores them so the next query finds them fresh.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from portfolio.models import DeadlineDetail, DeadlineRow, NoDateContract
from portfolio.renewals import NO_DATE_STATES, TermInputs
from portfolio.sqlite_deadlines import BATCH, position_on, position_values
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_positions import (
    FRESH_ROW_COLUMNS,
    StoredDeadline,
    duration,
    fresh_row_json,
    position_columns,
    read_stored,
)
from schemas.terms import MAX_ROLLS, act_by, renewal_term_end

_ROLL = (
    "UPDATE deadlines SET state = ?, kind = ?, due_date = ?, current_term_end = ?,"
    " renewals_elapsed = ?, note = ?, status_renewal_term = ?, status_notice_period = ?,"
    " renews_until = ?, valid_from = ?, valid_until = ? WHERE record_id = ?"
)
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY})
"""Errors that mean "someone else is writing" (or cannot write here): skip, do not fail."""


# --- days passing: rows whose status no longer holds ----------------------------------------


def _stale(conn: sqlite3.Connection, today: date) -> list[StoredDeadline]:
    """Rows whose stored status does not hold on `today`, recomputed for it.

    Two index range scans. A row whose status ended before `today` rolls on from the
    terms it had already rolled; one computed for a later day starts from the first term.
    """
    day = today.isoformat()
    columns = position_columns()
    behind = conn.execute(f"SELECT {columns} FROM deadlines WHERE valid_until < ?", (day,))
    moved = []
    for row in behind:
        stored = read_stored(row)
        past = stored.position.renewals_elapsed
        moved.append(stored.moved_to(position_on(stored.inputs(), today, past)))
    ahead = conn.execute(f"SELECT {columns} FROM deadlines WHERE valid_from > ?", (day,))
    for row in ahead:
        stored = read_stored(row)
        inputs = stored.inputs()
        past = _terms_before(inputs, today, stored.position.renewals_elapsed)
        moved.append(stored.moved_to(position_on(inputs, today, past)))
    return moved


def _terms_before(inputs: TermInputs, today: date, at_most: int) -> int:
    """How many terms, of the first `at_most`, have act-by dates before `today`.

    For a row whose status holds only from a later day: its term (number `at_most`, or
    the last one `MAX_ROLLS` allows) is already known to be due today or later. Act-by
    dates never decrease, so a binary search finds the first one due today or later in
    a few date computations instead of rolling every term from the first.
    """
    term, end = inputs.renewal_term, inputs.initial_term_end
    if term is None or term.count == 0 or end is None or not inputs.auto_renews:
        return 0
    first_renewal_day = end + timedelta(days=1)

    def due(terms: int) -> date:
        term_end = end if terms == 0 else renewal_term_end(first_renewal_day, term, terms)
        return act_by(term_end, inputs.notice_period)

    low, high = 0, min(at_most, MAX_ROLLS)  # the answer lies in [low, high]
    while low < high:
        middle = (low + high) // 2
        if due(middle) >= today:
            high = middle
        else:
            low = middle + 1
    return low


def has_stale(conn: sqlite3.Connection, today: date) -> bool:
    """True if some row must be recomputed for `today` (cheap: two index probes)."""
    day = today.isoformat()
    return (
        conn.execute("SELECT 1 FROM deadlines WHERE valid_until < ? LIMIT 1", (day,)).fetchone()
        is not None
        or conn.execute("SELECT 1 FROM deadlines WHERE valid_from > ? LIMIT 1", (day,)).fetchone()
        is not None
    )


def roll_deadlines(conn: sqlite3.Connection, today: date) -> int:
    """Recompute and store every row that does not hold on `today`; how many (in a write)."""
    moved = _stale(conn, today)
    conn.executemany(_ROLL, [(*position_values(s.position), s.record_id) for s in moved])
    return len(moved)


def try_roll(conn: sqlite3.Connection, today: date, busy_timeout_ms: int) -> bool:
    """`roll_deadlines` in its own write transaction, if no other writer holds the lock now.

    Best effort and never waited for (the queries recompute whatever is not stored): True
    if rows were stored. `conn` must be in autocommit mode, and is left with
    `busy_timeout_ms` as its busy timeout.
    """
    if not has_stale(conn, today):
        return False
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            roll_deadlines(conn, today)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode not in _BUSY:
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    return True


def as_of(
    conn: sqlite3.Connection,
    today: date,
    where: str,
    params: dict[str, object],
    *,
    with_stale: bool = True,
) -> list[StoredDeadline]:
    """Rows matching `where` (SQL over the table's columns) with their status on `today`.

    Rows whose stored status holds on `today` are filtered in SQL; the others (unless
    `with_stale` is False) are recomputed and returned whole, whatever `where` says, for
    the caller to filter on the recomputed values.
    """
    columns = position_columns()
    fresh = conn.execute(
        f"SELECT {columns} FROM deadlines WHERE ({where})"
        " AND (valid_from IS NULL OR valid_from <= :today)"
        " AND (valid_until IS NULL OR valid_until >= :today)",
        {**params, "today": today.isoformat()},
    )
    found = [read_stored(row) for row in fresh]
    if with_stale:
        found += _stale(conn, today)
    return found


def _window(today: date, within_days: int) -> tuple[date, str, dict[str, object]]:
    if within_days < 0:
        raise ValueError(f"within_days must be 0 or more, not {within_days}")
    last = today + timedelta(days=within_days)
    params: dict[str, object] = {"first": today.isoformat(), "last": last.isoformat()}
    return last, "due_date BETWEEN :first AND :last", params


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection while thousands of rows are built (none of them is garbage).

    Building a window of rows allocates tens of thousands of objects; the collector would
    otherwise run dozens of times meanwhile, now and then over the whole heap, for nothing
    (measured: a third of the query's time). It runs as usual once the rows are built.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def upcoming_rows(
    conn: sqlite3.Connection, today: date, within_days: int, own_roles: frozenset[str]
) -> list[DeadlineRow]:
    """`portfolio.renewals.upcoming_deadlines` over the current records, from this table.

    The rows whose stored position holds today (nearly all) go from their columns to a
    `DeadlineRow` through one JSON document each (`fresh_row_json`): a window can hold
    thousands of rows, and pydantic validates JSON faster than Python objects.
    """
    last, where, params = _window(today, within_days)
    fresh = conn.execute(
        f"SELECT {FRESH_ROW_COLUMNS} FROM deadlines WHERE {where}"
        " AND kind IS NOT NULL AND current_term_end IS NOT NULL"
        " AND (valid_from IS NULL OR valid_from <= :first)"
        " AND (valid_until IS NULL OR valid_until >= :first)",
        params,
    )
    with collection_paused():
        rows = [DeadlineRow.model_validate_json(fresh_row_json(row, today, own_roles))
                for row in fresh]
    rows += [
        row for s in _stale(conn, today)
        if (row := s.deadline_row(today, own_roles)) is not None and today <= row.due_date <= last
    ]
    rows.sort(key=lambda r: (r.due_date, (r.title or r.filename).casefold(), r.record_id))
    return rows


def no_date_contracts(conn: sqlite3.Connection, today: date) -> list[NoDateContract]:
    """`Portfolio.no_date_contracts` from this table, in record id order.

    Read column by column (no `StoredDeadline`): undated contracts can be most of a
    portfolio, and every one of them is listed.
    """
    states = ",".join(f"'{state.value}'" for state in NO_DATE_STATES)
    fresh = conn.execute(
        "SELECT record_id, title, filename, state, note, status_notice_period FROM deadlines"
        f" WHERE state IN ({states}) AND (valid_from IS NULL OR valid_from <= :today)"
        " AND (valid_until IS NULL OR valid_until >= :today)",
        {"today": today.isoformat()},
    )
    with collection_paused():
        found = [
            NoDateContract(record_id=record_id, title=title, filename=filename, state=state,
                           note=note, notice_period=duration(notice))
            for record_id, title, filename, state, note, notice in fresh
        ]
    found += [s.no_date() for s in _stale(conn, today) if s.position.state in NO_DATE_STATES]
    found.sort(key=lambda c: c.record_id)
    return found


def detail_rows(
    conn: sqlite3.Connection,
    today: date,
    within_days: int,
    own_roles: frozenset[str],
    also: Collection[str],
) -> list[DeadlineDetail]:
    """`Portfolio.deadline_details` from this table (the window, plus the rows of `also`)."""
    last, where, params = _window(today, within_days)
    found = {s.record_id: s for s in as_of(conn, today, where, params)}
    wanted = [record_id for record_id in dict.fromkeys(also) if record_id not in found]
    for i in range(0, len(wanted), BATCH):
        chunk = {f"id{n}": record_id for n, record_id in enumerate(wanted[i : i + BATCH])}
        marks = ",".join(f":{key}" for key in chunk)
        for s in as_of(conn, today, f"record_id IN ({marks})", dict(chunk), with_stale=False):
            found[s.record_id] = s
    with collection_paused():
        details = [
            detail for s in found.values()
            if (detail := s.detail(today, own_roles)) is not None
            and today <= detail.row.due_date
            and (detail.row.due_date <= last or s.record_id in also)
        ]
    details.sort(key=lambda d: (d.row.due_date, d.row.record_id))
    return details
