"""`contracts es reindex` on the wire: new generation, writes paused, atomic alias swap."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from contracts.cli import app
from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import connect
from portfolio.elasticsearch.errors import ReindexError
from portfolio.elasticsearch.mappings import KINDS
from portfolio.elasticsearch.reindex import Reindexer, prune
from schemas.record import ContractRecord
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import ALIASES, NAMES, serve_bulk, serve_search, source_of
from tests.portfolio.es.fake_es_api import RecordingEsApi

PATTERNS = ",".join(NAMES.pattern(kind) for kind in KINDS)
OLD = [NAMES.index(kind, 1) for kind in KINDS]
NEW = [NAMES.index(kind, 2) for kind in KINDS]


def serve_cluster(fake: RecordingEsApi, records: list[ContractRecord]) -> None:
    """Generation 1 in place, holding `records`, one alert, no lead-time override, one
    correction."""
    fake.route("PUT", "/_index_template/.*", answers.acknowledged())
    fake.route("GET", f"/{ALIASES}", answers.all_indices(NAMES))
    fake.route("GET", "/" + re.escape(PATTERNS), answers.all_indices(NAMES))
    fake.route("PUT", "/contracts-[a-z-]+-v2", lambda r: answers.index_created(r.path[1:]))
    fake.route("PUT", "/.*/_settings", answers.acknowledged())
    fake.route("PUT", "/.*/_block/write", lambda r: answers.blocked(r.path.split("/")[1]))
    fake.route("POST", "/.*/_refresh", answers.refreshed())
    fake.route("POST", "/_aliases", answers.acknowledged())
    fake.route("DELETE", "/.*", answers.acknowledged())
    ordered = sorted(records, key=lambda r: r.id)
    serve_search(fake, "records", answers.search([
        answers.hit("contracts-records", r.id, source_of(r), None, sort=[r.id]) for r in ordered]))
    alert = {"key": "k1", "record_id": "a" * 64, "deadline": "2025-11-30", "lead_days": 90,
             "channel": "slack:9c1", "sent_at": "2025-09-01T07:30:00+00:00"}
    serve_search(fake, "alerts", answers.search([
        answers.hit("contracts-alerts", "k1", alert, None, sort=["k1"])]))
    serve_search(fake, "lead-days", answers.search([]))
    key = f"{'a' * 64}:renewal.notice_period"
    correction = {"key": key, "record_id": "a" * 64, "field": "renewal.notice_period",
                  "value": {"count": 90, "unit": "days"}, "extracted": {"count": 60,
                  "unit": "days"}, "by": "alice", "at": "2025-09-01T07:30:00+00:00",
                  "note": None}
    serve_search(fake, "corrections", answers.search([
        answers.hit("contracts-corrections", key, correction, None, sort=[key])]))
    fake.route("POST", "/contracts-records/_count", answers.count(len(records)))
    fake.route("POST", "/contracts-alerts/_count", answers.count(1))
    fake.route("POST", "/contracts-lead-days/_count", answers.count(0))
    fake.route("POST", "/contracts-corrections/_count", answers.count(1))
    serve_bulk(fake)


def reindexer(config: EsConfig) -> Reindexer:
    client, retry, _ = connect(config)
    return Reindexer(client, NAMES, retry, config)


def test_reindex_builds_generation_2_and_swaps_atomically(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["msa"], contracts["nda"]])
    report = reindexer(config).run()
    assert report.generation == 2
    assert report.documents == {"records": 2, "clauses": 7, "alerts": 1, "lead-days": 0,
                                "corrections": 1}
    assert report.swapped["contracts-records"] == ("contracts-records-v1", "contracts-records-v2")

    created = fake.sent("PUT", "/contracts-[a-z-]+-v2")
    assert [r.path[1:] for r in created] == NEW
    assert all(r.json() == {"settings": {"index": {"refresh_interval": "-1"}}} for r in created)

    assert [r.path for r in fake.sent("PUT", "/.*/_block/write")] == [
        f"/{','.join(OLD)}/_block/write"]
    settings = [(r.path, r.json()) for r in fake.sent("PUT", "/.*/_settings")]
    assert settings == [
        (f"/{','.join(NEW)}/_settings", {"index.refresh_interval": None}),
        (f"/{','.join(OLD)}/_settings", {"index.blocks.write": None}),
    ]
    swap = fake.sent("POST", "/_aliases")
    assert len(swap) == 1, "one request: readers see the old generation or the new, never a mix"
    assert swap[0].json() == {"actions": [
        action for kind in KINDS for action in (
            {"remove": {"index": NAMES.index(kind, 1), "alias": NAMES.alias(kind)}},
            {"add": {"index": NAMES.index(kind, 2), "alias": NAMES.alias(kind)}})]}

    lines = [line for r in fake.sent("PUT", "/_bulk") for line in r.ndjson()]
    targets = {next(iter(a.values()))["_index"] for a in answers.actions_of(lines)}
    assert targets == {"contracts-records-v2", "contracts-clauses-v2", "contracts-alerts-v2",
                       "contracts-corrections-v2"}
    copied = fake.sent("POST", "/contracts-corrections/_search")[0].json()
    assert copied["sort"] == [{"key": "asc"}], "search_after needs a unique sort key"
    order = [r.path for r in fake.requests]
    assert order.index(f"/{','.join(OLD)}/_block/write") < order.index(
        "/contracts-records/_search")
    assert order.index("/contracts-records/_search") < order.index("/_aliases")
    assert fake.sent("DELETE") == [], "the old generation is kept"


def test_a_rejected_document_leaves_everything_as_it_was(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])

    def reject(action: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if "alerts" not in str(action):
            return None
        return 400, {"type": "strict_dynamic_mapping_exception",
                     "reason": "[1:2] mapping set to strict, dynamic introduction of [x] "
                               "within [_doc] is not allowed"}

    serve_bulk(fake, reject)
    with pytest.raises(ReindexError, match="strict_dynamic_mapping_exception"):
        reindexer(config).run()
    assert fake.sent("POST", "/_aliases") == []
    assert [r.path for r in fake.sent("DELETE")] == [f"/{','.join(NEW)}"]
    assert fake.sent("PUT", "/.*/_settings")[-1].json() == {"index.blocks.write": None}


def test_missing_documents_stop_the_swap(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    fake.route("POST", "/contracts-records/_count", answers.count(2))
    with pytest.raises(ReindexError, match="holds 2 documents but 1 were copied"):
        reindexer(config).run()
    assert fake.sent("POST", "/_aliases") == []


def test_prune_deletes_generations_no_alias_uses(
    fake: RecordingEsApi, config: EsConfig
) -> None:
    serve_cluster(fake, [])
    fake.route("GET", f"/{ALIASES}", answers.all_indices(NAMES, generation=2))
    both = {**answers.all_indices(NAMES, generation=1, alias=False),
            **answers.all_indices(NAMES, generation=2)}
    fake.route("GET", "/" + re.escape(PATTERNS), both)
    client, retry, _ = connect(config)
    assert prune(client, NAMES, retry) == OLD
    assert [r.path for r in fake.sent("DELETE")] == [f"/{','.join(OLD)}"]


def test_cli_reindex(fake: RecordingEsApi, contracts: dict[str, ContractRecord],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    serve_cluster(fake, [contracts["nda"]])
    monkeypatch.setenv("CONTRACTS_STORE", "elasticsearch")
    monkeypatch.setenv("CONTRACTS_ES_URL", fake.url)
    result = CliRunner().invoke(app, ["es", "reindex"])
    assert result.exit_code == 0, result.output
    assert "contracts-records: contracts-records-v1 → contracts-records-v2" in result.output
    assert "contracts es prune" in result.output


def test_cli_refuses_a_sqlite_store(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTRACTS_STORE", raising=False)
    result = CliRunner().invoke(app, ["es", "status", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "not on Elasticsearch" in result.output


def test_cli_status(fake: RecordingEsApi, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_cluster(fake, [])
    fake.route("POST", "/contracts-clauses/_count", answers.count(0))
    monkeypatch.setenv("CONTRACTS_STORE", fake.url)
    result = CliRunner().invoke(app, ["es", "status", "--json"])
    assert result.exit_code == 0, result.output
    assert '"alias": "contracts-records"' in result.output
    assert '"index": "contracts-records-v1"' in result.output
