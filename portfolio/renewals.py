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

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from portfolio.models import (
    DeadlineDetail,
    DeadlineKind,
    DeadlineRow,
    NoDateContract,
    TermState,
    TermStatus,
)
from schemas.record import ContractRecord, Duration, Evidence
from schemas.terms import act_by, roll_forward, term_end


def initial_term_end(record: ContractRecord) -> date | None:
    """The end of the first stated term (see the module docstring for the fallbacks)."""
    if record.expiration_date is not None:
        return record.expiration_date
    start = record.start_date
    if start is not None and record.initial_term is not None:
        return term_end(start, record.initial_term)
    return record.renewal.current_term_end


@dataclass(frozen=True)
class TermInputs:
    """Everything `term_status` reads from a record, and nothing else.

    A store can keep these few values beside a record and recompute its term position for
    any day without reading the record back (`portfolio.sqlite_deadlines`).
    """

    record_id: str
    initial_term_end: date | None
    perpetual: bool
    evergreen: bool
    auto_renews: bool
    renewal_term: Duration | None
    notice_period: Duration | None


def continues_after_term(evergreen: bool, auto_renews: bool) -> bool:
    """An initial term, then evergreen: "three (3) years, and thereafter until terminated
    by either party on ninety (90) days' notice". The record says so with `evergreen` and
    `auto_renews` both set (it runs on without a renewal term). Until the act-by date of
    the initial term it is renewing (notice by then stops it at the term's end); after
    that it is evergreen, terminable on notice with no date to act by."""
    return evergreen and auto_renews


def term_inputs(record: ContractRecord) -> TermInputs:
    """The record's term inputs (`initial_term_end` with its fallbacks applied).

    A plain evergreen contract's term end is never used, so it is not computed.
    """
    renewal = record.renewal
    dated = not renewal.evergreen or continues_after_term(renewal.evergreen, renewal.auto_renews)
    return TermInputs(
        record_id=record.id,
        initial_term_end=initial_term_end(record) if dated else None,
        perpetual=record.perpetual,
        evergreen=renewal.evergreen,
        auto_renews=renewal.auto_renews,
        renewal_term=renewal.renewal_term,
        notice_period=renewal.notice_period,
    )


def term_status(record: ContractRecord, today: date) -> TermStatus:
    """The term in force, and the next date to act on, as of `today`.

    * perpetual and evergreen contracts have no date, but for an initial term followed
      by evergreen (`continues_after_term`) the initial term's act-by date while it is
      ahead;
    * an auto-renewing contract rolls forward by its renewal term until its notice
      deadline (or, with no notice period, its term end) is today or later;
    * a contract that does not renew ends on its term end (`ending`, or `expired` once
      that day has passed).
    """
    return status_from_inputs(term_inputs(record), today)


def status_from_inputs(inputs: TermInputs, today: date, past_terms: int = 0) -> TermStatus:
    """`term_status` of a record with these inputs (see `term_status`).

    `past_terms`: renewal terms known to have act-by dates before `today` (the
    `renewals_elapsed` of a status computed for an earlier day); rolling starts there.
    """
    if inputs.evergreen:
        return _evergreen_status(inputs, today)
    end = inputs.initial_term_end
    if inputs.perpetual:
        return TermStatus(record_id=inputs.record_id, as_of=today, state=TermState.perpetual)
    if end is None:
        return TermStatus(
            record_id=inputs.record_id,
            as_of=today,
            state=TermState.undated,
            note="no expiration date, and no start date with an initial term",
        )
    if not inputs.auto_renews:
        return TermStatus(
            record_id=inputs.record_id,
            as_of=today,
            state=TermState.ending if end >= today else TermState.expired,
            kind=DeadlineKind.expiration,
            due_date=end,
            days_left=(end - today).days,
            current_term_end=end,
        )
    return _renewing_status(inputs, end, today, past_terms)


def _evergreen_status(inputs: TermInputs, today: date) -> TermStatus:
    """Evergreen: no date to act by; but an initial term followed by evergreen is renewing
    until its act-by date (see `continues_after_term`)."""
    notice, end = inputs.notice_period, inputs.initial_term_end
    if continues_after_term(inputs.evergreen, inputs.auto_renews) and end is not None:
        due = act_by(end, notice)
        if due >= today:
            terminated = f"until terminated on {notice}' notice" if notice else "until terminated"
            return _renewing(inputs, today, due, end,
                           note=f"runs on after {end.isoformat()} {terminated}")
    return TermStatus(
        record_id=inputs.record_id, as_of=today, state=TermState.evergreen, notice_period=notice,
    )


def _renewing_status(
    inputs: TermInputs, end: date, today: date, past_terms: int = 0
) -> TermStatus:
    """The position of an auto-renewing contract whose first term ends on `end`."""
    notice = inputs.notice_period
    renewal_term = inputs.renewal_term
    note = None
    if renewal_term is None or renewal_term.count == 0:
        renewal_term = None
        note = "auto-renews, but the renewal term is not stated: only the first term is known"
    position = roll_forward(end, renewal_term, notice, today, past_terms)
    due = position.notice_deadline or position.current_term_end
    if due < today:  # could not roll (unknown renewal term) past a date already gone
        return TermStatus(
            record_id=inputs.record_id,
            as_of=today,
            state=TermState.undated,
            current_term_end=position.current_term_end,
            notice_period=notice,
            note=note or f"renews every {renewal_term}, too many times since "
            f"{end.isoformat()} to follow: check the current term by hand",
        )
    return _renewing(inputs, today, due, position.current_term_end, renewal_term,
                   position.renewals_elapsed, note)


def _renewing(
    inputs: TermInputs,
    today: date,
    due: date,
    term_end: date,
    renewal_term: Duration | None = None,
    renewals_elapsed: int = 0,
    note: str | None = None,
) -> TermStatus:
    """A renewing status: act by `due` (the notice deadline, or the renewal date when no
    notice period is known) or the term ending on `term_end` runs on."""
    notice = inputs.notice_period
    return TermStatus(
        record_id=inputs.record_id,
        as_of=today,
        state=TermState.renewing,
        kind=DeadlineKind.notice_deadline if notice is not None else DeadlineKind.renewal,
        due_date=due,
        days_left=(due - today).days,
        current_term_end=term_end,
        renewal_term=renewal_term,
        notice_period=notice,
        renewals_elapsed=renewals_elapsed,
        note=note,
    )


def renews_until(
    inputs: TermInputs, due: DeadlineRow | TermStatus, past_terms: int = 0
) -> date | None:
    """End of the term the contract runs into if nobody acts by `due.due_date`.

    Computed the same way as every rolling renewal (as of the day after the date), so it
    is exact to the day even where month ends clamp. None for an expiration, or when the
    renewal term is not known. `past_terms` as for `status_from_inputs` (the renewals
    elapsed by `due.due_date` are past the day after it).
    """
    if due.kind in (None, DeadlineKind.expiration) or due.renewal_term is None:
        return None
    if due.due_date is None:
        return None
    after = status_from_inputs(inputs, due.due_date + timedelta(days=1), past_terms)
    return after.current_term_end if after.state is TermState.renewing else None


def deadline_evidence(record: ContractRecord, kind: DeadlineKind) -> Evidence | None:
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
        evidence=deadline_evidence(record, status.kind),
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


def deadline_details(
    records: Iterable[ContractRecord],
    today: date,
    within_days: int,
    own_roles: frozenset[str] = frozenset(),
    also: Collection[str] = frozenset(),
) -> list[DeadlineDetail]:
    """Rows due in [today, today + within_days], and the next date (today or later) of the
    current records named in `also`, with what a reminder says besides the date.

    Superseded records are skipped. Sorted by due date, then record id.
    """
    if within_days < 0:
        raise ValueError(f"within_days must be 0 or more, not {within_days}")
    last = today + timedelta(days=within_days)
    found = []
    for record in records:
        row = None if record.superseded_by else deadline_row(record, today, own_roles)
        if row is None or row.due_date < today:
            continue
        if row.due_date <= last or record.id in also:
            found.append(DeadlineDetail(
                row=row,
                source=record.source,
                renewals_elapsed=term_status(record, row.due_date).renewals_elapsed,
                renews_until=renews_until(term_inputs(record), row),
            ))
    found.sort(key=lambda d: (d.row.due_date, d.row.record_id))
    return found


NO_DATE_STATES = frozenset({TermState.evergreen, TermState.perpetual, TermState.undated})
"""Term states with no date to act on (expired contracts are history, not listed as such)."""


def no_date_contracts(records: Iterable[ContractRecord], today: date) -> list[NoDateContract]:
    """The current records whose term has no date to act on as of `today`, in the given order.

    Evergreen, perpetual and undated terms, including one that cannot be rolled up to
    `today` (its renewal term is unknown, or it renews too often to follow).
    """
    found = []
    for record in records:
        status = term_status(record, today)
        if record.superseded_by is None and status.state in NO_DATE_STATES:
            found.append(NoDateContract(
                record_id=record.id, title=record.title, filename=record.filename,
                state=status.state, note=status.note, notice_period=status.notice_period,
            ))
    return found
