"""Writes on the wire: bulk NDJSON, idempotent ids, no orphan clauses, per-record errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import EsRequestFailed
from portfolio.elasticsearch.errors import RecordsRejected
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from portfolio.models import AddOutcome
from schemas.record import Clause, ClauseType, ContractRecord
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import (
    serve_bulk,
    serve_existing_indices,
    serve_mget,
    serve_search,
    source_of,
)
from tests.portfolio.es.fake_es_api import RecordingEsApi

MAPPING_ERROR = {
    "type": "document_parsing_exception",
    "reason": "[1:1040] failed to parse field [heading] of type [text] in document with id "
              "'x-0'. Preview of field's value: '{b=c}'",
    "caused_by": {"type": "illegal_state_exception",
                  "reason": "Can't get text on a START_OBJECT at 1:1030"},
}


def with_clauses(record: ContractRecord, *texts: str) -> ContractRecord:
    clauses = [Clause(type=ClauseType.other, heading=f"{i}.", text=t, page=1, start=0, end=len(t))
               for i, t in enumerate(texts)]
    return record.model_copy(update={"clauses": clauses})


def bulk_actions(fake: RecordingEsApi) -> list[tuple[str, str, str]]:
    """(op, index, id) of every bulk action sent, in order."""
    found = []
    for request in fake.sent(None, "/_bulk"):
        for action in answers.actions_of(request.ndjson()):
            op, meta = next(iter(action.items()))
            found.append((op, meta["_index"], meta["_id"]))
    return found


def test_add_sends_clauses_first_and_the_record_last(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {})
    serve_bulk(fake)
    assert opened.add(msa) is AddOutcome.added
    mget = fake.sent("POST", "/contracts-records/_mget")[0]
    assert mget.json() == {"ids": [msa.id]}
    assert bulk_actions(fake) == [
        *[("index", "contracts-clauses", f"{msa.id}-{n}") for n in range(5)],
        ("index", "contracts-records", msa.id),
    ]
    request = fake.sent("PUT", "/_bulk")[0]
    assert request.headers["content-type"].startswith("application/vnd.elasticsearch+x-ndjson")
    assert request.body.endswith(b"\n")
    # nobody asked to read it back at once; an alias that went missing is not auto-created
    assert request.query == {"require_alias": "true"}
    lines = request.ndjson()
    clause = lines[3]  # second clause's source
    assert clause["clause_type"] == "sla" and clause["ordinal"] == 1 and clause["page"] == 7
    assert clause["party_match"] == ["acme holdings, inc.", "acme",
                                     "northwind cloud services llc", "ncs"]
    assert clause["current"] is True and clause["governing_law"] == "New York"
    record = lines[-1]
    assert record["record"] == msa.model_dump(mode="json")
    assert record["due_dates"][:3] == ["2023-12-01", "2024-11-30", "2025-11-30"]
    assert record["initial_term_end"] == "2024-02-29"
    assert record["clause_types"] == ["governing_law", "liability_cap", "penalty", "sla",
                                      "term_renewal"]
    assert fake.sent("POST", "/.*/_refresh") == []


def test_unchanged_record_sends_no_write(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(msa)})
    assert opened.add(msa) is AddOutcome.unchanged
    assert fake.sent(None, "/_bulk") == []


def test_replacement_with_fewer_clauses_deletes_the_rest(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi,
    make_record: Callable[..., ContractRecord],
) -> None:
    old = with_clauses(make_record("amended"), "Rebate applies.", "Escrow.", "Audit rights.")
    new = with_clauses(old, "Monthly availability credit applies.")
    serve_mget(fake, {old.id: source_of(old)})
    serve_bulk(fake)
    assert opened.add(new) is AddOutcome.replaced
    assert bulk_actions(fake) == [
        ("index", "contracts-clauses", f"{old.id}-0"),
        ("delete", "contracts-clauses", f"{old.id}-1"),
        ("delete", "contracts-clauses", f"{old.id}-2"),
        ("index", "contracts-records", old.id),
    ]
    record = fake.sent("PUT", "/_bulk")[0].ndjson()[-1]
    assert record["added_at"] == "2026-01-05T09:00:00+00:00", "the first add is remembered"


def test_a_rejected_record_is_named_and_the_rest_stored(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa, nda, saas = contracts["msa"], contracts["nda"], contracts["saas"]
    serve_mget(fake, {saas.id: source_of(saas)})

    def reject(action: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        op, meta = next(iter(action.items()))
        return (400, MAPPING_ERROR) if (op, meta["_id"]) == ("index", f"{nda.id}-1") else None

    serve_bulk(fake, reject)
    changed_saas = saas.model_copy(update={"pages": 12})
    with pytest.raises(RecordsRejected) as raised:
        opened.add_many([msa, nda, changed_saas])
    error = raised.value
    assert error.outcomes == [AddOutcome.added, None, AddOutcome.replaced]
    assert [(r.record_id, r.filename) for r in error.rejected] == [(nda.id, "globex-nda.pdf")]
    assert "document_parsing_exception" in error.rejected[0].reason
    assert "globex-nda.pdf" in str(error) and "failed to parse field [heading]" in str(error)
    first, undo = fake.sent("PUT", "/_bulk")
    assert [a for a in bulk_actions(fake)[len(answers.actions_of(first.ndjson())):]] == [
        ("delete", "contracts-clauses", f"{nda.id}-0"),
        ("delete", "contracts-clauses", f"{nda.id}-1"),
        ("delete", "contracts-records", nda.id),
    ], "the rejected new record is taken out again; the others stand"
    assert undo.body


def test_a_rejected_replacement_is_put_back(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    nda = contracts["nda"]
    serve_mget(fake, {nda.id: source_of(nda)})
    calls = []

    def reject(action: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        meta = next(iter(action.values()))
        calls.append(meta["_id"])
        first_attempt = calls.count(nda.id) == 1
        return (400, MAPPING_ERROR) if meta["_id"] == nda.id and first_attempt else None

    serve_bulk(fake, reject)
    with pytest.raises(RecordsRejected):
        opened.add(nda.model_copy(update={"title": "NDA v2"}))
    restore = fake.sent("PUT", "/_bulk")[1].ndjson()
    assert restore[-1]["title"] == "Mutual Non-Disclosure Agreement"
    assert restore[-1]["record"] == nda.model_dump(mode="json")


TRANSIENT_REFUSALS = {
    429: {"type": "es_rejected_execution_exception",
          "reason": "rejected execution of primary operation [coordinating_and_primary_bytes=0, "
                    "replica_bytes=0, all_bytes=0, primary_operation_bytes=1200, "
                    "max_coordinating_and_primary_bytes=107374182]"},
    503: {"type": "unavailable_shards_exception",
          "reason": "[contracts-records-v1][0] primary shard is not active Timeout: [1m]"},
}


@pytest.mark.parametrize("status", [429, 503])
def test_bulk_items_refused_with_a_transient_status_are_retried_with_backoff(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord],
    sleeps: list[float], status: int,
) -> None:
    """A full write queue (429) or a shard relocating (503) refuses one item of a bulk
    whose other items succeed: that item alone is sent again."""
    nda = contracts["nda"]
    serve_mget(fake, {})
    seen: list[str] = []

    def reject(action: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        doc_id = next(iter(action.values()))["_id"]
        seen.append(doc_id)
        if doc_id == nda.id and seen.count(doc_id) == 1:
            return status, TRANSIENT_REFUSALS[status]
        return None

    serve_bulk(fake, reject)
    assert opened.add(nda) is AddOutcome.added
    second = fake.sent("PUT", "/_bulk")[1]
    assert answers.actions_of(second.ndjson()) == [{"index": {"_index": "contracts-records",
                                                              "_id": nda.id}}]
    assert sleeps == [0.5]  # the helper's initial_backoff


def test_a_failing_bulk_request_is_retried_whole(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord],
    sleeps: list[float],
) -> None:
    nda = contracts["nda"]
    serve_mget(fake, {})
    serve_bulk(fake)
    fake.route("PUT", "/_bulk", answers.error(502, "bad_gateway", "proxy"),
               lambda r: answers.bulk([answers.bulk_item(a)
                                       for a in answers.actions_of(r.ndjson())]))
    assert opened.add(nda) is AddOutcome.added
    assert len(fake.sent("PUT", "/_bulk")) == 2 and len(sleeps) == 1


def test_writes_blocked_by_a_reindex_say_so(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    serve_mget(fake, {})
    serve_bulk(fake, lambda a: (403, {
        "type": "cluster_block_exception",
        "reason": "index [contracts-records-v1] blocked by: [FORBIDDEN/8/index write (api)];"}))
    with pytest.raises(EsRequestFailed, match="reindex"):
        opened.add(contracts["nda"])
    assert len(fake.sent("PUT", "/_bulk")) == 1, "nothing went in: nothing to undo"


def test_new_versions_find_the_current_one_by_name_and_refresh(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    v1 = contracts["msa"]
    v2 = serve_new_version_with_lead_days(fake, v1, lambda attempt: None)
    assert opened.add_many([v2], as_new_versions=True) == [AddOutcome.new_version]
    lookup = fake.sent("POST", "/contracts-records/_search")[0].json()
    assert lookup["query"] == {"bool": {"filter": [
        {"terms": {"filename.folded": ["northwind-msa.pdf"]}}, {"term": {"current": True}}]}}
    assert lookup["sort"] == [{"record_id": "asc"}]
    records = [line for line in fake.sent("PUT", "/_bulk")[0].ndjson() if "record" in line]
    assert [(r["record_id"], r["version"], r["superseded_by"]) for r in records] == [
        (v2.id, 2, None), (v1.id, 1, v2.id)]
    copy = fake.sent("PUT", "/_bulk")[1]
    assert copy.query == {"refresh": "wait_for", "require_alias": "true"}
    assert copy.ndjson() == [{"create": {"_index": "contracts-lead-days", "_id": v2.id}},
                             {"record_id": v2.id, "lead_days": [120, 30],
                              "updated_at": copy.ndjson()[1]["updated_at"]}]
    refresh = fake.sent("POST", "/.*/_refresh")[0]
    assert refresh.path == "/contracts-records,contracts-clauses/_refresh"
    move = fake.sent("POST", "/contracts-alerts/_update_by_query")[0]  # sent alerts follow
    assert move.query == {"refresh": "true"}
    assert move.json() == {
        "conflicts": "proceed", "query": {"terms": {"record_id": [v1.id]}},
        "script": {"source": "ctx._source.record_id = params.moved[ctx._source.record_id]",
                   "lang": "painless", "params": {"moved": {v1.id: v2.id}}}}


def test_remove_deletes_by_id_and_sweeps_strays(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    nda = contracts["nda"]
    serve_mget(fake, {nda.id: source_of(nda)})
    serve_bulk(fake, lambda a: (404, None) if "lead-days" in str(a) else None)
    fake.route("POST", "/contracts-clauses/_delete_by_query", answers.deleted_by_query(0))
    fake.route("POST", "/.*/_refresh", answers.refreshed())
    assert opened.remove(nda.id) is True
    assert bulk_actions(fake) == [
        ("delete", "contracts-clauses", f"{nda.id}-0"),
        ("delete", "contracts-clauses", f"{nda.id}-1"),
        ("delete", "contracts-records", nda.id),
        ("delete", "contracts-lead-days", nda.id),
    ]
    sweep = fake.sent("POST", "/contracts-clauses/_delete_by_query")[0]
    assert sweep.json() == {"query": {"term": {"record_id": nda.id}}}
    assert sweep.query == {"conflicts": "proceed", "refresh": "false"}


def test_remove_unknown(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    serve_mget(fake, {})
    assert opened.remove("0" * 64) is False
    assert fake.sent(None, "/_bulk") == []


def test_known_ids_ask_without_sources(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: {}})
    assert opened.known_ids([msa.id, "e" * 64, msa.id]) == {msa.id}
    request = fake.sent("POST", "/contracts-records/_mget")[0]
    assert request.query == {"_source": "false"}
    assert request.json() == {"ids": [msa.id, "e" * 64]}


def serve_new_version_with_lead_days(
    fake: RecordingEsApi, v1: ContractRecord,
    copy: Callable[[int], tuple[int, dict[str, Any]] | None],
) -> ContractRecord:
    """`v1` is stored with its own lead times; the version returned replaces it. `copy(n)`
    answers the n-th (1-based) attempt to create the new version's lead-times document."""
    v2 = v1.model_copy(update={"id": "e" * 64, "filename": "Northwind-MSA.pdf"})
    serve_mget(fake, {})
    serve_mget(fake, {v1.id: {"record_id": v1.id, "lead_days": [120, 30],
                              "updated_at": "2026-01-05T09:00:00+00:00"}}, kind="lead-days")
    serve_search(fake, "records", answers.search([answers.hit(
        "contracts-records", v1.id, {"record_id": v1.id, "record": v1.model_dump(mode="json"),
                                     "added_at": "2026-01-05T09:00:00+00:00"},
        score=None, sort=[v1.id])]))
    attempts: list[str] = []

    def reject(action: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if "create" not in action:
            return None
        attempts.append(action["create"]["_id"])
        return copy(len(attempts))

    serve_bulk(fake, reject)
    fake.route("POST", "/.*/_refresh", answers.refreshed())
    fake.route("POST", "/contracts-alerts/_update_by_query", answers.updated_by_query(1))
    return v2


def lead_day_copies(fake: RecordingEsApi) -> list[Any]:
    return [r for r in fake.sent("PUT", "/_bulk") if "create" in r.ndjson()[0]]


def test_a_lead_day_copy_refused_with_429_is_retried(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord],
    sleeps: list[float],
) -> None:
    overloaded = {"type": "es_rejected_execution_exception",
                  "reason": "rejected execution of primary operation"}
    v2 = serve_new_version_with_lead_days(
        fake, contracts["msa"], lambda n: (429, overloaded) if n == 1 else None)
    assert opened.add_many([v2], as_new_versions=True) == [AddOutcome.new_version]
    first, second = lead_day_copies(fake)
    assert first.ndjson() == second.ndjson(), "the same create, sent again"
    assert second.query == {"refresh": "wait_for", "require_alias": "true"}
    assert sleeps == [0.5], "the batch's backoff (CONTRACTS_ES_RETRY_BACKOFF)"


def test_a_lead_day_copy_that_exists_already_is_kept(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    v2 = serve_new_version_with_lead_days(fake, contracts["msa"], lambda n: (409, {
        "type": "version_conflict_engine_exception",
        "reason": f"[{'e' * 64}]: version conflict, document already exists (current version "
                  "[1])"}))
    assert opened.add_many([v2], as_new_versions=True) == [AddOutcome.new_version]
    assert len(lead_day_copies(fake)) == 1, "its own lead times win, nothing to retry"


def test_a_rejected_lead_day_copy_is_reported(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    v2 = serve_new_version_with_lead_days(fake, msa, lambda n: (400, {
        "type": "document_parsing_exception",
        "reason": "[1:15] failed to parse field [lead_days] of type [short]"}))
    with pytest.raises(EsRequestFailed) as raised:
        opened.add_many([v2], as_new_versions=True)
    message = str(raised.value)
    assert v2.id in message and msa.id[:12] in message
    assert "document_parsing_exception: [1:15] failed to parse field [lead_days]" in message
    assert f"contracts alerts --set-lead-days {v2.id} 120,30" in message
    assert fake.sent("POST", "/contracts-alerts/_update_by_query"), "sent alerts still moved"


def test_bulk_requests_hold_at_most_the_chunk_size(
    fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    serve_existing_indices(fake)
    serve_mget(fake, {})
    serve_bulk(fake)
    msa = contracts["msa"]  # five clauses and the record: six actions
    with ElasticsearchPortfolio(EsConfig(url=fake.url, bulk_chunk_size=4)) as portfolio:
        assert portfolio.add(msa) is AddOutcome.added
    assert [len(answers.actions_of(r.ndjson())) for r in fake.sent("PUT", "/_bulk")] == [4, 2]
