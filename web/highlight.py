"""The search words marked in one contract's clauses, for the contract page.

A contract admin who opens a search hit wants to see the words they searched for where
the contract says them. The portfolio's snippets are a few dozen words around a match;
the contract page shows whole clauses, so it marks them itself, with the same meaning as
the search: the query goes through `portfolio.query.translate_query` and runs against an
in-memory FTS5 table of this record's clauses with the portfolio's tokenizer (Porter
stemming, so "credit" marks "credits" too; phrases, OR, NOT and prefixes alike). Prefixes
expand to the words of these clauses, as the portfolio expands them to its vocabulary.

The text is escaped before the marks become `<mark>` tags (`web.snippets.snippet_html`).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from portfolio import QuerySyntaxError
from portfolio.query import PrefixExpander, fold, translate_query, words_of
from portfolio.sqlite_driver import sqlite3
from schemas.record import Clause
from web.snippets import MARK_END, MARK_START, snippet_html


def _vocabulary_expander(texts: Sequence[str]) -> PrefixExpander:
    """Whole words of these texts that start with a prefix (FTS5 stores Porter stems)."""
    words = sorted({fold(word) for text in texts for word in words_of(text)})

    def expand(prefix: str) -> list[str]:
        return [word for word in words if word.startswith(prefix) and word != prefix][:64]

    return expand


def marked_clauses(clauses: Sequence[Clause], query: str) -> dict[int, Markup]:
    """Clause ordinal -> the clause text as HTML with the query's matches `<mark>`ed, for
    every clause the query matches (none if the query is empty or has nothing to search)."""
    if not query.strip() or not clauses:
        return {}
    texts = [c.text.replace(MARK_START, "").replace(MARK_END, "") for c in clauses]
    try:
        fts = translate_query(query, _vocabulary_expander(texts))
    except QuerySyntaxError:
        return {}
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE clause USING fts5 (heading, text,"
                     " tokenize='porter unicode61')")
        conn.executemany(
            "INSERT INTO clause (rowid, heading, text) VALUES (?, ?, ?)",
            [(n, c.heading or "", text) for n, (c, text) in enumerate(zip(clauses, texts,
                                                                          strict=True))],
        )
        rows = conn.execute("SELECT rowid, highlight(clause, 1, ?, ?) FROM clause"
                            " WHERE clause MATCH ?", (MARK_START, MARK_END, fts.match)).fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    return {int(ordinal): snippet_html(text) for ordinal, text in rows if MARK_START in text}
