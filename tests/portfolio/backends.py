"""Portfolios on the backends other than SQLite, for the conformance suite.

Kept out of conftest.py so the fixture file stays about contracts, not connections.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from portfolio.base import Portfolio


@contextmanager
def es_test_portfolio() -> Iterator[Portfolio]:
    """A portfolio on the cluster at `CONTRACTS_TEST_ES_URL`, in indices of its own.

    Credentials: `CONTRACTS_TEST_ES_API_KEY`, or `CONTRACTS_TEST_ES_USERNAME` and
    `CONTRACTS_TEST_ES_PASSWORD`; TLS: `CONTRACTS_TEST_ES_CA_CERTS`. Each test gets a
    unique index prefix, deleted afterwards with its templates. Writes wait for refresh
    (`refresh=True`), as an interactive user's would.
    """
    url = os.environ.get("CONTRACTS_TEST_ES_URL")
    if not url:
        pytest.skip("CONTRACTS_TEST_ES_URL is not set: the Elasticsearch conformance run "
                    "needs a cluster (`make test-es`)")
    from portfolio.elasticsearch.config import EsConfig
    from portfolio.elasticsearch.mappings import KINDS
    from portfolio.elasticsearch.store import ElasticsearchPortfolio

    env = os.environ.get
    config = EsConfig(
        url=url,
        api_key=env("CONTRACTS_TEST_ES_API_KEY") or None,
        username=env("CONTRACTS_TEST_ES_USERNAME") or None,
        password=env("CONTRACTS_TEST_ES_PASSWORD") or None,
        ca_certs=env("CONTRACTS_TEST_ES_CA_CERTS") or None,
        index_prefix=f"contracts-test-{uuid.uuid4().hex[:12]}",
        refresh=True,
    )
    portfolio = ElasticsearchPortfolio(config)
    client = portfolio.client
    try:
        yield portfolio
    finally:
        names = list(client.indices.get(index=f"{config.index_prefix}-*"))
        if names:
            client.indices.delete(index=names)
        for kind in KINDS:
            client.indices.delete_index_template(name=f"{config.index_prefix}-{kind}")
        portfolio.close()
