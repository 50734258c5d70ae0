"""Fixtures of the wire tests: the recording fake, a portfolio opened on it, instant retries."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.documents import record_document
from portfolio.elasticsearch.mappings import IndexNames
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from schemas.record import ContractRecord
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.fake_es_api import CLIENT_MAJOR, RecordingEsApi, Reply, Request

SERVER_VERSION = f"{CLIENT_MAJOR}.1.0"
NAMES = IndexNames("contracts")
ALIASES = ",".join(NAMES.aliases)
ADDED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff waits, recorded instead of slept (retries and the bulk helper use time.sleep)."""
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


@pytest.fixture
def fake(sleeps: list[float]) -> Iterator[RecordingEsApi]:
    """The recording fake, answering `GET /` like a cluster of the client's major version."""
    with RecordingEsApi() as api:
        api.route("GET", "/", answers.info(SERVER_VERSION))
        yield api


@pytest.fixture
def config(fake: RecordingEsApi) -> EsConfig:
    return EsConfig(url=fake.url, max_retries=2, retry_backoff=0.5, request_timeout=5)


def serve_existing_indices(fake: RecordingEsApi, **options: Any) -> None:
    """Answer the opening look-up with all four aliases in place (generation 1)."""
    fake.route("GET", f"/{ALIASES}", answers.all_indices(NAMES, **options))


@pytest.fixture
def opened(fake: RecordingEsApi, config: EsConfig) -> Iterator[ElasticsearchPortfolio]:
    """A portfolio opened on the fake (indices already there); requests so far forgotten."""
    serve_existing_indices(fake)
    portfolio = ElasticsearchPortfolio(config)
    fake.requests.clear()
    try:
        yield portfolio
    finally:
        portfolio.close()


def source_of(record: ContractRecord, added: datetime = ADDED) -> dict[str, Any]:
    """The records-index `_source` the backend would have stored for `record`."""
    return record_document(record, added_at=added, updated_at=added)


def serve_mget(fake: RecordingEsApi, sources: dict[str, dict[str, Any]],
               kind: str = "records") -> None:
    """`_mget` on one alias answers from `sources` (id -> _source); other ids not found."""
    alias = NAMES.alias(kind)

    def answer(request: Request) -> dict[str, Any]:
        return answers.mget(alias, request.json()["ids"], sources)

    fake.route("POST", f"/{alias}/_mget", answer)


def serve_bulk(
    fake: RecordingEsApi,
    reject: Callable[[dict[str, Any]], tuple[int, dict[str, Any]] | None] = lambda a: None,
) -> None:
    """`_bulk` answers every action as done, except those `reject` returns (status, error) for."""

    def answer(request: Request) -> dict[str, Any]:
        items = []
        for action in answers.actions_of(request.ndjson()):
            rejected = reject(action)
            if rejected is None:
                items.append(answers.bulk_item(action))
            else:
                items.append(answers.bulk_item(action, rejected[0], rejected[1]))
        return answers.bulk(items)

    fake.route("PUT", "/_bulk", answer)
    fake.route("POST", "/_bulk", answer)


def serve_search(fake: RecordingEsApi, kind: str, *pages: dict[str, Any] | Reply) -> None:
    fake.route("POST", f"/{NAMES.alias(kind)}/_search", *pages)
