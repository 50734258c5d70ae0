"""Clause search over the SQLite portfolio's FTS5 index: filter, rank, page, highlight.

Two statements per search, inside the caller's read transaction:

1. the page: every match is filtered (clause type, governing law, party: all in SQL),
   ranked and counted (`count(*) OVER ()` gives the total before LIMIT/OFFSET), and only
   the page's rows are returned;
2. the snippets and party names for just those rows, because `snippet()` is the costly
   part and a broad query can match a large share of a big portfolio.

Ranking: clauses holding the query's bare words as an exact phrase first (BM25 ignores
word proximity, so "service credit" would otherwise rank a short clause mentioning
"service" and, later, "credit" above the SLA credit clause), then BM25 with the heading
weighted above the text, then file name and clause order so pages are stable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from portfolio.errors import QuerySyntaxError
from portfolio.models import ClauseHit, ClauseQuery, Highlight, SearchResult
from portfolio.query import PrefixExpander, fold, translate_query

HEADING_WEIGHT = 3.0
TEXT_WEIGHT = 1.0
MAX_PREFIX_EXPANSIONS = 32
"""A prefix expands to at most this many indexed words, the most widespread first."""

_MATCHES_SQL = """
SELECT clause_fts.rowid AS clause_id,
       bm25(clause_fts, :heading_weight, :text_weight) AS rank,
       {phrase} AS phrase_match
FROM clause_fts
CROSS JOIN clauses c ON c.id = clause_fts.rowid
CROSS JOIN records r ON r.id = c.record_id
WHERE clause_fts MATCH :match {filters}
"""
"""Every match, filtered and scored. CROSS JOIN keeps the FTS scan as the outer loop, which
`bm25()` needs; MATERIALIZED (below) stops SQLite from folding this into the windowed page
query, where `bm25()` cannot run."""

_PAGE_SQL = """
WITH matches AS MATERIALIZED ({matches})
SELECT m.clause_id, c.record_id, r.title, r.filename, c.type, c.ordinal, c.heading,
       c.page, c.start, c."end", m.rank, m.phrase_match, r.version, r.superseded_by,
       count(*) OVER () AS total
FROM matches m
JOIN clauses c ON c.id = m.clause_id
JOIN records r ON r.id = c.record_id
ORDER BY m.phrase_match DESC, m.rank, r.filename, c.ordinal
LIMIT :limit OFFSET :offset
"""

_COUNT_SQL = """
SELECT count(*) FROM clause_fts
CROSS JOIN clauses c ON c.id = clause_fts.rowid
CROSS JOIN records r ON r.id = c.record_id
WHERE clause_fts MATCH :match {filters}
"""

_PHRASE_SQL = "(clause_fts.rowid IN (SELECT rowid FROM clause_fts WHERE clause_fts MATCH :phrase))"

_PARTY_SQL = (
    "EXISTS (SELECT 1 FROM parties p"
    " WHERE p.record_id = c.record_id AND instr(p.match_text, :party) > 0)"
)


def vocabulary_expander(conn: sqlite3.Connection) -> PrefixExpander:
    """Expand a prefix to the unstemmed words the clauses contain (see sqlite_schema)."""

    def expand(prefix: str) -> Sequence[str]:
        rows = conn.execute(
            "SELECT term FROM clause_words_vocab WHERE term >= ? AND term < ?"
            " ORDER BY doc DESC, term LIMIT ?",
            (prefix, prefix + "\U0010ffff", MAX_PREFIX_EXPANSIONS),
        )
        return [row[0] for row in rows]

    return expand


def _filters(query: ClauseQuery) -> tuple[str, dict[str, object]]:
    """SQL conditions (joined onto the match) and their parameters."""
    conditions: list[str] = []
    params: dict[str, object] = {}
    if query.clause_type is not None:
        conditions.append("c.type = :clause_type")
        params["clause_type"] = query.clause_type.value
    if query.governing_law is not None:
        conditions.append("r.governing_law = :law COLLATE NOCASE")
        params["law"] = query.governing_law
    if query.party is not None:
        conditions.append(_PARTY_SQL)
        params["party"] = fold(query.party).replace("\x1f", "")
    if not query.all_versions:
        conditions.append("r.superseded_by IS NULL")
    return "".join(f" AND {c}" for c in conditions), params


def run_search(conn: sqlite3.Connection, query: ClauseQuery, highlight: Highlight) -> SearchResult:
    """One page of hits for `query`; the caller holds a read transaction on `conn`."""
    fts = translate_query(query.text, vocabulary_expander(conn))
    filters, params = _filters(query)
    params |= {
        "match": fts.match,
        "heading_weight": HEADING_WEIGHT,
        "text_weight": TEXT_WEIGHT,
        "limit": query.limit,
        "offset": query.offset,
    }
    if fts.phrase is not None:
        params["phrase"] = fts.phrase
    matches = _MATCHES_SQL.format(phrase=_PHRASE_SQL if fts.phrase else "0", filters=filters)
    page_sql = _PAGE_SQL.format(matches=matches)
    page = conn.cursor()
    page.row_factory = sqlite3.Row
    try:
        rows = page.execute(page_sql, params).fetchall()
        if rows:
            total = int(rows[0]["total"])
        elif query.offset:
            total = int(conn.execute(_COUNT_SQL.format(filters=filters), params).fetchone()[0])
        else:
            total = 0
        snippets = _snippets(conn, fts.match, [row["clause_id"] for row in rows], highlight)
    except sqlite3.OperationalError as exc:  # a translator bug must not look like a crash
        if "fts5" not in str(exc):
            raise
        raise QuerySyntaxError(query.text, f"cannot search for {query.text!r}: {exc}") from exc
    parties = _party_names(conn, sorted({row["record_id"] for row in rows}))
    hits = [
        ClauseHit(
            record_id=row["record_id"],
            title=row["title"],
            filename=row["filename"],
            parties=parties.get(row["record_id"], []),
            clause_type=row["type"],
            ordinal=row["ordinal"],
            heading=row["heading"],
            page=row["page"],
            start=row["start"],
            end=row["end"],
            snippet=snippets.get(row["clause_id"], ""),
            score=-row["rank"],
            phrase_match=bool(row["phrase_match"]),
            version=row["version"],
            superseded=row["superseded_by"] is not None,
        )
        for row in rows
    ]
    return SearchResult(query=query, fts_query=fts.match, total=total, hits=hits)


def _snippets(
    conn: sqlite3.Connection, match: str, clause_ids: list[int], highlight: Highlight
) -> dict[int, str]:
    """Highlighted excerpts of the clause text for the given clause rows."""
    if not clause_ids:
        return {}
    marks = ",".join("?" * len(clause_ids))
    rows = conn.execute(
        f"SELECT rowid, snippet(clause_fts, 1, ?, ?, ?, ?) FROM clause_fts"
        f" WHERE clause_fts MATCH ? AND rowid IN ({marks})",
        (highlight.start, highlight.end, highlight.ellipsis, highlight.tokens, match, *clause_ids),
    )
    return {int(rowid): text for rowid, text in rows}


def _party_names(conn: sqlite3.Connection, record_ids: list[str]) -> dict[str, list[str]]:
    if not record_ids:
        return {}
    marks = ",".join("?" * len(record_ids))
    names: dict[str, list[str]] = {}
    rows = conn.execute(
        f"SELECT record_id, name FROM parties WHERE record_id IN ({marks})"
        " ORDER BY record_id, ordinal",
        record_ids,
    )
    for record_id, name in rows:
        names.setdefault(record_id, []).append(name)
    return names
