"""A small, realistic portfolio: five contracts of the kinds an IT contract admin holds.

* `msa`: Master Services Agreement (New York), 3-year initial term from 2021-03-01 with no
  stated expiration date, auto-renews yearly, 90 days' notice; SLA clause with "99.9%
  availability" and the phrase "service credit".
* `saas`: SaaS subscription (England and Wales), expires 2024-06-30, auto-renews for 12
  months, 60 days' notice; its SLA clause has "Service" and "credit" far apart.
* `nda`: mutual NDA (Delaware), expires 2026-01-14, does not renew.
* `license`: perpetual software licence (California), German licensor with an umlaut.
* `support`: evergreen managed-support agreement (Texas), runs until terminated.

The fixtures build `ContractRecord`s directly (no PDFs: the portfolio never parses them).

`store` and `loaded` are parametrised over the backends: a test that takes them is a
conformance test, run with the same expectations on SQLite and on Elasticsearch (when
`CONTRACTS_TEST_ES_URL` names a cluster). Tests of one backend's internals take
`sqlite_store`/`sqlite_loaded`, or live under `es/` (the wire tests).
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from portfolio.base import Portfolio
from portfolio.sqlite import SqlitePortfolio
from schemas.record import (
    Clause,
    ClauseType,
    ContractRecord,
    Duration,
    DurationUnit,
    Evidence,
    FieldEvidence,
    Party,
    Renewal,
)
from tests.portfolio.backends import es_test_portfolio

BACKENDS = ["sqlite", "elasticsearch"]

collect_ignore_glob = [] if importlib.util.find_spec("elasticsearch") else ["es/*"]
"""The wire tests need the official client (pinned in requirements.lock; an install
without it, e.g. a trimmed deployment, skips them rather than failing to collect)."""


def record_id(name: str) -> str:
    """A stable fake file hash for a fixture contract."""
    return hashlib.sha256(name.encode()).hexdigest()


class _Doc:
    """Lays clauses out one after another so offsets look like a real document's."""

    def __init__(self) -> None:
        self.offset = 120

    def clause(self, kind: ClauseType, heading: str, text: str, page: int) -> Clause:
        start = self.offset + len(heading) + 1
        self.offset = start + len(text) + 2
        return Clause(
            type=kind, heading=heading, text=text, page=page, start=start, end=start + len(text)
        )


def _msa() -> ContractRecord:
    doc = _Doc()
    notice = (
        "unless either party gives written notice of non-renewal at least ninety (90) days "
        "prior to the end of the then-current term"
    )
    return ContractRecord(
        id=record_id("msa"),
        source="inbox/northwind-msa.pdf",
        filename="northwind-msa.pdf",
        pages=24,
        title="Master Services Agreement",
        parties=[
            Party(name="Acme Holdings, Inc.", role="Customer", aliases=["Acme"]),
            Party(name="Northwind Cloud Services LLC", role="Provider", aliases=["NCS"]),
        ],
        agreement_date=date(2021, 2, 15),
        effective_date=date(2021, 3, 1),
        initial_term=Duration(count=3, unit=DurationUnit.years),
        renewal=Renewal(
            auto_renews=True,
            renewal_term=Duration(count=1, unit=DurationUnit.years),
            notice_period=Duration(count=90, unit=DurationUnit.days),
            notice_evidence=Evidence(page=3, start=4210, end=4210 + len(notice), text=notice),
        ),
        governing_law="New York",
        clauses=[
            doc.clause(
                ClauseType.term_renewal,
                "3. Term and Renewal",
                "This Agreement commences on the Effective Date and continues for an initial "
                "term of three (3) years. Thereafter it renews automatically for successive "
                f"one (1) year renewal terms {notice}.",
                3,
            ),
            doc.clause(
                ClauseType.sla,
                "7. Service Levels",
                "Provider shall make the Services available 99.9% of the time in each calendar "
                "month, excluding Scheduled Maintenance. If Availability falls below 99.9% in "
                "any month, Customer shall receive a service credit equal to ten percent (10%) "
                "of the monthly fees for the affected Service.",
                7,
            ),
            doc.clause(
                ClauseType.penalty,
                "8. Service Credits",
                "Service credits are Customer's sole and exclusive remedy for unavailability. "
                "The aggregate service credits in any month shall not exceed fifty percent "
                "(50%) of the monthly fees (the credit-cap).",
                8,
            ),
            doc.clause(
                ClauseType.liability_cap,
                "12. Limitation of Liability",
                "Except for breaches of confidentiality or indemnification obligations, each "
                "party's aggregate liability shall not exceed the fees paid in the twelve (12) "
                "months preceding the claim. No warranty is given beyond Section 11.",
                14,
            ),
            doc.clause(
                ClauseType.governing_law,
                "15. Governing Law",
                "This Agreement is governed by the laws of the State of New York, without "
                "regard to its conflict of laws principles.",
                19,
            ),
        ],
        extractor_version="test",
    )


def _saas() -> ContractRecord:
    doc = _Doc()
    return ContractRecord(
        id=record_id("saas"),
        source="inbox/initech-saas-subscription.pdf",
        filename="initech-saas-subscription.pdf",
        pages=11,
        title="SaaS Subscription Agreement",
        parties=[
            Party(name="Globex Corporation", role="Customer"),
            Party(name="Initech Software Ltd", role="Supplier", aliases=["Initech"]),
        ],
        effective_date=date(2023, 7, 1),
        expiration_date=date(2024, 6, 30),
        initial_term=Duration(count=12, unit=DurationUnit.months),
        renewal=Renewal(
            auto_renews=True,
            renewal_term=Duration(count=12, unit=DurationUnit.months),
            notice_period=Duration(count=60, unit=DurationUnit.days),
        ),
        governing_law="England and Wales",
        clauses=[
            doc.clause(
                ClauseType.sla,
                "Schedule 2 - Support",
                "Service outages over four hours in a month earn Customer a credit.",
                9,
            ),
            doc.clause(
                ClauseType.term_renewal,
                "2. Subscription Term",
                "The Subscription Term is twelve (12) months from the Effective Date and "
                "renews automatically for further periods of twelve (12) months unless either "
                "party terminates by giving not less than sixty (60) days' written notice "
                "before the end of the current term.",
                2,
            ),
            doc.clause(
                ClauseType.payment,
                "5. Fees and Payment",
                "Fees are invoiced annually in advance and payable within thirty (30) days of "
                "the invoice date. Late payments accrue interest at 1.5% per month.",
                4,
            ),
            doc.clause(
                ClauseType.termination,
                "9. Termination for Convenience",
                "Customer may end this Agreement for convenience on ninety (90) days' written "
                "notice to Supplier.",
                6,
            ),
            doc.clause(
                ClauseType.governing_law,
                "14. Law and Jurisdiction",
                "This Agreement and any dispute arising from it are governed by the law of "
                "England and Wales.",
                10,
            ),
        ],
        extractor_version="test",
    )


def _nda() -> ContractRecord:
    doc = _Doc()
    expiry = "This Agreement expires two (2) years after the Effective Date."
    return ContractRecord(
        id=record_id("nda"),
        source="inbox/globex-nda.pdf",
        filename="globex-nda.pdf",
        pages=4,
        title="Mutual Non-Disclosure Agreement",
        parties=[
            Party(name="Acme Holdings, Inc.", role="Party"),
            Party(name="Globex Corporation", role="Party"),
        ],
        effective_date=date(2024, 1, 15),
        expiration_date=date(2026, 1, 14),
        initial_term=Duration(count=2, unit=DurationUnit.years),
        governing_law="Delaware",
        evidence=FieldEvidence(
            expiration_date=Evidence(page=3, start=2900, end=2900 + len(expiry), text=expiry)
        ),
        clauses=[
            doc.clause(
                ClauseType.confidentiality,
                "2. Confidentiality Obligations",
                "Each party shall hold the other party's Confidential Information in strict "
                "confidence and use it solely to evaluate the Proposed Transaction.",
                1,
            ),
            doc.clause(ClauseType.term_renewal, "6. Term", expiry, 3),
        ],
        extractor_version="test",
    )


def _license() -> ContractRecord:
    doc = _Doc()
    return ContractRecord(
        id=record_id("license"),
        source="inbox/umbrella-perpetual-license.pdf",
        filename="umbrella-perpetual-license.pdf",
        pages=9,
        title="Software License Agreement",
        parties=[
            Party(name="Acme Holdings, Inc.", role="Licensee"),
            Party(name="Müller Analytics GmbH", role="Licensor", aliases=["Licensor"]),
        ],
        effective_date=date(2019, 9, 1),
        perpetual=True,
        governing_law="California",
        clauses=[
            doc.clause(
                ClauseType.other,
                "2. License Grant",
                "Licensor grants Licensee a perpetual, non-exclusive, non-transferable license "
                "to install and use the Software for its internal business purposes.",
                2,
            ),
            doc.clause(
                ClauseType.warranty,
                "7. Warranty",
                "Licensor warrants that the Software will perform substantially in accordance "
                "with the Documentation for ninety (90) days after delivery.",
                5,
            ),
            doc.clause(
                ClauseType.indemnity,
                "8. Indemnification",
                "Licensor shall indemnify and hold harmless Licensee from third-party claims "
                "that the Software infringes any patent or copyright.",
                6,
            ),
        ],
        extractor_version="test",
    )


def _support() -> ContractRecord:
    doc = _Doc()
    return ContractRecord(
        id=record_id("support"),
        source="inbox/hooli-support-evergreen.pdf",
        filename="hooli-support-evergreen.pdf",
        pages=6,
        title="Managed Support Agreement",
        parties=[
            Party(name="Acme Holdings, Inc.", role="Customer"),
            Party(name="Hooli Services Inc.", role="Provider", aliases=["Hooli"]),
        ],
        effective_date=date(2020, 5, 1),
        renewal=Renewal(evergreen=True, notice_period=Duration(count=30, unit=DurationUnit.days)),
        governing_law="Texas",
        clauses=[
            doc.clause(
                ClauseType.termination,
                "4. Termination",
                "This Agreement continues until terminated by either party on thirty (30) "
                "days' written notice.",
                2,
            ),
            doc.clause(
                ClauseType.sla,
                "Exhibit B - Response Times",
                "Provider will respond to support requests within four (4) business hours.",
                5,
            ),
        ],
        extractor_version="test",
    )


CONTRACTS: dict[str, Callable[[], ContractRecord]] = {
    "msa": _msa,
    "saas": _saas,
    "nda": _nda,
    "license": _license,
    "support": _support,
}


@pytest.fixture
def contracts() -> dict[str, ContractRecord]:
    """Fresh fixture records by short name (fresh each test: tests may modify copies)."""
    return {name: build() for name, build in CONTRACTS.items()}


@pytest.fixture
def make_record() -> Callable[..., ContractRecord]:
    """Build a minimal record named `name`, with any field overridden."""

    def make(name: str, **fields: Any) -> ContractRecord:
        values: dict[str, Any] = {
            "id": record_id(name),
            "source": f"inbox/{name}.pdf",
            "filename": f"{name}.pdf",
            "pages": 1,
            "title": name.replace("-", " ").title(),
            "parties": [Party(name="Acme Holdings, Inc.", role="Customer")],
            "extractor_version": "test",
        }
        values.update(fields)
        return ContractRecord(**values)

    return make


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "portfolio.db"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Portfolio]:
    """An empty portfolio on each backend (the conformance suite runs once per backend).

    SQLite always, on a real file; Elasticsearch when `CONTRACTS_TEST_ES_URL` names a
    cluster (see `es_test_portfolio`), skipped with that reason otherwise.
    """
    if request.param == "sqlite":
        with SqlitePortfolio(tmp_path / "data" / "portfolio.db") as portfolio:
            yield portfolio
    else:
        with es_test_portfolio() as portfolio:
            yield portfolio


@pytest.fixture
def loaded(store: Portfolio, contracts: dict[str, ContractRecord]) -> Portfolio:
    """The portfolio holding all five fixture contracts (on each backend)."""
    store.add_many(contracts.values())
    return store


@pytest.fixture
def sqlite_store(db_path: Path) -> Iterator[SqlitePortfolio]:
    """An empty portfolio on a real SQLite file (for tests of the SQLite backend itself)."""
    with SqlitePortfolio(db_path) as portfolio:
        yield portfolio


@pytest.fixture
def sqlite_loaded(
    sqlite_store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> SqlitePortfolio:
    """The SQLite portfolio holding all five fixture contracts."""
    sqlite_store.add_many(contracts.values())
    return sqlite_store
