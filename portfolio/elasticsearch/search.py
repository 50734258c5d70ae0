"""Clause search as query DSL: the user's syntax, the same filters, ranking and paging.

The text is parsed by `portfolio.query.parse_query`, the parser the embedded store uses,
and each node becomes DSL:

| user typed            | query DSL                                                        |
|-----------------------|------------------------------------------------------------------|
| `credit`, `"a b"`     | `multi_match` type `phrase` on `heading^3`, `text` (stemmed)      |
| `terminat*`, `"a b"*` | `multi_match` type `phrase_prefix` on the unstemmed `.exact` fields |
| `a b`, `a AND b`      | `bool.must`                                                      |
| `a OR b`              | `bool.should` with `minimum_should_match: 1`                     |
| `a NOT b`, `a -b`     | `bool.must` + `bool.must_not`                                    |

Every term is a phrase query, as every term is a quoted string in FTS5: `credit-cap` and
`99.9%` search the words they contain, in order. Filters go in `bool.filter` (no effect on
scores): clause type (`term`), governing law (`term` on a lower-case normalised keyword),
party (`wildcard *x*` on a `wildcard` field of folded names, one value per name so a
match never spans two names), current versions only (`term current: true`).

Ranking matches the embedded store's: when the query is two or more bare words, clauses
holding them as an exact phrase come first (a `constant_score` tier of `PHRASE_TIER`,
named `phrase` so each hit says whether it got it), then BM25 (heading weighted 3, as in
FTS5), then file name, clause order and record id so that pages are stable. Reported
scores have the tier taken off again.
"""

from __future__ import annotations

import json
from typing import Any

from portfolio.elasticsearch.reads import escape_wildcard
from portfolio.elasticsearch.snippets import POST, PRE, snippet
from portfolio.errors import PortfolioError
from portfolio.models import ClauseHit, ClauseQuery, Highlight, SearchResult
from portfolio.query import And, Not, Or, QueryNode, Term, bare_phrase, fold, parse_query

HEADING_BOOST = 3
TEXT_FIELDS = [f"heading^{HEADING_BOOST}", "text"]
EXACT_FIELDS = [f"heading.exact^{HEADING_BOOST}", "text.exact"]
PHRASE_TIER = 1000.0
"""Added to the score of exact-phrase hits: far above any BM25 score of a clause."""
PHRASE_NAME = "phrase"
MAX_RESULT_WINDOW = 10_000
"""Elasticsearch's default `index.max_result_window`: from + size may not exceed it."""

HIT_FIELDS = [
    "record_id", "title", "filename", "parties", "clause_type", "ordinal", "heading", "page",
    "start", "end", "text", "version", "current",
]


def node_query(node: QueryNode) -> dict[str, Any]:
    """The query DSL of one node of the parsed search text."""
    match node:
        case Term(text=text, prefix=False):
            return {"multi_match": {"query": text, "type": "phrase", "fields": TEXT_FIELDS}}
        case Term(text=text, prefix=True):
            return {"multi_match": {"query": text, "type": "phrase_prefix",
                                    "fields": EXACT_FIELDS}}
        case And(parts=parts):
            return {"bool": {"must": [node_query(p) for p in parts]}}
        case Or(parts=parts):
            return {"bool": {"should": [node_query(p) for p in parts], "minimum_should_match": 1}}
        case Not(keep=keep, drop=drop):
            return {"bool": {"must": [node_query(keep)],
                             "must_not": [node_query(d) for d in drop]}}
    raise TypeError(f"not a query node: {node!r}")


def filters(query: ClauseQuery) -> list[dict[str, Any]]:
    """The query's filters, as `bool.filter` clauses (shared with the facets)."""
    clauses: list[dict[str, Any]] = []
    if query.clause_type is not None:
        clauses.append({"term": {"clause_type": query.clause_type.value}})
    if query.governing_law is not None:
        clauses.append({"term": {"governing_law.folded": query.governing_law}})
    if query.party is not None:
        wanted = escape_wildcard(fold(query.party).replace("\x1f", ""))
        clauses.append({"wildcard": {"party_match": {"value": f"*{wanted}*"}}})
    if not query.all_versions:
        clauses.append({"term": {"current": True}})
    return clauses


def clause_query(query: ClauseQuery) -> dict[str, Any]:
    """The whole `query` of a clause search: text, phrase tier, filters."""
    root = parse_query(query.text)
    body: dict[str, Any] = {"must": [node_query(root)], "filter": filters(query)}
    phrase = bare_phrase(root)
    if phrase is not None:
        tier = {"multi_match": {"query": phrase, "type": "phrase", "fields": ["heading", "text"],
                                "_name": PHRASE_NAME}}
        body["should"] = [{"constant_score": {"filter": tier, "boost": PHRASE_TIER}}]
    return {"bool": body}


def search_request(query: ClauseQuery, size: int) -> dict[str, Any]:
    """Keyword arguments of `Elasticsearch.search` for one page of hits."""
    return {
        "query": clause_query(query),
        "from_": query.offset if size else 0,  # past the window: only the total is asked
        "size": size,
        "sort": [{"_score": "desc"}, {"filename": "asc"}, {"ordinal": "asc"},
                 {"record_id": "asc"}],
        "track_scores": True,
        "track_total_hits": True,
        "source": HIT_FIELDS,
        "highlight": {
            "type": "unified",
            "pre_tags": [PRE],
            "post_tags": [POST],
            "fields": {"text": {"number_of_fragments": 0, "matched_fields": ["text.exact"]}},
        },
    }


def page_size(query: ClauseQuery) -> int:
    """Hits to ask for: the page, clipped to the result window (0 beyond it)."""
    if query.offset >= MAX_RESULT_WINDOW:
        return 0
    return min(query.limit, MAX_RESULT_WINDOW - query.offset)


def parse_hits(
    query: ClauseQuery, answer: dict[str, Any], highlight: Highlight
) -> SearchResult:
    """The `SearchResult` of a search answer (hits, highlights, named queries, total)."""
    total = int(answer["hits"]["total"]["value"])
    if query.offset >= MAX_RESULT_WINDOW and total > query.offset:
        raise PortfolioError(
            f"the search matches {total} clauses; results beyond the first "
            f"{MAX_RESULT_WINDOW:,} cannot be paged: add a filter or more words"
        )
    hits = [_hit(h, highlight) for h in answer["hits"]["hits"]]
    expression = json.dumps(clause_query(query)["bool"]["must"][0], separators=(",", ":"))
    return SearchResult(query=query, fts_query=expression, total=total, hits=hits)


def _hit(hit: dict[str, Any], highlight: Highlight) -> ClauseHit:
    source = hit["_source"]
    marked = hit.get("highlight", {}).get("text", [None])[0]
    named = hit.get("matched_queries", [])
    phrase_match = PHRASE_NAME in named
    score = float(hit.get("_score") or 0.0) - (PHRASE_TIER if phrase_match else 0.0)
    return ClauseHit(
        record_id=source["record_id"],
        title=source.get("title"),
        filename=source["filename"],
        parties=list(source.get("parties") or []),
        clause_type=source["clause_type"],
        ordinal=source["ordinal"],
        heading=source.get("heading"),
        page=source["page"],
        start=source["start"],
        end=source["end"],
        snippet=snippet(source.get("text") or "", marked, highlight),
        score=score,
        phrase_match=phrase_match,
        version=source.get("version", 1),
        superseded=not source.get("current", True),
    )
