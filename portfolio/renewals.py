"""Where each contract stands today, and which renewal or expiry dates are coming up.

Pure functions over `ContractRecord`s: the extraction stored `renewal.current_term_end`
and `notice_deadline` as of the day the PDF was read, but a contract that auto-renews
yearly moves on every year. `term_status` recomputes the position for any day with
`schemas.terms.roll_forward`, so a 2019 contract read in 2025 shows its *next* notice
deadline, not one that passed years ago. The alerts package reuses `term_status`.

The term end the arithmetic starts from, in order of preference:
1. the stated `expiration_date`;
2. `term_end(start_date, initial_term)` (start date = effective date, else agreement date);
3. `renewal.current_term_end` as extracted (already a term end of the same chain).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from portfolio.models import DeadlineKind, DeadlineRow, TermState, TermStatus
from schemas.record import ContractRecord, Evidence
from schemas.terms import roll_forward, term_end


def initial_term_end(record: ContractRecord) -> date | None:
    """The end of the first stated term (see the module docstring for the fallbacks)."""
    if record.expiration_date is not None:
        return record.expiration_date
    start = record.start_date
    if start is not None and record.initial_term is not None:
        return term_end(start, record.initial_term)
    return record.renewal.current_term_end


def term_status(record: ContractRecord, today: date) -> TermStatus:
    """The term in force, and the next date to act on, as of `today`.

    * perpetual and evergreen contracts have no date;
    * an auto-renewing contract rolls forward by its renewal term until its notice
      deadline (or, with no notice period, its term end) is today or later;
    * a contract that does not renew ends on its term end (`ending`, or `expired` once
      that day has passed).
    """
    renewal = record.renewal
    notice = renewal.notice_period
    if renewal.evergreen:
        return TermStatus(
            record_id=record.id, as_of=today, state=TermState.evergreen, notice_period=notice
        )
    end = initial_term_end(record)
    if record.perpetual:
        return TermStatus(record_id=record.id, as_of=today, state=TermState.perpetual)
    if end is None:
        return TermStatus(
            record_id=record.id,
            as_of=today,
            state=TermState.undated,
            note="no expiration date, and no start date with an initial term",
        )
    if not renewal.auto_renews:
        return TermStatus(
            record_id=record.id,
            as_of=today,
            state=TermState.ending if end >= today else TermState.expired,
            kind=DeadlineKind.expiration,
            due_date=end,
            days_left=(end - today).days,
            current_term_end=end,
        )
    renewal_term = renewal.renewal_term
    note = None
    if renewal_term is None or renewal_term.count == 0:
        renewal_term = None
        note = "auto-renews, but the renewal term is not stated: only the first term is known"
    position = roll_forward(end, renewal_term, notice, today)
    due = position.notice_deadline or position.current_term_end
    if due < today:  # could not roll (unknown renewal term) past a date already gone
        return TermStatus(
            record_id=record.id,
            as_of=today,
            state=TermState.undated,
            current_term_end=position.current_term_end,
            notice_period=notice,
            note=note or f"renews every {renewal_term}, too many times since "
            f"{end.isoformat()} to follow: check the current term by hand",
        )
    return TermStatus(
        record_id=record.id,
        as_of=today,
        state=TermState.renewing,
        kind=DeadlineKind.notice_deadline if notice is not None else DeadlineKind.renewal,
        due_date=due,
        days_left=(due - today).days,
        current_term_end=position.current_term_end,
        renewal_term=renewal_term,
        notice_period=notice,
        renewals_elapsed=position.renewals_elapsed,
        note=note,
    )


def _evidence_for(record: ContractRecord, kind: DeadlineKind) -> Evidence | None:
    """The quote an admin checks the date against: the notice clause, or the term/expiry."""
    if kind is DeadlineKind.expiration:
        return record.evidence.expiration_date or record.evidence.initial_term
    return record.renewal.notice_evidence or record.renewal.evidence


def deadline_row(
    record: ContractRecord, today: date, own_roles: frozenset[str] = frozenset()
) -> DeadlineRow | None:
    """The record's next date as a list row, or None when it has no date to act on."""
    status = term_status(record, today)
    if (
        status.kind is None
        or status.due_date is None
        or status.days_left is None
        or status.current_term_end is None
    ):
        return None
    counterparty = record.counterparty(own_roles)
    return DeadlineRow(
        record_id=record.id,
        title=record.title,
        filename=record.filename,
        counterparty=counterparty.name if counterparty else None,
        kind=status.kind,
        due_date=status.due_date,
        days_left=status.days_left,
        current_term_end=status.current_term_end,
        renewal_term=status.renewal_term,
        notice_period=status.notice_period,
        evidence=_evidence_for(record, status.kind),
        note=status.note,
    )


def upcoming_deadlines(
    records: Iterable[ContractRecord],
    today: date,
    within_days: int,
    own_roles: frozenset[str] = frozenset(),
) -> list[DeadlineRow]:
    """Rows due in [today, today + within_days], both ends included, soonest first."""
    if within_days < 0:
        raise ValueError(f"within_days must be 0 or more, not {within_days}")
    last = today + timedelta(days=within_days)
    rows = [
        row
        for record in records
        if (row := deadline_row(record, today, own_roles)) is not None
        and today <= row.due_date <= last
    ]
    rows.sort(key=lambda r: (r.due_date, (r.title or r.filename).casefold(), r.record_id))
    return rows
