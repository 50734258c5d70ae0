"""Facets and the deadline pre-selection, as queries and aggregations on the two indices.

Counting rules are `portfolio.facets`'s; this module only says them in query DSL:

* clause facets: `terms` aggregations on the clauses index under the search's own query
  (size 0: no hits), ordered by count then key, so ties come out as in the embedded store;
  one primary shard makes the counts exact;
* renewal months: a `date_range` aggregation on the records' `due_dates` (one range per
  calendar month, `to` exclusive), which counts each contract once per month however many
  of its dates fall in it; contracts whose listed chain stops before the window ends
  (`due_dates_complete_until`) are left out of it and counted in Python from their record;
* upcoming deadlines: a range query on `due_dates` picks the candidates (plus the same
  incomplete chains); `portfolio.renewals.upcoming_deadlines` then computes the rows
  exactly as for the embedded store (see `portfolio.due_dates` for why this is exact).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portfolio.elasticsearch.reads import escape_wildcard
from portfolio.elasticsearch.search import clause_query
from portfolio.facets import FACET_SIZE, MonthSpan
from portfolio.models import ClauseQuery, FacetCount
from portfolio.query import fold

CLAUSE_FACETS = {"clause_types": "clause_type", "parties": "parties",
                 "governing_law": "governing_law"}


def clause_facets_request(query: ClauseQuery | None) -> dict[str, Any]:
    """Keyword arguments of `search` on the clauses index for the clause facets."""
    scope = clause_query(query) if query else {"bool": {"filter": [{"term": {"current": True}}]}}
    order = [{"_count": "desc"}, {"_key": "asc"}]
    return {
        "query": scope,
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            name: {"terms": {"field": field, "size": FACET_SIZE, "order": order}}
            for name, field in CLAUSE_FACETS.items()
        },
    }


def parse_clause_facets(answer: dict[str, Any]) -> dict[str, list[FacetCount]]:
    """facet name -> counts, from the `terms` buckets of the answer."""
    aggregations = answer["aggregations"]
    return {
        name: [
            FacetCount(value=str(bucket["key"]), count=int(bucket["doc_count"]))
            for bucket in aggregations[name]["buckets"]
        ]
        for name in CLAUSE_FACETS
    }


def record_filters(query: ClauseQuery | None) -> list[dict[str, Any]]:
    """Current versions, narrowed by the query's party and governing law (records index)."""
    clauses: list[dict[str, Any]] = [{"term": {"current": True}}]
    if query is not None and query.governing_law is not None:
        clauses.append({"term": {"governing_law.folded": query.governing_law}})
    if query is not None and query.party is not None:
        wanted = escape_wildcard(fold(query.party).replace("\x1f", ""))
        clauses.append({"wildcard": {"party_match": {"value": f"*{wanted}*"}}})
    return clauses


def _day(value: date) -> str:
    return value.isoformat()


def months_request(
    query: ClauseQuery | None, spans: list[MonthSpan], first: date, last: date
) -> dict[str, Any]:
    """Keyword arguments of `search` on the records index for the renewal-month facet."""
    return {
        "query": {"bool": {
            "filter": [*record_filters(query),
                       {"range": {"due_dates": {"gte": _day(first), "lte": _day(last)}}}],
            "must_not": [{"range": {"due_dates_complete_until": {"lt": _day(last)}}}],
        }},
        "size": 0,
        "track_total_hits": False,
        "aggs": {"renewal_months": {"date_range": {
            "field": "due_dates",
            "format": "yyyy-MM-dd",
            "ranges": [
                {"key": span.key, "from": _day(span.first),
                 "to": _day(span.last + timedelta(days=1))}
                for span in spans
            ],
        }}},
    }


def parse_months(answer: dict[str, Any]) -> dict[str, int]:
    """month key -> contracts, from the `date_range` buckets."""
    buckets = answer["aggregations"]["renewal_months"]["buckets"]
    return {str(bucket["key"]): int(bucket["doc_count"]) for bucket in buckets}


def incomplete_chains(query: ClauseQuery | None, last: date) -> dict[str, Any]:
    """Records whose listed due dates stop before `last` (counted from the record itself)."""
    return {"bool": {"filter": [
        *record_filters(query),
        {"range": {"due_dates_complete_until": {"lt": _day(last)}}},
    ]}}


def deadline_candidates(today: date, last: date) -> dict[str, Any]:
    """Current records with a due date in [today, last], or whose chain may hide one."""
    return {"bool": {
        "filter": [{"term": {"current": True}}],
        "should": [
            {"range": {"due_dates": {"gte": _day(today), "lte": _day(last)}}},
            {"range": {"due_dates_complete_until": {"lt": _day(last)}}},
        ],
        "minimum_should_match": 1,
    }}
