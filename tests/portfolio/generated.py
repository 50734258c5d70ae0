"""A generated portfolio for comparing stored deadlines with the pure Python reference.

Every duration unit, month ends and leap days, notice periods longer than the renewal
term, daily renewals that outrun `schemas.terms.MAX_ROLLS`, evergreen, perpetual and
undated terms, missing inputs, and second versions that supersede every tenth contract.
Deterministic: the same records every run.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from schemas.record import (
    ContractRecord,
    Duration,
    DurationUnit,
    Evidence,
    FieldEvidence,
    Party,
    Renewal,
)
from tests.portfolio.conftest import record_id

_COUNTS = {
    DurationUnit.days: (30, 400),
    DurationUnit.business_days: (20, 60),
    DurationUnit.weeks: (2, 60),
    DurationUnit.months: (1, 36),
    DurationUnit.years: (1, 5),
}
"""Lengths drawn for terms and notice periods. Short renewal terms roll thousands of times
in the reference (one-day terms: `_daily_since_2000`), which only makes the test slow."""

_RENEWAL_UNITS = (DurationUnit.days, DurationUnit.weeks, DurationUnit.months, DurationUnit.years)
"""Business-day renewal terms cost the reference time quadratic in the renewals rolled:
one such contract (`_quarterly_in_business_days`) is enough."""
ROLES = [frozenset(), frozenset({"customer"}), frozenset({"customer", "licensee"})]
_MONTH_ENDS = [date(2019, 1, 31), date(2020, 2, 29), date(2021, 8, 31), date(2024, 2, 29),
               date(2023, 5, 31), date(2022, 12, 31)]


def _duration(
    rng: random.Random, *, zero: bool = False, units: tuple[DurationUnit, ...] = tuple(_COUNTS)
) -> Duration | None:
    if rng.random() < 0.15:
        return None
    unit = rng.choice(units)
    low, high = _COUNTS[unit]
    count = 0 if zero and rng.random() < 0.1 else rng.randint(low, high)
    return Duration(count=count, unit=unit)


def _day(rng: random.Random) -> date:
    if rng.random() < 0.25:
        return rng.choice(_MONTH_ENDS)
    return date(2015, 1, 1) + timedelta(days=rng.randint(0, 13 * 365))


def _evidence(text: str) -> Evidence:
    return Evidence(page=2, start=100, end=100 + len(text), text=text)


def _contract(rng: random.Random, index: int) -> ContractRecord:
    """One generated contract; roughly: a third dated by expiry, a third by start + term."""
    start = _day(rng) if rng.random() < 0.8 else None
    shape = rng.random()
    renewal = Renewal(
        auto_renews=rng.random() < 0.65,
        renewal_term=_duration(rng, zero=True, units=_RENEWAL_UNITS),
        notice_period=_duration(rng),
        current_term_end=_day(rng) if rng.random() < 0.3 else None,
        evergreen=rng.random() < 0.05,
        notice_evidence=_evidence(f"notice clause {index}") if rng.random() < 0.7 else None,
        evidence=_evidence(f"renewal clause {index}") if rng.random() < 0.5 else None,
    )
    choices = ["Customer", "Provider", "Licensee", None]
    roles = [rng.choice(choices) for _ in range(rng.randint(0, 3))]
    return ContractRecord(
        id=record_id(f"generated-{index}"),
        source=f"inbox/generated-{index}.pdf",
        filename=f"generated-{index}.pdf",
        pages=3,
        title=rng.choice([f"Agreement {index}", f"agreement {index}", None]),
        parties=[Party(name=f"Party {index}-{n}", role=role) for n, role in enumerate(roles)],
        agreement_date=start - timedelta(days=rng.randint(0, 40)) if start else None,
        effective_date=start if rng.random() < 0.7 else None,
        expiration_date=_day(rng) if shape < 0.35 else None,
        perpetual=rng.random() < 0.04,
        initial_term=_duration(rng, zero=True) if shape >= 0.35 else None,
        renewal=renewal,
        evidence=FieldEvidence(
            expiration_date=_evidence(f"expires {index}") if rng.random() < 0.5 else None,
            initial_term=_evidence(f"term {index}") if rng.random() < 0.5 else None,
        ),
        extractor_version="test",
    )


def _daily_since_2000() -> ContractRecord:
    """Renews every day from 2000: `MAX_ROLLS` (10,000 renewals) runs out in 2027."""
    return ContractRecord(
        id=record_id("daily-since-2000"), source="daily.pdf", filename="daily.pdf", pages=1,
        title="Daily renewals", effective_date=date(2000, 1, 1),
        initial_term=Duration(count=1, unit=DurationUnit.days),
        renewal=Renewal(auto_renews=True, renewal_term=Duration(count=1, unit=DurationUnit.days),
                        notice_period=Duration(count=2, unit=DurationUnit.business_days)),
        extractor_version="test",
    )


def _quarterly_in_business_days() -> ContractRecord:
    return ContractRecord(
        id=record_id("business-days"), source="bd.pdf", filename="bd.pdf", pages=1,
        parties=[Party(name="Acme", role="Customer"), Party(name="Initech", role="Supplier")],
        effective_date=date(2023, 1, 31), initial_term=Duration(count=1, unit=DurationUnit.years),
        renewal=Renewal(auto_renews=True,
                        renewal_term=Duration(count=65, unit=DurationUnit.business_days),
                        notice_period=Duration(count=1, unit=DurationUnit.months)),
        extractor_version="test",
    )


def portfolio_records(count: int = 300) -> list[ContractRecord]:
    rng = random.Random(20261122)
    specials = [_daily_since_2000(), _quarterly_in_business_days()]
    return [_contract(rng, i) for i in range(count)] + specials


def new_versions(records: list[ContractRecord]) -> list[ContractRecord]:
    """Second versions (same file name, other bytes) of every tenth record."""
    rng = random.Random(7)
    versions = []
    for old in records[::10]:
        new = _contract(rng, 10_000 + len(versions)).model_copy(
            update={"filename": old.filename, "id": record_id(f"{old.id}-v2")}
        )
        versions.append(new)
    return versions


def query_days() -> list[date]:
    rng = random.Random(11)
    days = [date(1999, 6, 1), date(2027, 6, 1), date(2028, 3, 1), date(2041, 1, 1)]
    days += [date(2014, 1, 1) + timedelta(days=rng.randint(0, 27 * 365)) for _ in range(40)]
    start = date(2026, 11, 20)
    days += [start + timedelta(days=n) for n in range(8)]  # consecutive days: rows roll daily
    rng.shuffle(days)
    return days
