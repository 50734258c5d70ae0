"""Opening an Elasticsearch portfolio: cluster checks, index bootstrap, clear refusals.

Wire tests: the official client against the recording fake (tests/portfolio/es/fake_es_api.py).
"""

from __future__ import annotations

import logging

import pytest

from portfolio import open_portfolio
from portfolio.elasticsearch import connection
from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import CLIENT_MAJOR, EsRequestFailed
from portfolio.elasticsearch.errors import (
    ClusterRefused,
    ClusterUnreachable,
    IncompatibleCluster,
    IndexOutdated,
)
from portfolio.elasticsearch.mappings import KINDS, MAPPING_VERSION
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from portfolio.errors import SchemaTooNew
from tests.alert_fixtures import free_port
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import ALIASES, NAMES, SERVER_VERSION, serve_existing_indices
from tests.portfolio.es.fake_es_api import RecordingEsApi, Reply


def test_open_checks_version_then_looks_up_the_aliases(
    fake: RecordingEsApi, config: EsConfig
) -> None:
    serve_existing_indices(fake)
    with ElasticsearchPortfolio(config) as portfolio:
        assert portfolio.server_version == SERVER_VERSION
        assert portfolio.indices == {kind: NAMES.index(kind, 1) for kind in KINDS}
    info, lookup = fake.requests
    assert (info.method, info.path) == ("GET", "/")
    assert (lookup.method, lookup.path) == ("GET", f"/{ALIASES}")
    assert lookup.query == {"ignore_unavailable": "true", "allow_no_indices": "true"}
    assert info.headers["accept"] == (
        f"application/vnd.elasticsearch+json; compatible-with={CLIENT_MAJOR}"
    )


def test_empty_cluster_gets_templates_then_indices_behind_aliases(
    fake: RecordingEsApi, config: EsConfig
) -> None:
    fake.route("GET", f"/{ALIASES}", {}, answers.all_indices(NAMES))
    fake.route("PUT", "/_index_template/.*", answers.acknowledged())
    fake.route("PUT", "/contracts-[a-z-]+-v1", lambda r: answers.index_created(r.path[1:]))
    with ElasticsearchPortfolio(config):
        pass
    templates = fake.sent("PUT", "/_index_template/.*")
    assert [r.path for r in templates] == [f"/_index_template/contracts-{k}" for k in KINDS]
    records = templates[0].json()
    assert records["index_patterns"] == ["contracts-records-v*"]
    assert records["priority"] == 200
    assert records["_meta"] == {"owner": "contract-intel", "kind": "records",
                                "mapping_version": MAPPING_VERSION}
    assert records["template"]["settings"]["number_of_shards"] == 1
    for template in templates:
        assert template.json()["template"]["mappings"]["dynamic"] == "strict"
    created = fake.sent("PUT", "/contracts-[a-z-]+-v1")
    assert [(r.path, r.json()) for r in created] == [
        (f"/contracts-{k}-v1", {"aliases": {f"contracts-{k}": {}}}) for k in KINDS
    ]


def test_racing_creation_is_fine(fake: RecordingEsApi, config: EsConfig) -> None:
    """Another process created the index a moment earlier: its answer is not an error."""
    fake.route("GET", f"/{ALIASES}", {}, answers.all_indices(NAMES))
    fake.route("PUT", "/_index_template/.*", answers.acknowledged())
    fake.route("PUT", "/contracts-[a-z-]+-v1", answers.error(
        400, "resource_already_exists_exception", "index [contracts-records-v1/x] already exists",
        index="contracts-records-v1"))
    with ElasticsearchPortfolio(config) as portfolio:
        assert portfolio.indices["records"] == "contracts-records-v1"


def test_outdated_mappings_ask_for_a_reindex(fake: RecordingEsApi, config: EsConfig) -> None:
    serve_existing_indices(fake, mapping_version=MAPPING_VERSION - 1)
    with pytest.raises(IndexOutdated, match="contracts es reindex"):
        ElasticsearchPortfolio(config)


def test_mappings_of_a_newer_program_are_refused(fake: RecordingEsApi, config: EsConfig) -> None:
    serve_existing_indices(fake, mapping_version=MAPPING_VERSION + 1)
    with pytest.raises(SchemaTooNew, match="upgrade"):
        ElasticsearchPortfolio(config)


def test_other_major_version_is_refused_with_the_pin(
    fake: RecordingEsApi, config: EsConfig
) -> None:
    other = 8 if CLIENT_MAJOR == 9 else 9
    fake.route("GET", "/", answers.info(f"{other}.15.2"))
    with pytest.raises(IncompatibleCluster) as raised:
        ElasticsearchPortfolio(config)
    message = str(raised.value)
    assert f"{other}.15.2" in message
    assert "major version must match" in message
    assert {8: "elasticsearch>=8.13,<9", 9: "elasticsearch>=9,<10"}[other] in message


@pytest.mark.parametrize("client_major", [8, CLIENT_MAJOR])
@pytest.mark.parametrize("version", ["8.0.0", "8.14.3"])
def test_clusters_older_than_8_15_are_refused_with_the_minimum(
    fake: RecordingEsApi, config: EsConfig, monkeypatch: pytest.MonkeyPatch, version: str,
    client_major: int,
) -> None:
    """Prefix terms would get no highlight marks there (`matched_fields`, unified: 8.15)."""
    monkeypatch.setattr(connection, "CLIENT_MAJOR", client_major)
    fake.route("GET", "/", answers.info(version))
    with pytest.raises(IncompatibleCluster) as raised:
        ElasticsearchPortfolio(config)
    message = str(raised.value)
    assert f"is {version}; contract-intel needs Elasticsearch 8.15 or later" in message
    assert "rolling upgrade" in message and connection.UPGRADE_GUIDE in message
    assert "elasticsearch>=8.13,<9" in message and "elasticsearch>=9,<10" in message
    assert [r.path for r in fake.requests] == ["/"], "refused before any index is touched"


@pytest.mark.parametrize("version", ["8.15.0", "8.19.3"])
def test_clusters_from_8_15_are_served(
    fake: RecordingEsApi, config: EsConfig, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    monkeypatch.setattr(connection, "CLIENT_MAJOR", 8)  # as with the 8.x client they need
    fake.route("GET", "/", answers.info(version))
    serve_existing_indices(fake)
    with ElasticsearchPortfolio(config) as portfolio:
        assert portfolio.server_version == version


def test_media_type_rejection_is_a_version_mismatch(
    fake: RecordingEsApi, config: EsConfig, sleeps: list[float]
) -> None:
    """An 8.x cluster answers a 9.x client 400 media_type_header_exception on every call."""
    fake.route("GET", "/", answers.media_type_rejected())
    with pytest.raises(IncompatibleCluster, match="major version must match") as raised:
        ElasticsearchPortfolio(config)
    assert "Accept version must be either version 8 or 7" in str(raised.value)
    assert sleeps == [], "not retried"


def test_a_server_that_is_not_elasticsearch_is_refused(
    fake: RecordingEsApi, config: EsConfig
) -> None:
    fake.route("GET", "/", Reply(body=answers.info(SERVER_VERSION), product=False))
    with pytest.raises(IncompatibleCluster, match="X-Elastic-Product"):
        ElasticsearchPortfolio(config)


def test_wrong_credentials(fake: RecordingEsApi, config: EsConfig) -> None:
    fake.route("GET", "/", answers.error(
        401, "security_exception", "unable to authenticate user [contracts] for REST request [/]",
        header={"WWW-Authenticate": ["Basic realm=\"security\" charset=\"UTF-8\""]}))
    with pytest.raises(ClusterRefused, match="did not accept the credentials") as raised:
        ElasticsearchPortfolio(config)
    assert raised.value.status == 401


def test_no_monitor_privilege_skips_the_version_check(
    fake: RecordingEsApi, config: EsConfig, caplog: pytest.LogCaptureFixture
) -> None:
    fake.route("GET", "/", answers.error(
        403, "security_exception", "action [cluster:monitor/main] is unauthorized for API key"))
    serve_existing_indices(fake)
    with caplog.at_level(logging.WARNING), ElasticsearchPortfolio(config) as portfolio:
        assert portfolio.server_version is None
    assert "monitor privilege" in caplog.text


def test_missing_index_privilege_says_what_is_needed(
    fake: RecordingEsApi, config: EsConfig
) -> None:
    fake.route("GET", f"/{ALIASES}", answers.error(
        403, "security_exception", "action [indices:admin/get] is unauthorized for user [x]"))
    with pytest.raises(ClusterRefused, match="Scaling out"):
        ElasticsearchPortfolio(config)


def test_overloaded_cluster_is_retried_with_backoff(
    fake: RecordingEsApi, config: EsConfig, sleeps: list[float]
) -> None:
    too_many = answers.error(429, "es_rejected_execution_exception",
                             "rejected execution of coordinating operation")
    unavailable = answers.error(503, "cluster_block_exception",
                                "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered];")
    fake.route("GET", "/", too_many, unavailable, answers.info(SERVER_VERSION))
    serve_existing_indices(fake)
    with ElasticsearchPortfolio(config):
        pass
    assert len(fake.sent("GET", "/")) == 3
    assert len(sleeps) == 2
    assert 0.4 <= sleeps[0] <= 0.5 and 0.8 <= sleeps[1] <= 1.0  # doubling, a little jitter


def test_retries_give_up_with_the_reason(
    fake: RecordingEsApi, config: EsConfig, sleeps: list[float]
) -> None:
    fake.route("GET", "/", answers.error(503, "unavailable_shards_exception", "primary shard"))
    with pytest.raises(EsRequestFailed, match="503: unavailable_shards_exception"):
        ElasticsearchPortfolio(config)
    assert len(fake.sent("GET", "/")) == 3  # max_retries=2


def test_unreachable_cluster(sleeps: list[float]) -> None:
    config = EsConfig(url=f"http://127.0.0.1:{free_port()}", max_retries=1)
    with pytest.raises(ClusterUnreachable, match=r"no answer from Elasticsearch .* 2 attempt"):
        ElasticsearchPortfolio(config)
    assert len(sleeps) == 1


def test_slow_answer_times_out_and_is_retried(fake: RecordingEsApi) -> None:
    config = EsConfig(url=fake.url, max_retries=1, request_timeout=0.2)
    fake.route("GET", "/", Reply(body=answers.info(SERVER_VERSION), delay=1.0),
               answers.info(SERVER_VERSION))
    serve_existing_indices(fake)
    with ElasticsearchPortfolio(config):
        pass
    assert len(fake.sent("GET", "/")) == 2


@pytest.mark.parametrize("scheme", ["http", "elasticsearch", "es", "https"])
def test_store_urls_name_the_backend(
    scheme: str, monkeypatch: pytest.MonkeyPatch, fake: RecordingEsApi
) -> None:
    """`open_portfolio` hands Elasticsearch URLs to this backend (`elasticsearch://` = https)."""
    opened: list[str] = []
    monkeypatch.setattr("portfolio.elasticsearch.open_elasticsearch", opened.append)
    open_portfolio(f"{scheme}://es.example.com:9200")
    expected = "http" if scheme == "http" else "https"
    assert opened == [f"{expected}://es.example.com:9200"]


def test_open_portfolio_reads_the_settings(
    fake: RecordingEsApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTRACTS_ES_INDEX_PREFIX", "acme-contracts")
    monkeypatch.setenv("CONTRACTS_ES_MAX_RETRIES", "0")
    fake.route("GET", "/" + ",".join(f"acme-contracts-{k}" for k in KINDS), {
        f"acme-contracts-{k}-v1": {"aliases": {f"acme-contracts-{k}": {}},
                                   "mappings": {"_meta": {"mapping_version": MAPPING_VERSION}}}
        for k in KINDS})
    with open_portfolio(fake.url) as portfolio:
        assert isinstance(portfolio, ElasticsearchPortfolio)
        assert portfolio.indices["clauses"] == "acme-contracts-clauses-v1"
        assert repr(portfolio) == f"ElasticsearchPortfolio({fake.url!r}, prefix='acme-contracts')"


def test_store_elasticsearch_needs_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from contracts.settings import load_settings
    from portfolio.errors import UnsupportedStore

    monkeypatch.setenv("CONTRACTS_STORE", "elasticsearch")
    monkeypatch.delenv("CONTRACTS_ES_URL", raising=False)
    with pytest.raises(UnsupportedStore, match="CONTRACTS_ES_URL"):
        _ = load_settings().store_url
    monkeypatch.setenv("CONTRACTS_ES_URL", "es.example.com:9200")
    assert load_settings().store_url == "https://es.example.com:9200"
