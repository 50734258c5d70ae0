"""The due-date chain a store range-queries: it must hold every date `term_status` can give.

If the chain missed one, the Elasticsearch store would leave a deadline out of the
renewals list and the alerts: so the property is checked over many days and many ways a
term can roll, against `term_status` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from itertools import pairwise

import pytest

from portfolio.due_dates import DueDates, due_dates, due_in_window
from portfolio.facets import month_counts, month_spans
from portfolio.renewals import term_status
from schemas.record import ContractRecord, Duration, DurationUnit, Renewal

DAYS, MONTHS, YEARS = DurationUnit.days, DurationUnit.months, DurationUnit.years
FAR = date(2100, 1, 1)


def _rolling(make_record: Callable[..., ContractRecord]) -> list[ContractRecord]:
    year = Duration(count=1, unit=YEARS)
    return [
        make_record("monthly-31st", effective_date=date(2024, 1, 31),
                    initial_term=Duration(count=1, unit=MONTHS),
                    renewal=Renewal(auto_renews=True, renewal_term=Duration(count=1, unit=MONTHS),
                                    notice_period=Duration(count=10, unit=DAYS))),
        make_record("business-days", expiration_date=date(2025, 3, 31),
                    renewal=Renewal(auto_renews=True, renewal_term=year,
                                    notice_period=Duration(count=20,
                                                           unit=DurationUnit.business_days))),
        make_record("no-notice", expiration_date=date(2025, 5, 4),
                    renewal=Renewal(auto_renews=True,
                                    renewal_term=Duration(count=2, unit=DurationUnit.weeks))),
        make_record("leap-day", expiration_date=date(2024, 2, 29),
                    renewal=Renewal(auto_renews=True, renewal_term=year,
                                    notice_period=Duration(count=3, unit=MONTHS))),
        make_record("unknown-term", effective_date=date(2024, 1, 1), initial_term=year,
                    renewal=Renewal(auto_renews=True, notice_period=Duration(count=30,
                                                                             unit=DAYS))),
        make_record("ends", expiration_date=date(2026, 1, 14)),
    ]


def test_every_due_date_is_in_the_chain(
    contracts: dict[str, ContractRecord], make_record: Callable[..., ContractRecord]
) -> None:
    records = [*contracts.values(), *_rolling(make_record)]
    chains = {r.id: set(due_dates(r, horizon=FAR).dates) for r in records}
    day = date(2018, 1, 1)
    while day < date(2040, 1, 1):
        for record in records:
            due = term_status(record, day).due_date
            assert due is None or due in chains[record.id], (record.filename, day, due)
        day += timedelta(days=13)


def test_no_dates_for_contracts_without_one(contracts: dict[str, ContractRecord]) -> None:
    assert due_dates(contracts["license"], FAR) == DueDates(())  # perpetual
    assert due_dates(contracts["support"], FAR) == DueDates(())  # evergreen
    assert due_dates(contracts["nda"], FAR) == DueDates((date(2026, 1, 14),))


def test_chain_of_a_yearly_renewal(contracts: dict[str, ContractRecord]) -> None:
    chain = due_dates(contracts["msa"], horizon=date(2027, 1, 1))
    assert chain.dates == (date(2023, 12, 1), date(2024, 11, 30), date(2025, 11, 30),
                           date(2026, 11, 30))
    assert chain.complete_until == date(2027, 1, 1)
    assert list(chain.dates) == sorted(chain.dates)


def test_a_capped_chain_says_how_far_it_is_complete(
    make_record: Callable[..., ContractRecord],
) -> None:
    daily = make_record("daily", expiration_date=date(2024, 1, 1),
                        renewal=Renewal(auto_renews=True, renewal_term=Duration(count=1,
                                                                                unit=DAYS)))
    chain = due_dates(daily, horizon=FAR, limit=10)
    assert len(chain.dates) == 10
    assert chain.complete_until == chain.dates[-1] == date(2024, 1, 10)


def test_dates_past_the_roll_limit_are_not_listed(
    make_record: Callable[..., ContractRecord],
) -> None:
    """`term_status` gives no date after MAX_ROLLS renewals; neither does the chain."""
    daily = make_record("daily-1990", expiration_date=date(1990, 1, 1),
                        renewal=Renewal(auto_renews=True,
                                        renewal_term=Duration(count=1, unit=DAYS)))
    chain = due_dates(daily, horizon=FAR, limit=20_000)
    assert chain.complete_until is None
    assert chain.dates[-1] < date(2020, 1, 1)
    assert term_status(daily, date(2026, 1, 1)).due_date is None


def test_due_in_window(contracts: dict[str, ContractRecord]) -> None:
    assert due_in_window(contracts["msa"], date(2025, 6, 1), date(2026, 12, 31)) == [
        date(2025, 11, 30), date(2026, 11, 30)]


@pytest.mark.parametrize(
    ("first", "last", "keys"),
    [
        (date(2025, 6, 15), date(2025, 6, 15), ["2025-06"]),
        (date(2025, 12, 31), date(2026, 1, 1), ["2025-12", "2026-01"]),
        (date(2024, 1, 31), date(2024, 3, 1), ["2024-01", "2024-02", "2024-03"]),
    ],
)
def test_month_spans(first: date, last: date, keys: list[str]) -> None:
    spans = month_spans(first, last)
    assert [s.key for s in spans] == keys
    assert spans[0].first == first and spans[-1].last == last
    assert all(b.first == a.last + timedelta(days=1) for a, b in pairwise(spans))


def test_month_counts_count_each_contract_once_per_month() -> None:
    spans = month_spans(date(2025, 6, 1), date(2025, 7, 31))
    counted = month_counts([[date(2025, 6, 2), date(2025, 6, 9)], [date(2025, 7, 1)], []], spans)
    assert [(c.value, c.count) for c in counted] == [("2025-06", 1), ("2025-07", 1)]
