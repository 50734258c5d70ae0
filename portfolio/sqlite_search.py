"""Clause search over the SQLite portfolio's FTS5 index: filter, rank, page, highlight.

Ranking: clauses holding the query's bare words as an exact phrase first (BM25 ignores
word proximity, so "service credit" would otherwise rank a short clause mentioning
"service" and, later, "credit" above the SLA credit clause), then BM25 with the heading
weighted above the text, then file name and clause order so pages are stable.

A broad word ("notice") matches a large share of a big portfolio, so the work per match
is kept to what FTS5 itself must do, inside the caller's read transaction:

* superseded versions: their record ids (`SupersededRecords`), read once and again only
  after the database changed, because `superseded_by` sits behind each record's large
  JSON; the statements get them as a parameter, and most portfolios have few or none;
* the total: with no filter it is FTS5's own count of the match (it reads doclists only),
  less the matches in superseded versions; with a filter, one count over the matches
  joined to a covering index of the clause columns (`clauses_search`);
* the page, when there is no filter and no phrase tier: the best rows by BM25 alone, with
  no join (`_leading_page`; SQLite's sorter keeps only those); only they are checked
  against superseded versions and joined for the tie-breaks. (FTS5's own `ORDER BY rank`
  measured slower: it sorts every match.) When that cannot prove the page (too many
  dropped, or a tie at the cut), and
  for filtered or phrase queries, every match is scored and filtered once, and only the
  rows that can reach the page (`leaders`: ranked no worse than the page's last row) are
  joined to the clause and record rows for the tie-breaks and the hit;
* snippets and party names for just the page's rows: `snippet()` is the costly part.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Sequence
from itertools import chain
from operator import itemgetter
from typing import Any, TypeVar

from portfolio.errors import QuerySyntaxError
from portfolio.models import ClauseHit, ClauseQuery, Highlight, SearchResult
from portfolio.query import FtsQuery, PrefixExpander, fold, translate_query
from portfolio.sqlite_driver import sqlite3
from portfolio.sqlite_shards import ALL_IDS, Bounds, ClauseShards, IndexMoved

HEADING_WEIGHT = 3.0
TEXT_WEIGHT = 1.0
MAX_PREFIX_EXPANSIONS = 32
"""A prefix expands to at most this many indexed words, the most widespread first."""

LEADING_SLACK = 1000
"""The unfiltered fast path asks for this many rows beyond the page's end, so superseded
clauses or a tie at the cut (clauses copied from one template score alike) rarely send
the search down the full path; keeping 1,000 rows costs SQLite's sorter next to nothing."""

_T = TypeVar("_T")
_Row = dict[str, Any]
"""One hit's columns, as named in `_PAGE_SQL`."""

_MATCHES_SQL = """
SELECT clause_fts.rowid AS clause_id,
       bm25(clause_fts, :heading_weight, :text_weight) AS rank,
       {phrase} AS phrase_match
FROM clause_fts {join}
WHERE clause_fts MATCH :match AND clause_fts.rowid BETWEEN :low AND :high {filters}
"""
"""Every match in one range of clause ids, filtered and scored. CROSS JOIN keeps the FTS
scan as the outer loop, which `bm25()` needs; the covering index `clauses_search` gives
type and record id without reading the clause row. MATERIALIZED (below) scores each match
once."""

_PAGE_SQL = """
WITH matches AS MATERIALIZED ({matches}),
cutoff AS MATERIALIZED (
    SELECT phrase_match, -rank AS score FROM matches
    ORDER BY phrase_match DESC, rank LIMIT 1 OFFSET :last
),
leaders AS (
    SELECT * FROM matches
    WHERE NOT EXISTS (SELECT 1 FROM cutoff)
       OR (phrase_match, -rank) >= (SELECT phrase_match, score FROM cutoff)
)
SELECT m.clause_id, m.rank, m.phrase_match, (SELECT count(*) FROM matches) AS total,
       r.filename AS filename, c.ordinal AS ordinal
FROM leaders m
JOIN clauses c ON c.id = m.clause_id
JOIN records r ON r.id = c.record_id
ORDER BY m.phrase_match DESC, m.rank, r.filename, c.ordinal
LIMIT :limit OFFSET :offset
"""
"""`cutoff` is the page's last row in rank order; only `leaders`, the rows ranked no worse
(ties included, for the file name and clause order tie-breaks), are joined to the clause
and record rows, and only for their leading columns (the file name comes before the large
`record_json`; the version columns after it are read for the page's rows alone)."""

_COUNT_SQL = """
SELECT count(*) FROM clause_fts {join}
WHERE clause_fts MATCH :match {filters}
"""

_JOIN_SQL = "CROSS JOIN clauses c INDEXED BY clauses_search ON c.id = clause_fts.rowid"
"""Joined only for a clause type, governing law or party filter."""

_LEADING_SQL = """
SELECT rowid, bm25(clause_fts, :heading_weight, :text_weight) AS rank FROM clause_fts
WHERE clause_fts MATCH :match AND rowid BETWEEN :low AND :high
ORDER BY rank LIMIT :leading
"""
"""The best matches in one range of clause ids by rank, with no join (SQLite keeps only the
best rows while sorting)."""

_SUPERSEDED_SQL = "(SELECT value FROM json_each(:superseded))"

_CURRENT_SQL = f"""clause_fts.rowid NOT IN (
    SELECT c.id FROM clauses c WHERE c.record_id IN {_SUPERSEDED_SQL}
)"""
"""The clauses of superseded records, listed once per statement through `(record_id, ...)`."""

_SUPERSEDED_MATCHES_SQL = f"""
SELECT count(*) FROM clause_fts
WHERE clause_fts MATCH :match AND rowid IN (
    SELECT c.id FROM clauses c WHERE c.record_id IN {_SUPERSEDED_SQL}
)
"""

_SUPERSEDED_AMONG_SQL = f"""
SELECT c.id FROM clauses c
WHERE c.id IN (SELECT value FROM json_each(:ids)) AND c.record_id IN {_SUPERSEDED_SQL}
"""

_TIE_BREAK_SQL = """
SELECT c.id, r.filename, c.ordinal FROM clauses c JOIN records r ON r.id = c.record_id
WHERE c.id IN (SELECT value FROM json_each(:ids))
"""

_DETAIL_SQL = """
SELECT c.id AS clause_id, c.record_id, r.title, r.filename, c.type, c.ordinal, c.heading,
       c.page, c.start, c."end", r.version, r.superseded_by
FROM clauses c JOIN records r ON r.id = c.record_id
WHERE c.id IN (SELECT value FROM json_each(:ids))
"""

_PHRASE_SQL = """(clause_fts.rowid IN (
    SELECT rowid FROM clause_fts WHERE clause_fts MATCH :phrase AND rowid BETWEEN :low AND :high
))"""

_PARTY_SQL = "c.record_id IN (SELECT record_id FROM parties WHERE instr(match_text, :party) > 0)"


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


class SupersededRecords:
    """The ids of superseded records, read again only when the database may have changed.

    Keep one per connection. The key is SQLite's `data_version` (moves when another
    connection commits) with the connection's own `total_changes` (moves on its writes).
    """

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._ids: list[str] = []

    def ids(self, conn: sqlite3.Connection) -> list[str]:
        key = (int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes)
        if key != self._key:
            rows = conn.execute("SELECT id FROM records WHERE superseded_by IS NOT NULL")
            self._ids = sorted(row[0] for row in rows)
            self._key = key
        return self._ids


def _filters(query: ClauseQuery, superseded: list[str]) -> tuple[str, dict[str, object]]:
    """SQL conditions on the clause `c` (joined onto the match) and their parameters.

    Conditions on the record are tests of `c.record_id` against a set of record ids built
    once per statement from an index, never a read of each match's record row.
    """
    conditions: list[str] = []
    params: dict[str, object] = {}
    if query.clause_type is not None:
        conditions.append("c.type = :clause_type")
        params["clause_type"] = query.clause_type.value
    if query.governing_law is not None:
        conditions.append(
            "c.record_id IN (SELECT id FROM records WHERE governing_law = :law COLLATE NOCASE)"
        )
        params["law"] = query.governing_law
    if query.party is not None:
        conditions.append(_PARTY_SQL)
        params["party"] = fold(query.party).replace("\x1f", "")
    if superseded and not query.all_versions:
        conditions.append(_CURRENT_SQL)
        params["superseded"] = json.dumps(superseded)
    return "".join(f" AND {c}" for c in conditions), params


def _unfiltered(query: ClauseQuery) -> bool:
    """No clause type, governing law or party: only superseded versions may be left out."""
    return query.clause_type is None and query.governing_law is None and query.party is None


def run_search(
    conn: sqlite3.Connection,
    query: ClauseQuery,
    highlight: Highlight,
    superseded_records: SupersededRecords | None = None,
    shards: ClauseShards | None = None,
) -> SearchResult:
    """One page of hits for `query`; the caller holds a read transaction on `conn`.

    Pass the connection's `SupersededRecords` to keep their ids between searches, and its
    `ClauseShards` to scan ranges of clause ids on several cores.
    """
    fts = translate_query(query.text, vocabulary_expander(conn))
    superseded: list[str] = []
    if not query.all_versions:
        superseded = (superseded_records or SupersededRecords()).ids(conn)
    try:
        try:
            scans = _Scans(conn, shards)
            rows = _page(scans, query, fts, superseded)
        except IndexMoved:  # a range saw another commit than this snapshot: scan here alone
            scans = _Scans(conn, None)
            rows = _page(scans, query, fts, superseded)
        rows, total = _details(conn, rows), scans.total
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


class _Scans:
    """Where a search's FTS5 scans run: on `conn` over every clause id, or on `shards`
    over ranges of them; `total` is the match count the page was found with."""

    def __init__(self, conn: sqlite3.Connection, shards: ClauseShards | None) -> None:
        self.conn = conn
        self.shards = shards
        self.ranges = shards.ranges(conn) if shards else [ALL_IDS]
        self.total = 0

    def run(self, scan: Callable[[sqlite3.Connection, Bounds], _T]) -> list[_T]:
        """`scan` on every range, in parallel when there are several."""
        if self.shards is None or len(self.ranges) == 1:
            low, high = self.ranges[0]
            return [scan(self.conn, {"low": low, "high": high})]
        return self.shards.run(self.conn, self.ranges, scan)


def _page(
    scans: _Scans, query: ClauseQuery, fts: FtsQuery, superseded: list[str]
) -> list[_Row]:
    """The page's rows (clause id, rank, phrase match), leaving the total in `scans`."""
    rows: list[_Row] | None = None
    if _unfiltered(query) and fts.phrase is None:
        rows = _leading_page(scans, query, fts.match, superseded)
    if rows is None:
        rows, scans.total = _full_page(scans, query, fts, superseded)
    else:
        scans.total = _unfiltered_total(scans.conn, fts.match, superseded)
    return rows


def _full_page(
    scans: _Scans, query: ClauseQuery, fts: FtsQuery, superseded: list[str]
) -> tuple[list[_Row], int]:
    """The page and the total, scoring and filtering every match once.

    Each range returns its own best rows down to the page's end (ties at its cut included)
    and its count; merged in the page order, they give the page, and the counts the total.
    """
    conn = scans.conn
    filters, params = _filters(query, superseded)
    params |= {
        "match": fts.match,
        "heading_weight": HEADING_WEIGHT,
        "text_weight": TEXT_WEIGHT,
        "limit": query.limit,
        "offset": query.offset,
        "last": query.offset + query.limit - 1,
    }
    if fts.phrase is not None:
        params["phrase"] = fts.phrase
    parts = {"join": "" if _unfiltered(query) else _JOIN_SQL, "filters": filters}
    matches = _MATCHES_SQL.format(phrase=_PHRASE_SQL if fts.phrase else "0", **parts)
    statement = _PAGE_SQL.format(matches=matches)
    end = query.offset + query.limit
    if len(scans.ranges) > 1:  # every range's page from its first row, merged below
        params |= {"offset": 0, "limit": end}

    def scan(on: sqlite3.Connection, bounds: Bounds) -> list[_Row]:
        page = on.cursor()
        page.row_factory = sqlite3.Row
        return [dict(row) for row in page.execute(statement, params | bounds)]

    found = scans.run(scan)
    total = sum(int(rows[0]["total"]) for rows in found if rows)
    if len(found) == 1:
        rows = found[0]
    else:
        rows = sorted((row for rows in found for row in rows), key=_page_order)
        rows = rows[query.offset : end]
    if rows or not query.offset or len(found) > 1:
        return rows, total
    low, high = scans.ranges[0]
    count = conn.execute(_COUNT_SQL.format(**parts), params | {"low": low, "high": high})
    return rows, int(count.fetchone()[0])


def _page_order(row: _Row) -> tuple[int, float, str, int]:
    """The order of `_PAGE_SQL`: phrase matches first, then BM25, file name, clause order."""
    return (-int(row["phrase_match"]), float(row["rank"]), str(row["filename"]),
            int(row["ordinal"]))


def _leading_page(
    scans: _Scans, query: ClauseQuery, match: str, superseded: list[str]
) -> list[_Row] | None:
    """The page of an unfiltered query from FTS5's best few rows; None if they cannot tell.

    Rows past the `leading` best all rank no better than the last of them, so the page is
    exact when enough of the leading rows survive the superseded check and the page's last
    row ranks strictly better than the last leading row (else a tie may hide beyond it).
    """
    end = query.offset + query.limit
    leading = end + LEADING_SLACK
    params = {
        "match": match,
        "leading": leading,
        "heading_weight": HEADING_WEIGHT,
        "text_weight": TEXT_WEIGHT,
    }
    conn = scans.conn
    found = scans.run(lambda on, bounds: on.execute(_LEADING_SQL, params | bounds).fetchall())
    ranked = found[0] if len(found) == 1 else heapq.nsmallest(
        leading, chain.from_iterable(found), key=itemgetter(1))
    ranks: dict[int, float] = {int(rowid): rank for rowid, rank in ranked}
    if superseded and ranks:
        dropped = conn.execute(
            _SUPERSEDED_AMONG_SQL,
            {"ids": json.dumps(list(ranks)), "superseded": json.dumps(superseded)},
        )
        for (clause_id,) in dropped:
            del ranks[clause_id]
    kept = sorted(ranks.values())
    if len(ranked) == leading and (len(kept) < end or kept[end - 1] >= ranked[-1][1]):
        return None
    if len(kept) <= query.offset:
        return []
    cut = kept[min(end, len(kept)) - 1]
    wanted = {clause_id: rank for clause_id, rank in ranks.items() if rank <= cut}
    keys = conn.execute(_TIE_BREAK_SQL, {"ids": json.dumps(list(wanted))}).fetchall()
    keys.sort(key=lambda key: (wanted[key[0]], key[1], key[2]))
    return [
        {"clause_id": clause_id, "rank": wanted[clause_id], "phrase_match": 0}
        for clause_id, _, _ in keys[query.offset : end]
    ]


def _details(conn: sqlite3.Connection, page: list[_Row]) -> list[_Row]:
    """The page's rows (clause id, rank, phrase match) with their clause and record columns."""
    if not page:
        return []
    details = conn.cursor()
    details.row_factory = sqlite3.Row
    ids = json.dumps([row["clause_id"] for row in page])
    found = {row["clause_id"]: dict(row) for row in details.execute(_DETAIL_SQL, {"ids": ids})}
    return [found[row["clause_id"]] | row for row in page]


def _unfiltered_total(conn: sqlite3.Connection, match: str, superseded: list[str]) -> int:
    """FTS5's count of the match, less the matches in the `superseded` records."""
    total = int(
        conn.execute(
            "SELECT count(*) FROM clause_fts WHERE clause_fts MATCH ?", (match,)
        ).fetchone()[0]
    )
    if superseded:
        params = {"match": match, "superseded": json.dumps(superseded)}
        total -= int(conn.execute(_SUPERSEDED_MATCHES_SQL, params).fetchone()[0])
    return total


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
