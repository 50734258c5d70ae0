"""Search on the wire: the user's syntax as query DSL, filters, paging; hits read back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portfolio.elasticsearch.search import MAX_RESULT_WINDOW, PHRASE_TIER, node_query
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from portfolio.errors import PortfolioError, QuerySyntaxError
from portfolio.models import ClauseQuery, DeadlineKind, Highlight
from portfolio.query import parse_query
from schemas.record import ContractRecord
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import serve_search, source_of
from tests.portfolio.es.fake_es_api import RecordingEsApi

STEMMED = ["heading^3", "text"]
EXACT = ["heading.exact^3", "text.exact"]


def phrase(text: str) -> dict[str, Any]:
    return {"multi_match": {"query": text, "type": "phrase", "fields": STEMMED}}


def prefix(text: str) -> dict[str, Any]:
    return {"multi_match": {"query": text, "type": "phrase_prefix", "fields": EXACT}}


@pytest.mark.parametrize(
    ("text", "dsl"),
    [
        ("credit", phrase("credit")),
        ('"service credit"', phrase("service credit")),
        ("99.9%", phrase("99.9%")),
        ("credit-cap", phrase("credit-cap")),
        ("service credit", {"bool": {"must": [phrase("service"), phrase("credit")]}}),
        ("credit OR rebate",
         {"bool": {"should": [phrase("credit"), phrase("rebate")], "minimum_should_match": 1}}),
        ("monthly fees NOT exceed", {"bool": {
            "must": [{"bool": {"must": [phrase("monthly"), phrase("fees")]}}],
            "must_not": [phrase("exceed")]}}),
        ("credit -cap", {"bool": {"must": [phrase("credit")], "must_not": [phrase("cap")]}}),
        ("terminat*", prefix("terminat")),
        ('"written notic"*', prefix("written notic")),
        ("(indemnify OR infringes) patent", {"bool": {"must": [
            {"bool": {"should": [phrase("indemnify"), phrase("infringes")],
                      "minimum_should_match": 1}},
            phrase("patent")]}}),
    ],
)
def test_user_syntax_as_query_dsl(text: str, dsl: dict[str, Any]) -> None:
    assert node_query(parse_query(text)) == dsl


def test_search_request(opened: ElasticsearchPortfolio, fake: RecordingEsApi) -> None:
    serve_search(fake, "clauses", answers.search([]))
    query = ClauseQuery(text="service credit", clause_type="sla", party="Müller",
                        governing_law="new york", limit=5, offset=10)
    result = opened.search(query)
    assert result.total == 0 and result.hits == []
    request = fake.sent("POST", "/contracts-clauses/_search")[0].json()
    assert request["query"] == {"bool": {
        "must": [{"bool": {"must": [phrase("service"), phrase("credit")]}}],
        "filter": [
            {"term": {"clause_type": "sla"}},
            {"term": {"governing_law.folded": "new york"}},
            {"wildcard": {"party_match": {"value": "*muller*"}}},
            {"term": {"current": True}},
        ],
        "should": [{"constant_score": {"boost": PHRASE_TIER, "filter": {"multi_match": {
            "query": "service credit", "type": "phrase", "fields": ["heading", "text"],
            "_name": "phrase"}}}}],
    }}
    assert (request["from"], request["size"]) == (10, 5)
    assert request["sort"] == [{"_score": "desc"}, {"filename": "asc"}, {"ordinal": "asc"},
                               {"record_id": "asc"}]
    assert request["track_total_hits"] is True and request["track_scores"] is True
    assert request["highlight"] == {
        "type": "unified", "pre_tags": ["\x02"], "post_tags": ["\x03"],
        "fields": {"text": {"number_of_fragments": 0, "matched_fields": ["text.exact"]}},
    }
    assert "text" in request["_source"] and "record_id" in request["_source"]


def test_party_wildcards_are_escaped_and_versions_optional(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    serve_search(fake, "clauses", answers.search([]))
    opened.search(ClauseQuery(text="x", party="a*b?c\\", all_versions=True))
    filters = fake.sent("POST", "/contracts-clauses/_search")[0].json()["query"]["bool"]["filter"]
    assert filters == [{"wildcard": {"party_match": {"value": "*a\\*b\\?c\\\\*"}}}]


def test_nothing_searchable_sends_nothing(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    with pytest.raises(QuerySyntaxError):
        opened.search(ClauseQuery(text="NOT credit"))
    assert fake.requests == []


def _clause_hit(record: ContractRecord, ordinal: int, score: float, marked: str | None,
                phrase_match: bool) -> dict[str, Any]:
    clause = record.clauses[ordinal]
    source = {"record_id": record.id, "title": record.title, "filename": record.filename,
              "parties": [p.name for p in record.parties], "clause_type": clause.type.value,
              "ordinal": ordinal, "heading": clause.heading, "page": clause.page,
              "start": clause.start, "end": clause.end, "text": clause.text,
              "version": 1, "current": True}
    extra: dict[str, Any] = {"sort": [score, record.filename, ordinal, record.id]}
    if marked is not None:
        extra["highlight"] = {"text": [marked]}
    if phrase_match:
        extra["matched_queries"] = ["phrase"]
    return answers.hit("contracts-clauses", f"{record.id}-{ordinal}", source, score, **extra)


def test_hits_highlights_and_phrase_tier_are_read_back(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa, saas = contracts["msa"], contracts["saas"]
    sla_text = msa.clauses[1].text.replace("service credit", "\x02service\x03 \x02credit\x03")
    apart = saas.clauses[0].text.replace("Service", "\x02Service\x03").replace(
        "credit", "\x02credit\x03")
    serve_search(fake, "clauses", answers.search([
        _clause_hit(msa, 1, PHRASE_TIER + 2.5, sla_text.replace("Services", "\x02Services\x03"),
                    True),
        _clause_hit(saas, 0, 3.25, apart, False),
    ], total=7))
    result = opened.search(ClauseQuery(text="service credit", limit=2),
                           Highlight(tokens=12))
    assert result.total == 7
    first, second = result.hits
    assert (first.phrase_match, first.score) == (True, 2.5)
    assert (second.phrase_match, second.score) == (False, 3.25)
    assert first.record_id == msa.id and first.ordinal == 1 and first.page == 7
    assert first.parties == ["Acme Holdings, Inc.", "Northwind Cloud Services LLC"]
    assert first.clause_type.value == "sla" and first.heading == "7. Service Levels"
    assert "«service credit»" in first.snippet
    assert first.snippet.startswith("…") and first.snippet.endswith("…")
    assert second.snippet == (
        "«Service» outages over four hours in a month earn Customer a «credit»."
    )
    assert not first.superseded and first.version == 1
    assert '"multi_match"' in result.fts_query


def test_pages_beyond_the_result_window(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    serve_search(fake, "clauses", answers.search([], total=40), answers.search([], total=20_000))
    past = opened.search(ClauseQuery(text="credit", offset=MAX_RESULT_WINDOW + 5))
    assert past.total == 40 and past.hits == []
    request = fake.sent("POST", "/contracts-clauses/_search")[0].json()
    assert (request["from"], request["size"]) == (0, 0)
    with pytest.raises(PortfolioError, match="cannot be paged"):
        opened.search(ClauseQuery(text="credit", offset=MAX_RESULT_WINDOW + 5))


def test_window_edge_is_clipped(opened: ElasticsearchPortfolio, fake: RecordingEsApi) -> None:
    serve_search(fake, "clauses", answers.search([], total=0))
    opened.search(ClauseQuery(text="credit", offset=MAX_RESULT_WINDOW - 3, limit=50))
    request = fake.sent("POST", "/contracts-clauses/_search")[0].json()
    assert (request["from"], request["size"]) == (MAX_RESULT_WINDOW - 3, 3)


def test_find_tries_id_prefix_then_name_then_substring(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    nda = contracts["nda"]
    found = answers.hit("contracts-records", nda.id, {"record": nda.model_dump(mode="json")},
                        None, sort=[nda.filename, nda.id])
    serve_search(fake, "records", answers.search([]), answers.search([]),
                 answers.search([found]))
    assert opened.find(r"C:\Contracts\ABCDEF-Nda*.PDF") == []
    assert opened.find("abcdef") == [nda]
    queries = [r.json()["query"] for r in fake.sent("POST", "/contracts-records/_search")]
    assert queries == [
        {"term": {"filename.folded": "ABCDEF-Nda*.PDF"}},
        {"wildcard": {"filename_match": {"value": "*abcdef-nda\\*.pdf*"}}},
        {"prefix": {"id_match": "abcdef"}},
    ]


def test_records_are_paged_with_search_after(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("portfolio.elasticsearch.reads.PAGE", 2)
    ordered = sorted(contracts.values(), key=lambda r: r.id)
    hits = [answers.hit("contracts-records", r.id, {"record": r.model_dump(mode="json")}, None,
                        sort=[r.id]) for r in ordered]
    serve_search(fake, "records", answers.search(hits[:2]), answers.search(hits[2:4]),
                 answers.search(hits[4:]))
    assert [r.id for r in opened.records()] == [r.id for r in ordered]
    requests = [r.json() for r in fake.sent("POST", "/contracts-records/_search")]
    assert [r.get("search_after") for r in requests] == [None, [ordered[1].id], [ordered[3].id]]
    assert all(r["sort"] == [{"record_id": "asc"}] and r["size"] == 2 for r in requests)
    assert requests[0]["_source"] == {"includes": ["record"]}


def test_upcoming_deadlines_preselect_then_compute(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    msa, nda = contracts["msa"], contracts["nda"]
    serve_search(fake, "records", answers.search([
        answers.hit("contracts-records", r.id, {"record": r.model_dump(mode="json")}, None,
                    sort=[r.id]) for r in sorted([msa, nda], key=lambda r: r.id)]))
    rows = opened.upcoming_deadlines(date(2025, 6, 1), 365, frozenset({"customer"}))
    assert [(r.filename, r.kind, r.due_date) for r in rows] == [
        ("northwind-msa.pdf", DeadlineKind.notice_deadline, date(2025, 11, 30)),
        ("globex-nda.pdf", DeadlineKind.expiration, date(2026, 1, 14)),
    ]
    assert rows[0].counterparty == "Northwind Cloud Services LLC"
    request = fake.sent("POST", "/contracts-records/_search")[0].json()
    assert request["query"] == {"bool": {
        "filter": [{"term": {"current": True}}],
        "should": [
            {"range": {"due_dates": {"gte": "2025-06-01", "lte": "2026-06-01"}}},
            {"range": {"due_dates_complete_until": {"lt": "2026-06-01"}}},
        ],
        "minimum_should_match": 1,
    }}


def test_facets_from_aggregations(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi, contracts: dict[str, ContractRecord]
) -> None:
    daily = contracts["saas"]
    serve_search(fake, "clauses", answers.search([], total=3, aggregations={
        "clause_types": answers.terms_buckets([("sla", 2), ("penalty", 1)]),
        "parties": answers.terms_buckets([("Acme Holdings, Inc.", 2)]),
        "governing_law": answers.terms_buckets([("New York", 2)]),
    }))
    serve_search(
        fake, "records",
        answers.search([], total=2, aggregations={"renewal_months": {"buckets": [
            {"key": "2025-06", "from": 1748736000000.0, "from_as_string": "2025-06-01",
             "to": 1751328000000.0, "to_as_string": "2025-07-01", "doc_count": 0},
            {"key": "2025-07", "from": 1751328000000.0, "from_as_string": "2025-07-01",
             "to": 1751414400000.0, "to_as_string": "2025-07-02", "doc_count": 2},
        ]}}),
        answers.search([answers.hit("contracts-records", daily.id, source_of(daily), None,
                                    sort=[daily.id])]),
    )
    facets = opened.facets(ClauseQuery(text="credit", party="acme"), date(2025, 6, 1), 31)
    assert [(f.value, f.count) for f in facets.clause_types] == [("sla", 2), ("penalty", 1)]
    assert [(f.value, f.count) for f in facets.renewal_months] == [("2025-06", 0),
                                                                   ("2025-07", 2)]
    clause_request = fake.sent("POST", "/contracts-clauses/_search")[0].json()
    assert clause_request["size"] == 0
    assert clause_request["aggs"]["parties"] == {"terms": {
        "field": "parties", "size": 20, "order": [{"_count": "desc"}, {"_key": "asc"}]}}
    months, incomplete = (r.json() for r in fake.sent("POST", "/contracts-records/_search"))
    assert months["aggs"] == {"renewal_months": {"date_range": {
        "field": "due_dates", "format": "yyyy-MM-dd",
        "ranges": [{"key": "2025-06", "from": "2025-06-01", "to": "2025-07-01"},
                   {"key": "2025-07", "from": "2025-07-01", "to": "2025-07-03"}]}}}
    assert months["query"]["bool"]["must_not"] == [
        {"range": {"due_dates_complete_until": {"lt": "2025-07-02"}}}]
    assert {"wildcard": {"party_match": {"value": "*acme*"}}} in months["query"]["bool"]["filter"]
    assert incomplete["query"]["bool"]["filter"][-1] == {
        "range": {"due_dates_complete_until": {"lt": "2025-07-02"}}}


def test_a_missing_index_is_a_portfolio_error(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    serve_search(fake, "clauses", answers.index_not_found("contracts-clauses"))
    with pytest.raises(PortfolioError, match="index_not_found_exception"):
        opened.search(ClauseQuery(text="credit"))
