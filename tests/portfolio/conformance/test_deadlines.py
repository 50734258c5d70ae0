"""Upcoming deadlines through the portfolio: every backend lists the same rows.

Dates worked by hand (see tests/portfolio/test_renewal_deadlines.py):
* MSA: 90 days' notice before each yearly term end: 2024-11-30, 2025-11-30, 2026-11-30.
* SaaS: 60 days' notice: 2025-05-01, 2026-05-01. NDA: expires 2026-01-14, no renewal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from portfolio.base import Portfolio
from portfolio.models import DeadlineKind
from portfolio.renewals import deadline_details, no_date_contracts, upcoming_deadlines
from schemas.record import ContractRecord, Duration, DurationUnit, Renewal

YEAR = Duration(count=1, unit=DurationUnit.years)


def test_upcoming_sorted_soonest_first(loaded: Portfolio) -> None:
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


def test_perpetual_and_evergreen_never_listed(loaded: Portfolio) -> None:
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
    store: Portfolio,
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
    store: Portfolio, make_record: Callable[..., ContractRecord]
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
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    status = loaded.term_status(contracts["saas"], date(2025, 6, 1))
    assert status.due_date == date(2026, 5, 1)
    assert status.current_term_end == date(2026, 6, 30)


def _awkward(make_record: Callable[..., ContractRecord]) -> list[ContractRecord]:
    """Terms that roll in every way the arithmetic knows (pre-selection must miss none)."""
    days = DurationUnit.days
    return [
        make_record("monthly", effective_date=date(2024, 1, 31),
                    initial_term=Duration(count=1, unit=DurationUnit.months),
                    renewal=Renewal(auto_renews=True,
                                    renewal_term=Duration(count=1, unit=DurationUnit.months),
                                    notice_period=Duration(count=10, unit=days))),
        make_record("business-days", expiration_date=date(2025, 3, 31),
                    renewal=Renewal(auto_renews=True, renewal_term=YEAR,
                                    notice_period=Duration(count=20,
                                                           unit=DurationUnit.business_days))),
        make_record("daily-since-1990", expiration_date=date(1990, 1, 1),
                    renewal=Renewal(auto_renews=True, renewal_term=Duration(count=1, unit=days),
                                    notice_period=Duration(count=1, unit=days))),
        make_record("weekly", expiration_date=date(2025, 5, 4),
                    renewal=Renewal(auto_renews=True,
                                    renewal_term=Duration(count=2, unit=DurationUnit.weeks))),
        make_record("unknown-renewal-term", effective_date=date(2024, 1, 1), initial_term=YEAR,
                    renewal=Renewal(auto_renews=True,
                                    notice_period=Duration(count=30, unit=days))),
        make_record("extracted-term-end-only",
                    renewal=Renewal(auto_renews=True, renewal_term=YEAR,
                                    notice_period=Duration(count=30, unit=days),
                                    current_term_end=date(2025, 3, 31))),
        make_record("leap-day", expiration_date=date(2024, 2, 29),
                    renewal=Renewal(auto_renews=True, renewal_term=YEAR,
                                    notice_period=Duration(count=3, unit=DurationUnit.months))),
    ]


@pytest.mark.parametrize(
    "today",
    [date(1989, 6, 1), date(2024, 1, 1), date(2024, 11, 30), date(2025, 6, 1), date(2026, 2, 28),
     date(2031, 1, 10), date(2052, 2, 29)],
)
@pytest.mark.parametrize("within", [0, 31, 400])
def test_rows_are_the_term_arithmetic_over_every_record(
    loaded: Portfolio, make_record: Callable[..., ContractRecord], today: date, within: int
) -> None:
    """Whatever a store pre-selects, the rows are exactly `renewals.upcoming_deadlines`."""
    loaded.add_many(_awkward(make_record))
    current = [r for r in loaded.records() if r.superseded_by is None]
    expected = upcoming_deadlines(current, today, within, frozenset({"customer"}))
    assert loaded.upcoming_deadlines(today, within, frozenset({"customer"})) == expected


def test_negative_window_is_refused(loaded: Portfolio) -> None:
    with pytest.raises(ValueError, match="within_days"):
        loaded.upcoming_deadlines(date(2025, 6, 1), -1)


@pytest.mark.parametrize("today", [date(2024, 1, 1), date(2025, 12, 1), date(2031, 1, 10)])
def test_details_and_no_date_contracts_are_the_term_arithmetic(
    loaded: Portfolio, make_record: Callable[..., ContractRecord], today: date
) -> None:
    """What the alert flow reads: the window's rows with their details, plus the next date
    of the contracts it already warned, and the contracts with no date."""
    loaded.add_many(_awkward(make_record))
    current = [r for r in loaded.records() if r.superseded_by is None]
    warned = {r.id for r in current[::2]} | {"f" * 64}
    roles = frozenset({"customer"})
    expected = deadline_details(current, today, 31, roles, warned)
    assert loaded.deadline_details(today, 31, roles, warned) == expected
    assert loaded.no_date_contracts(today) == no_date_contracts(current, today)


def test_ledger_records_are_the_ones_alerted_before_a_day(loaded: Portfolio) -> None:
    ids = [r.id for r in loaded.records()]
    sent = datetime(2025, 1, 1, tzinfo=UTC)
    loaded.record_alert("k1", ids[0], date(2025, 3, 1), 30, "mailto:1", sent)
    loaded.record_alert("k2", ids[1], date(2025, 6, 1), 30, "mailto:1", sent)
    loaded.record_alert("k3", "e" * 64, date(2025, 1, 1), 30, "mailto:1", sent)  # removed since
    stored = set(ids)
    assert loaded.ledger_records(before=date(2025, 3, 1)) & stored == set()
    assert loaded.ledger_records(before=date(2025, 3, 2)) & stored == {ids[0]}
    assert loaded.ledger_records(before=date(2025, 6, 2)) & stored == {ids[0], ids[1]}
