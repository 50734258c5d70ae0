"""Term positions and deadline rows, recomputed for the day asked (rolling renewals); pure.

The same lists through each backend's `upcoming_deadlines`: conformance/test_deadlines.py.

Dates worked by hand (a term ends the day before its anniversary; see schemas.terms):
* MSA: 3 years from 2021-03-01 ends 2024-02-29, then yearly: 2025-02-28, 2026-02-28,
  2027-02-28; 90 days' notice: 2024-11-30, 2025-11-30, 2026-11-30.
* SaaS: ends 2024-06-30, then 2025-06-30, 2026-06-30; 60 days' notice: 2025-05-01, 2026-05-01.
* NDA: expires 2026-01-14, no renewal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from portfolio.due_dates import due_dates
from portfolio.models import DeadlineKind, TermState
from portfolio.renewals import deadline_row, initial_term_end, term_status, upcoming_deadlines
from schemas.record import ContractRecord, Duration, DurationUnit, Renewal

YEAR = Duration(count=1, unit=DurationUnit.years)


# --- term_status (pure) ---------------------------------------------------------------------


def test_initial_term_end_from_start_and_term(contracts: dict[str, ContractRecord]) -> None:
    assert initial_term_end(contracts["msa"]) == date(2024, 2, 29)
    assert initial_term_end(contracts["saas"]) == date(2024, 6, 30)  # stated expiration wins


def test_rolling_renewal_shows_next_deadline(contracts: dict[str, ContractRecord]) -> None:
    status = term_status(contracts["msa"], date(2025, 6, 1))
    assert status.state is TermState.renewing
    assert status.kind is DeadlineKind.notice_deadline
    assert status.due_date == date(2025, 11, 30)
    assert status.days_left == 182
    assert status.current_term_end == date(2026, 2, 28)
    assert status.renewals_elapsed == 2
    assert status.renewal_term == YEAR
    assert status.notice_period == Duration(count=90, unit=DurationUnit.days)


def test_initial_term_ended_years_ago(contracts: dict[str, ContractRecord]) -> None:
    status = term_status(contracts["msa"], date(2031, 1, 10))
    assert status.current_term_end == date(2032, 2, 29)  # leap year
    assert status.due_date == date(2031, 12, 1)
    assert status.renewals_elapsed == 8


def test_past_the_notice_deadline_rolls_to_the_next_term(
    contracts: dict[str, ContractRecord],
) -> None:
    """Notice deadline gone but term not yet ended: too late for this term, act on the next."""
    status = term_status(contracts["msa"], date(2025, 12, 15))
    assert status.due_date == date(2026, 11, 30)
    assert status.current_term_end == date(2027, 2, 28)


def test_deadline_today_is_still_actionable(contracts: dict[str, ContractRecord]) -> None:
    status = term_status(contracts["msa"], date(2025, 11, 30))
    assert status.due_date == date(2025, 11, 30)
    assert status.days_left == 0


def test_expiring_contract(contracts: dict[str, ContractRecord]) -> None:
    status = term_status(contracts["nda"], date(2025, 6, 1))
    assert status.state is TermState.ending
    assert status.kind is DeadlineKind.expiration
    assert status.due_date == status.current_term_end == date(2026, 1, 14)


def test_expired_contract(contracts: dict[str, ContractRecord]) -> None:
    status = term_status(contracts["nda"], date(2026, 1, 15))
    assert status.state is TermState.expired
    assert status.days_left == -1


def test_perpetual_and_evergreen_have_no_date(contracts: dict[str, ContractRecord]) -> None:
    today = date(2025, 6, 1)
    assert term_status(contracts["license"], today).state is TermState.perpetual
    evergreen = term_status(contracts["support"], today)
    assert evergreen.state is TermState.evergreen
    assert evergreen.due_date is None and evergreen.kind is None


@pytest.mark.parametrize(
    ("today", "state", "due"),
    [
        (date(2025, 6, 1), TermState.renewing, date(2025, 10, 2)),  # act by 90 days before
        (date(2025, 10, 2), TermState.renewing, date(2025, 10, 2)),  # the last day itself
        (date(2025, 10, 3), TermState.evergreen, None),  # past it: runs on, on notice
        (date(2031, 1, 1), TermState.evergreen, None),
    ],
)
def test_an_initial_term_then_evergreen(
    make_record: Callable[..., ContractRecord], today: date, state: TermState, due: date | None
) -> None:
    """'two (2) years, and thereafter until terminated by either party on ninety (90)
    days' notice': a deadline while the initial term's act-by date is ahead, then none."""
    record = make_record(
        "saas",
        effective_date=date(2024, 1, 1),
        initial_term=Duration(count=2, unit=DurationUnit.years),
        renewal=Renewal(auto_renews=True, evergreen=True,
                        notice_period=Duration(count=90, unit=DurationUnit.days)),
    )
    status = term_status(record, today)
    assert status.state is state and status.due_date == due
    if due is not None:
        assert status.kind is DeadlineKind.notice_deadline
        assert status.current_term_end == date(2025, 12, 31)
        assert status.note == "runs on after 2025-12-31 until terminated on 90 days' notice"
        row = deadline_row(record, today)
        assert row is not None and row.due_date == due and row.renewal_term is None
    else:
        assert status.notice_period == Duration(count=90, unit=DurationUnit.days)
        assert deadline_row(record, today) is None
    assert due_dates(record, date(2040, 1, 1)).dates == (date(2025, 10, 2),)


def test_auto_renewal_without_notice_period(make_record: Callable[..., ContractRecord]) -> None:
    record = make_record(
        "hosting",
        effective_date=date(2024, 1, 1),
        initial_term=YEAR,
        renewal=Renewal(auto_renews=True, renewal_term=YEAR),
    )
    status = term_status(record, date(2025, 6, 1))
    assert status.kind is DeadlineKind.renewal
    assert status.due_date == status.current_term_end == date(2025, 12, 31)


def test_auto_renewal_with_unknown_renewal_term(make_record: Callable[..., ContractRecord]) -> None:
    record = make_record(
        "mystery",
        effective_date=date(2024, 1, 1),
        initial_term=YEAR,
        renewal=Renewal(auto_renews=True, notice_period=Duration(count=30, unit=DurationUnit.days)),
    )
    before = term_status(record, date(2024, 6, 1))
    assert before.due_date == date(2024, 12, 1)
    assert before.note is not None and "renewal term" in before.note
    after = term_status(record, date(2025, 6, 1))
    assert after.state is TermState.undated
    assert after.due_date is None


def test_renewal_term_ignored_when_not_auto_renewing(
    make_record: Callable[..., ContractRecord],
) -> None:
    record = make_record(
        "optional-renewal",
        expiration_date=date(2025, 9, 30),
        renewal=Renewal(auto_renews=False, renewal_term=YEAR),
    )
    status = term_status(record, date(2025, 6, 1))
    assert status.kind is DeadlineKind.expiration
    assert status.due_date == date(2025, 9, 30)


def test_extracted_current_term_end_is_the_last_resort(
    make_record: Callable[..., ContractRecord],
) -> None:
    record = make_record(
        "undated-start",
        renewal=Renewal(
            auto_renews=True,
            renewal_term=YEAR,
            notice_period=Duration(count=30, unit=DurationUnit.days),
            current_term_end=date(2025, 3, 31),
        ),
    )
    status = term_status(record, date(2025, 6, 1))
    assert status.current_term_end == date(2026, 3, 31)
    assert status.due_date == date(2026, 3, 1)


def test_no_dates_at_all_is_undated(make_record: Callable[..., ContractRecord]) -> None:
    status = term_status(make_record("blank"), date(2025, 6, 1))
    assert status.state is TermState.undated
    assert status.note


# --- rows ---------------------------------------------------------------------------------------


def test_row_carries_notice_evidence(contracts: dict[str, ContractRecord]) -> None:
    row = deadline_row(contracts["msa"], date(2025, 6, 1))
    assert row is not None
    assert row.evidence == contracts["msa"].renewal.notice_evidence
    assert row.evidence is not None and row.evidence.page == 3
    assert "ninety (90) days" in row.evidence.text


def test_expiration_row_carries_expiry_evidence(contracts: dict[str, ContractRecord]) -> None:
    row = deadline_row(contracts["nda"], date(2025, 6, 1))
    assert row is not None and row.evidence is not None
    assert row.evidence.text.startswith("This Agreement expires")


def test_counterparty(contracts: dict[str, ContractRecord]) -> None:
    today = date(2025, 6, 1)
    first = deadline_row(contracts["msa"], today)
    theirs = deadline_row(contracts["msa"], today, own_roles=frozenset({"customer"}))
    assert first is not None and first.counterparty == "Acme Holdings, Inc."
    assert theirs is not None and theirs.counterparty == "Northwind Cloud Services LLC"


def test_no_row_without_a_date(contracts: dict[str, ContractRecord]) -> None:
    assert deadline_row(contracts["license"], date(2025, 6, 1)) is None
    assert deadline_row(contracts["support"], date(2025, 6, 1)) is None


def test_negative_window_is_an_error(contracts: dict[str, ContractRecord]) -> None:
    with pytest.raises(ValueError, match="within_days"):
        upcoming_deadlines(contracts.values(), date(2025, 6, 1), -1)


def test_too_many_renewals_to_follow_is_undated_with_a_reason(
    make_record: Callable[..., ContractRecord],
) -> None:
    """Daily renewals since 1990: no date is guessed, and the note says why."""
    record = make_record(
        "daily",
        expiration_date=date(1990, 1, 1),
        renewal=Renewal(
            auto_renews=True,
            renewal_term=Duration(count=1, unit=DurationUnit.days),
            notice_period=Duration(count=1, unit=DurationUnit.days),
        ),
    )
    status = term_status(record, date(2026, 11, 21))
    assert status.state is TermState.undated
    assert status.due_date is None
    assert status.note is not None and "too many times" in status.note
