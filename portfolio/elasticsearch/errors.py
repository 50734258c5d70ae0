"""What can go wrong with the Elasticsearch store, each in words a contract admin can act on.

All are `PortfolioError`s, so the CLI and the flows report them like any store problem.
None carries a credential: messages name the cluster by its URL (which never holds
credentials, see `config`) and quote Elasticsearch's own reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.errors import PortfolioError
from portfolio.models import AddOutcome


class EsConfigError(PortfolioError):
    """The connection settings are incomplete or unsafe (e.g. a password in the URL).

    Deliberately not a ValueError: pydantic would wrap it in a ValidationError whose text
    repeats the input, credentials included.
    """


class ClusterUnreachable(PortfolioError):
    """No answer from the cluster (network, TLS, timeouts), after the retries."""


class ClusterRefused(PortfolioError):
    """The cluster answered, but refused: wrong credentials (401) or missing privileges (403)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class IncompatibleCluster(PortfolioError):
    """Not an Elasticsearch, or one whose major version does not match the Python client's."""


class IndexOutdated(PortfolioError):
    """The live indices were made by another version of this program's mappings."""


class ReindexError(PortfolioError):
    """`contracts es reindex` stopped; the aliases still point at the old indices."""


@dataclass(frozen=True)
class RejectedRecord:
    """One contract Elasticsearch would not store, and why (its own words)."""

    record_id: str
    filename: str
    reason: str

    def __str__(self) -> str:
        return f"{self.filename} ({self.record_id[:12]}): {self.reason}"


class RecordsRejected(PortfolioError):
    """Some contracts of a batch were not stored; the others were.

    Elasticsearch has no transactions across documents: a batch is stored contract by
    contract. A rejected contract is left as it was before the batch (not stored, or its
    previous version); `outcomes` has None in its place. Re-running the batch is safe
    (stored contracts come back `unchanged`).
    """

    def __init__(self, rejected: list[RejectedRecord], outcomes: list[AddOutcome | None]) -> None:
        self.rejected = rejected
        self.outcomes = outcomes
        stored = sum(outcome is not None for outcome in outcomes)
        listed = "; ".join(str(r) for r in rejected[:10])
        more = f"; and {len(rejected) - 10} more" if len(rejected) > 10 else ""
        super().__init__(
            f"{len(rejected)} contract(s) were not stored ({stored} were): {listed}{more}"
        )
