"""`contracts es reindex` on the wire: new generation, writes paused, atomic alias swap."""

from __future__ import annotations

import logging
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
from tests.portfolio.es.fake_es_api import RecordingEsApi, Reply, Request

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

    assert all("require_alias" not in r.query for r in fake.sent("PUT", "/_bulk")), (
        "the new generation is written by its index names: no alias points there yet")
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


def test_a_bulk_request_failing_with_5xx_or_a_timeout_is_retried_not_the_end_of_the_reindex(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord],
    sleeps: list[float],
) -> None:
    """The copy is the longest part of a reindex: a passing 503 (a shard relocating) or a
    slow answer is retried with backoff like every other request, not a rolled-back run."""
    serve_cluster(fake, [contracts["nda"]])
    answered: list[int] = []

    def flaky(request: Request) -> Reply | dict[str, Any]:
        answered.append(1)
        if len(answered) == 1:
            return answers.error(503, "unavailable_shards_exception", "primary shard is not active")
        if len(answered) == 2:
            return Reply(body=answers.bulk([]), delay=1.0)  # the client gives up at 0.3 s
        return answers.bulk([answers.bulk_item(a) for a in answers.actions_of(request.ndjson())])

    fake.route("PUT", "/_bulk", flaky)
    report = reindexer(config.model_copy(update={"bulk_timeout": 0.3})).run()
    assert report.generation == 2 and len(fake.sent("POST", "/_aliases")) == 1
    bulks = fake.sent("PUT", "/_bulk")
    assert bulks[0].body == bulks[1].body == bulks[2].body, "the same chunk, sent again"
    assert len(sleeps) == 2 and all(0 < pause <= 1.0 for pause in sleeps), "a backoff each"
    assert fake.sent("DELETE") == []


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


# --- failures: undo exactly what the run did ---------------------------------------------

OLD_PATH = "/" + ",".join(OLD)
UNBLOCK = {"index.blocks.write": None}


def old_settings(fake: RecordingEsApi) -> list[dict[str, Any]]:
    """The settings sent to the old generation (the write block lifted, or not)."""
    return [r.json() for r in fake.sent("PUT", re.escape(OLD_PATH) + "/_settings")]


def test_a_refresh_failure_after_the_block_lifts_it_and_deletes_the_new_indices(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    fake.route("POST", re.escape(OLD_PATH) + "/_refresh",
               answers.error(503, "unavailable_shards_exception", "primary shard is not active"))
    with pytest.raises(ReindexError, match=r"nothing changed.*unavailable_shards_exception"):
        reindexer(config).run()
    assert len(fake.sent("PUT", re.escape(OLD_PATH) + "/_block/write")) == 1
    assert old_settings(fake) == [UNBLOCK], "writers are not left facing a read-only portfolio"
    assert [r.path for r in fake.sent("DELETE")] == ["/" + ",".join(NEW)]
    assert fake.sent(None, "/_bulk") == [] and fake.sent("POST", "/_aliases") == []


def test_a_failed_creation_deletes_only_what_was_created_and_blocks_nothing(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    fake.route("PUT", "/contracts-alerts-v2", answers.error(
        403, "security_exception", "action [indices:admin/create] is unauthorized"))
    with pytest.raises(ReindexError, match="nothing changed"):
        reindexer(config).run()
    deleted = [r.path for r in fake.sent("DELETE")]
    assert deleted == ["/contracts-records-v2,contracts-clauses-v2"], (
        "not the one refused, not the ones never asked")
    assert fake.sent("PUT", ".*/_block/write") == [] and old_settings(fake) == []


def test_a_failed_block_is_lifted_only_if_it_may_have_been_set(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    fake.route("PUT", ".*/_block/write", answers.error(
        403, "security_exception", "action [indices:admin/block/add] is unauthorized"))
    with pytest.raises(ReindexError):
        reindexer(config).run()
    assert old_settings(fake) == [], "refused: no block was set, none to lift"
    assert [r.path for r in fake.sent("DELETE")] == ["/" + ",".join(NEW)]


def swap_answer_lost(fake: RecordingEsApi, applied: bool, timeout: bool) -> None:
    """`POST _aliases` never answers in time (or answers 503) on every attempt; `applied`:
    the cluster switched the aliases all the same (a later `GET <aliases>` shows it)."""
    lost = (Reply(body=answers.acknowledged(), delay=1.0) if timeout else
            answers.error(503, "process_cluster_event_timeout_exception",
                          "failed to process cluster event (index-aliases) within 30s"))
    fake.route("POST", "/_aliases", lost)

    def aliases(request: Request) -> dict[str, Any]:
        switched = applied and fake.sent("POST", "/_aliases")
        return answers.all_indices(NAMES, generation=2 if switched else 1)

    fake.route("GET", f"/{ALIASES}", aliases)


@pytest.mark.parametrize("timeout", [False, True], ids=["503", "timeout"])
def test_a_swap_applied_though_its_answer_was_lost_is_a_success(
    fake: RecordingEsApi, contracts: dict[str, ContractRecord], timeout: bool,
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = EsConfig(url=fake.url, max_retries=1, request_timeout=0.3 if timeout else 5)
    serve_cluster(fake, [contracts["nda"]])
    swap_answer_lost(fake, applied=True, timeout=timeout)
    with caplog.at_level(logging.WARNING):
        report = reindexer(config).run()
    assert len(fake.sent("POST", "/_aliases")) == 2, "retried, then given up"
    assert report.swapped["contracts-records"] == ("contracts-records-v1", "contracts-records-v2")
    assert fake.sent("DELETE") == [], "the new indices hold the portfolio now; old ones kept"
    assert old_settings(fake) == [UNBLOCK]
    assert report.warnings and "the reindex is done" in report.warnings[0]
    assert "the reindex is done" in caplog.text


def test_a_swap_that_was_not_applied_is_undone(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    swap_answer_lost(fake, applied=False, timeout=False)
    with pytest.raises(ReindexError, match=r"nothing changed.*process_cluster_event_timeout"):
        reindexer(config).run()
    assert len(fake.sent("GET", f"/{ALIASES}")) == 2, "the aliases were read back first"
    assert [r.path for r in fake.sent("DELETE")] == ["/" + ",".join(NEW)]
    assert old_settings(fake) == [UNBLOCK]


def test_when_the_swap_cannot_be_checked_nothing_is_deleted(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    swap_answer_lost(fake, applied=True, timeout=False)
    fake.route("GET", f"/{ALIASES}", answers.all_indices(NAMES), answers.error(
        503, "master_not_discovered_exception", "no master"))
    with pytest.raises(ReindexError, match="contracts es status") as raised:
        reindexer(config).run()
    assert "generation 2" in str(raised.value)
    assert fake.sent("DELETE") == [], "an alias may point at them: never delete blindly"
    assert old_settings(fake) == [UNBLOCK]


def test_a_failure_to_lift_the_old_block_after_the_swap_only_warns(
    fake: RecordingEsApi, config: EsConfig, contracts: dict[str, ContractRecord]
) -> None:
    serve_cluster(fake, [contracts["nda"]])
    fake.route("PUT", re.escape(OLD_PATH) + "/_settings",
               answers.error(503, "unavailable_shards_exception", "primary shard is not active"))
    report = reindexer(config).run()
    assert len(fake.sent("POST", "/_aliases")) == 1 and fake.sent("DELETE") == []
    assert report.swapped["contracts-alerts"] == ("contracts-alerts-v1", "contracts-alerts-v2")
    [warning] = report.warnings
    assert "still read-only" in warning and '"index.blocks.write": null' in warning
