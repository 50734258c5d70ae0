"""Term positions and upcoming deadlines, recomputed for the day asked (rolling renewals).

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

from portfolio.models import DeadlineKind, TermState
from portfolio.renewals import deadline_row, initial_term_end, term_status, upcoming_deadlines
from portfolio.sqlite import SqlitePortfolio
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


# --- through the portfolio ----------------------------------------------------------------------


def test_upcoming_sorted_soonest_first(loaded: SqlitePortfolio) -> None:
    rows = loaded.upcoming_deadlines(date(2025, 6, 1), 365, own_roles=frozenset({"customer"}))
    assert [(r.filename, r.kind, r.due_date) for r in rows] == [
        ("northwind-msa.pdf", DeadlineKind.notice_deadline, date(2025, 11, 30)),
        ("globex-nda.pdf", DeadlineKind.expiration, date(2026, 1, 14)),
        ("initech-saas-subscription.pdf", DeadlineKind.notice_deadline, date(2026, 5, 1)),
    ]
    msa = rows[0]
    assert msa.title == "Master Services Agreement"
    assert msa.counterparty == "Northwind Cloud Services LLC"
    assert msa.days_left == 182
    assert msa.current_term_end == date(2026, 2, 28)
    assert msa.renewal_term == YEAR
    assert msa.notice_period == Duration(count=90, unit=DurationUnit.days)


def test_perpetual_and_evergreen_never_listed(loaded: SqlitePortfolio) -> None:
    rows = loaded.upcoming_deadlines(date(2025, 6, 1), 36500)
    names = {r.filename for r in rows}
    assert "umbrella-perpetual-license.pdf" not in names
    assert "hooli-support-evergreen.pdf" not in names


@pytest.mark.parametrize(
    ("today", "within", "listed"),
    [
        (date(2026, 1, 14), 0, True),  # the date is today
        (date(2025, 12, 15), 30, True),  # the date is the last day of the window
        (date(2025, 12, 15), 29, False),  # one day beyond the window
        (date(2026, 1, 15), 365, False),  # already expired
    ],
)
def test_window_boundaries(
    store: SqlitePortfolio,
    contracts: dict[str, ContractRecord],
    today: date,
    within: int,
    listed: bool,
) -> None:
    store.add(contracts["nda"])
    rows = store.upcoming_deadlines(today, within)
    assert bool(rows) is listed
    if listed:
        assert rows[0].days_left == (date(2026, 1, 14) - today).days


def test_same_day_rows_have_a_stable_order(
    store: SqlitePortfolio, make_record: Callable[..., ContractRecord]
) -> None:
    store.add_many(
        [
            make_record(name, expiration_date=date(2025, 7, 1))
            for name in ("zeta-hosting", "alpha-backup")
        ]
    )
    rows = store.upcoming_deadlines(date(2025, 6, 1), 60)
    assert [r.filename for r in rows] == ["alpha-backup.pdf", "zeta-hosting.pdf"]


def test_portfolio_term_status(
    loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    status = loaded.term_status(contracts["saas"], date(2025, 6, 1))
    assert status.due_date == date(2026, 5, 1)
    assert status.current_term_end == date(2026, 6, 30)
