"""The Elasticsearch portfolio backend: the `Portfolio` interface for clusters of 8.x and 9.x.

For organisations that already run Elasticsearch and hold more contracts, users and
searches than one machine's SQLite file serves. Point the program at the cluster with
`CONTRACTS_STORE=https://host:9200` (or `CONTRACTS_STORE=elasticsearch` and
`CONTRACTS_ES_URL`), credentials in `CONTRACTS_ES_API_KEY` or `CONTRACTS_ES_USERNAME`/
`CONTRACTS_ES_PASSWORD`; see `config` for the rest and the README, "Scaling out".

The official client must be installed with the cluster's major version:
`pip install 'elasticsearch>=9,<10'` for 9.x, `pip install 'elasticsearch>=8.13,<9'` for
8.x. Nothing here is imported until a store URL names Elasticsearch, so installations
without the client lose nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portfolio.errors import UnsupportedStore

if TYPE_CHECKING:
    from portfolio.elasticsearch.store import ElasticsearchPortfolio


SCHEMES = {"elasticsearch": "https", "es": "https", "https": "https", "http": "http"}
"""Store URL schemes that mean a cluster, and the HTTP scheme each stands for."""


def cluster_url(store_url: str) -> str | None:
    """The cluster's http(s) URL if `store_url` names Elasticsearch, else None."""
    scheme, separator, rest = store_url.partition("://")
    http = SCHEMES.get(scheme.lower()) if separator else None
    return f"{http}://{rest}" if http else None


def open_elasticsearch(url: str) -> ElasticsearchPortfolio:
    """The portfolio on the cluster at `url`, configured from `CONTRACTS_ES_*` settings."""
    try:
        import elasticsearch  # noqa: F401 - only to give a clear message when it is missing
    except ImportError:
        raise UnsupportedStore(
            "the Elasticsearch store needs the official client: pip install "
            "'elasticsearch>=9,<10' (9.x clusters) or 'elasticsearch>=8.13,<9' (8.x clusters)"
        ) from None
    from portfolio.elasticsearch.config import load_config
    from portfolio.elasticsearch.store import ElasticsearchPortfolio

    return ElasticsearchPortfolio(load_config(url))


__all__ = ["SCHEMES", "cluster_url", "open_elasticsearch"]
