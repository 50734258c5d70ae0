"""Facet counts for a search sidebar: the same numbers from every backend.

Counted by hand on the fixture portfolio (see conftest): 17 clauses in five contracts;
Acme is a party to four of them (12 clauses). Due dates between 2025-06-01 and
2026-06-01: the MSA's notice deadline 2025-11-30, the NDA's expiry 2026-01-14, the SaaS
notice deadline 2026-05-01.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from portfolio.base import Portfolio
from portfolio.models import ClauseQuery, FacetCount, Facets
from schemas.record import ContractRecord, Duration, DurationUnit, Renewal

TODAY = date(2025, 6, 1)


def counts(facets: list[FacetCount]) -> list[tuple[str, int]]:
    return [(f.value, f.count) for f in facets]


def months(facets: Facets) -> dict[str, int]:
    return {f.value: f.count for f in facets.renewal_months if f.count}


def test_whole_portfolio(loaded: Portfolio) -> None:
    facets = loaded.facets(None, TODAY)
    assert counts(facets.clause_types) == [
        ("sla", 3), ("term_renewal", 3), ("governing_law", 2), ("termination", 2),
        ("confidentiality", 1), ("indemnity", 1), ("liability_cap", 1), ("other", 1),
        ("payment", 1), ("penalty", 1), ("warranty", 1),
    ]
    assert counts(facets.parties) == [
        ("Acme Holdings, Inc.", 12), ("Globex Corporation", 7), ("Initech Software Ltd", 5),
        ("Northwind Cloud Services LLC", 5), ("Müller Analytics GmbH", 3),
        ("Hooli Services Inc.", 2),
    ]
    assert counts(facets.governing_law) == [
        ("England and Wales", 5), ("New York", 5), ("California", 3), ("Delaware", 2),
        ("Texas", 2),
    ]
    assert [f.value for f in facets.renewal_months] == [
        "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ]
    assert months(facets) == {"2025-11": 1, "2026-01": 1, "2026-05": 1}


def test_counts_follow_the_search(loaded: Portfolio) -> None:
    facets = loaded.facets(ClauseQuery(text="credit"), TODAY)
    assert counts(facets.clause_types) == [("sla", 2), ("penalty", 1)]
    assert counts(facets.parties) == [
        ("Acme Holdings, Inc.", 2), ("Northwind Cloud Services LLC", 2),
        ("Globex Corporation", 1), ("Initech Software Ltd", 1),
    ]
    assert counts(facets.governing_law) == [("New York", 2), ("England and Wales", 1)]


def test_filters_narrow_clauses_and_months(loaded: Portfolio) -> None:
    facets = loaded.facets(ClauseQuery(text="agreement", party="acme"), TODAY)
    assert {f.value for f in facets.parties} >= {"Acme Holdings, Inc."}
    assert "Initech Software Ltd" not in {f.value for f in facets.parties}
    assert months(facets) == {"2025-11": 1, "2026-01": 1}  # MSA and NDA, not the SaaS
    by_law = loaded.facets(ClauseQuery(text="agreement", governing_law="england and wales"),
                           TODAY)
    assert months(by_law) == {"2026-05": 1}
    assert counts(by_law.governing_law) == [("England and Wales", 2)]


def test_a_month_counts_contracts_not_dates(
    store: Portfolio, make_record: Callable[..., ContractRecord]
) -> None:
    weekly = Renewal(auto_renews=True, renewal_term=Duration(count=1, unit=DurationUnit.weeks))
    store.add_many([
        make_record("weekly", expiration_date=date(2025, 5, 31), renewal=weekly),
        make_record("ends-in-june", expiration_date=date(2025, 6, 20)),
    ])
    facets = store.facets(None, TODAY, within_days=45)
    assert [f.value for f in facets.renewal_months] == ["2025-06", "2025-07"]
    assert months(facets) == {"2025-06": 2, "2025-07": 1}


def test_superseded_versions_are_not_counted(
    store: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    newer = msa.model_copy(update={"id": "f" * 64, "governing_law": "Delaware"})
    store.add_many([msa], as_new_versions=True)
    store.add_many([newer], as_new_versions=True)
    facets = store.facets(None, TODAY)
    assert counts(facets.governing_law) == [("Delaware", 5)]
    assert months(facets) == {"2025-11": 1}


def test_empty_portfolio(store: Portfolio) -> None:
    facets = store.facets(None, TODAY, within_days=0)
    assert facets.clause_types == facets.parties == facets.governing_law == []
    assert counts(facets.renewal_months) == [("2025-06", 0)]


def test_negative_window_is_refused(store: Portfolio) -> None:
    with pytest.raises(ValueError, match="within_days"):
        store.facets(None, TODAY, within_days=-1)
