"""Corrections on the wire: record rewritten and refreshed, then the correction document."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from portfolio.elasticsearch.connection import EsRequestFailed
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from portfolio.errors import UnknownCorrection, UnknownRecord
from portfolio.models import AddOutcome
from schemas.corrections import InvalidCorrection, new_correction, with_correction
from schemas.record import ContractRecord
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import serve_bulk, serve_mget, source_of
from tests.portfolio.es.fake_es_api import RecordingEsApi

AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
FIELD = "renewal.notice_period"


def bulk_lines(fake: RecordingEsApi) -> list[Any]:
    return [line for request in fake.sent(None, "/_bulk") for line in request.ndjson()]


def record_sources(fake: RecordingEsApi) -> list[dict[str, Any]]:
    """`_source`s of the records-index documents written by bulk requests."""
    return [line for line in bulk_lines(fake) if isinstance(line, dict) and "record" in line
            and "due_dates" in line]


def corrected(record: ContractRecord, value: str = "30 days") -> ContractRecord:
    correction = new_correction(FIELD, value, by="alice", note="clause 3", at=AT)
    return with_correction(record, correction)


def serve_writes(fake: RecordingEsApi) -> None:
    serve_bulk(fake)
    fake.route("POST", "/.*/_refresh", answers.refreshed())
    fake.route("PUT", "/contracts-corrections/_doc/.*",
               lambda r: answers.created("contracts-corrections", r.path.rsplit("/", 1)[1]))
    fake.route("DELETE", "/contracts-corrections/_doc/.*", {"result": "deleted"})


def test_a_correction_rewrites_the_record_then_stores_the_correction(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(msa)})
    serve_writes(fake)
    record = opened.correct(msa.id, FIELD, "30 days", by="alice", note="clause 3", at=AT)
    assert str(record.renewal.notice_period) == "30 days"

    assert fake.sent("POST", "/contracts-records/_mget")[0].json() == {"ids": [msa.id]}
    actions = [next(iter(a.items())) for a in answers.actions_of(bulk_lines(fake))]
    assert [(op, meta["_index"], meta["_id"]) for op, meta in actions] == [
        *[("index", "contracts-clauses", f"{msa.id}-{n}") for n in range(5)],
        ("index", "contracts-records", msa.id),
    ]
    [document] = record_sources(fake)
    assert document["record"]["renewal"]["notice_period"] == {"count": 30, "unit": "days"}
    assert document["record"]["corrections"] == [{
        "field": FIELD, "value": {"count": 30, "unit": "days"},
        "extracted": {"count": 90, "unit": "days"}, "by": "alice",
        "at": "2026-11-21T09:30:00Z", "note": "clause 3"}]
    # the deadline pre-selection moves with it: term ends 2024-02-29, notice 90 -> 30 days
    assert source_of(msa)["due_dates"][:2] == ["2023-12-01", "2024-11-30"]
    assert document["due_dates"][:2] == ["2024-01-30", "2025-01-29"]

    stored = fake.sent("PUT", "/contracts-corrections/_doc/.*")
    assert [r.path for r in stored] == [f"/contracts-corrections/_doc/{msa.id}:{FIELD}"]
    assert stored[0].query == {"refresh": "wait_for", "require_alias": "true"}
    assert stored[0].json() == {
        "key": f"{msa.id}:{FIELD}", "record_id": msa.id, "field": FIELD,
        "value": {"count": 30, "unit": "days"}, "extracted": {"count": 90, "unit": "days"},
        "by": "alice", "at": "2026-11-21T09:30:00+00:00", "note": "clause 3"}
    order = [(r.method, r.path) for r in fake.requests]
    refresh = ("POST", "/contracts-records,contracts-clauses/_refresh")
    assert order.index(("PUT", "/_bulk")) < order.index(refresh) < order.index(
        ("PUT", stored[0].path)), "the record is searchable before the call returns"


def test_undo_restores_the_extracted_value_and_deletes_the_document(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(corrected(msa))})
    serve_writes(fake)
    record = opened.undo_correction(msa.id, FIELD)
    assert record == msa
    [document] = record_sources(fake)
    assert document["record"] == msa.model_dump(mode="json")
    assert "corrections" not in document["record"]
    deleted = fake.sent("DELETE", "/contracts-corrections/_doc/.*")
    assert [(r.path, r.query) for r in deleted] == [
        (f"/contracts-corrections/_doc/{msa.id}:{FIELD}", {"refresh": "wait_for"})]


def test_undo_of_an_uncorrected_field_and_unknown_records_write_nothing(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(msa)})
    serve_writes(fake)
    with pytest.raises(UnknownCorrection, match=r"renewal\.notice_period of northwind-msa\.pdf"):
        opened.undo_correction(msa.id, FIELD)
    with pytest.raises(UnknownRecord):
        opened.correct("f" * 64, FIELD, "30 days", by="alice")
    with pytest.raises(InvalidCorrection, match=r"renewal\.notice_period: 'ninety'"):
        opened.correct(msa.id, FIELD, "ninety", by="alice")
    assert fake.sent(None, "/_bulk") == []
    assert fake.sent("PUT", "/contracts-corrections/.*") == []


def test_re_extraction_keeps_the_correction(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(corrected(msa))})
    serve_bulk(fake)
    upgraded = msa.model_copy(update={"extractor_version": "next", "title": "MSA"})
    assert opened.add(upgraded) is AddOutcome.replaced
    [document] = record_sources(fake)
    assert document["record"]["title"] == "MSA", "the new extraction is stored"
    assert document["record"]["renewal"]["notice_period"] == {"count": 30, "unit": "days"}
    assert [c["field"] for c in document["record"]["corrections"]] == [FIELD]
    assert fake.sent("PUT", "/contracts-corrections/.*") == [], "the correction is unchanged"


def test_remove_deletes_the_corrections_with_the_record(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(corrected(msa))})
    serve_bulk(fake)
    fake.route("POST", "/contracts-clauses/_delete_by_query", answers.deleted_by_query(0))
    fake.route("POST", "/.*/_refresh", answers.refreshed())
    assert opened.remove(msa.id)
    deletes = [meta for op, meta in (next(iter(a.items()))
                                     for a in answers.actions_of(bulk_lines(fake)))]
    assert {"_index": "contracts-corrections", "_id": f"{msa.id}:{FIELD}"} in deletes


def test_a_rejected_record_write_stores_no_correction(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    serve_mget(fake, {msa.id: source_of(msa)})
    serve_writes(fake)

    def reject(action: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        if "contracts-records" not in str(action):
            return None
        return 400, {"type": "document_parsing_exception", "reason": "bad"}

    serve_bulk(fake, reject)
    with pytest.raises(EsRequestFailed, match="could not store the corrected record"):
        opened.correct(msa.id, FIELD, "30 days", by="alice", at=AT)
    assert fake.sent("PUT", "/contracts-corrections/.*") == []
