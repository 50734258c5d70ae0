"""The portfolio: every extracted contract record, searchable, with its upcoming deadlines.

Open one with `open_portfolio(url_or_path)`; the rest of the program only sees the
`Portfolio` interface and the models in `portfolio.models`.

Store URLs:
* a file path, or `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (the
  SQLAlchemy convention: the path is whatever follows the third slash): embedded SQLite;
* `https://host:9200`, `http://host:9200`, or `elasticsearch://host:9200` / `es://…` (which
  mean HTTPS): an Elasticsearch cluster, see `portfolio.elasticsearch` (credentials and TLS
  settings come from `CONTRACTS_ES_*`, never from the URL).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from portfolio.base import Portfolio
from portfolio.errors import (
    PortfolioError,
    QuerySyntaxError,
    SchemaTooNew,
    UnknownRecord,
    UnsupportedStore,
)
from portfolio.models import (
    AddOutcome,
    AlertEntry,
    ClauseHit,
    ClauseQuery,
    DeadlineKind,
    DeadlineRow,
    FacetCount,
    Facets,
    Highlight,
    SearchResult,
    TermState,
    TermStatus,
)


def _open_sqlite(location: str) -> Portfolio:
    from portfolio.sqlite import SqlitePortfolio

    if not location:
        raise UnsupportedStore(
            "sqlite:/// needs a file path, e.g. sqlite:///contracts-data/portfolio.db"
        )
    return SqlitePortfolio(location)


def _elasticsearch(scheme: str) -> Callable[[str], Portfolio]:
    """Opener for one URL scheme; the backend (and its client) is imported only when used."""

    def open_cluster(location: str) -> Portfolio:
        from portfolio.elasticsearch import open_elasticsearch

        if not location.strip("/"):
            raise UnsupportedStore("an Elasticsearch store URL needs a host: https://host:9200")
        return open_elasticsearch(f"{scheme}://{location}")

    return open_cluster


_BACKENDS: dict[str, Callable[[str], Portfolio]] = {
    "sqlite": _open_sqlite,
    "elasticsearch": _elasticsearch("https"),  # schemes as in portfolio.elasticsearch.SCHEMES
    "es": _elasticsearch("https"),
    "https": _elasticsearch("https"),
    "http": _elasticsearch("http"),
}


def open_portfolio(url_or_path: str | Path) -> Portfolio:
    """The portfolio at a store URL or file path (a plain path means SQLite)."""
    if isinstance(url_or_path, Path) or "://" not in url_or_path:
        return _open_sqlite(str(url_or_path))
    scheme, _, rest = url_or_path.partition("://")
    backend = _BACKENDS.get(scheme.lower())
    if backend is None:
        known = ", ".join(f"{name}://" for name in sorted(_BACKENDS))
        raise UnsupportedStore(
            f"unknown portfolio store {url_or_path!r}: this installation supports a file "
            f"path or {known}"
        )
    if scheme.lower() == "sqlite":
        rest = rest.removeprefix("/")  # sqlite:///x.db -> "x.db"; sqlite:////abs -> "/abs"
    return backend(rest)


__all__ = [
    "AddOutcome",
    "AlertEntry",
    "ClauseHit",
    "ClauseQuery",
    "DeadlineKind",
    "DeadlineRow",
    "FacetCount",
    "Facets",
    "Highlight",
    "Portfolio",
    "PortfolioError",
    "QuerySyntaxError",
    "SchemaTooNew",
    "SearchResult",
    "TermState",
    "TermStatus",
    "UnknownRecord",
    "UnsupportedStore",
    "open_portfolio",
]
