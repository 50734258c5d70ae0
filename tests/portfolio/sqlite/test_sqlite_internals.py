"""The SQLite backend's own guarantees: FTS index rows, transactions, batching, the FTS text.

These look inside the database file (the FTS5 tables), so they hold for SQLite only; the
same behaviours seen through the interface are in the conformance suite.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import portfolio.sqlite
from portfolio.models import AddOutcome, ClauseQuery, SearchResult
from portfolio.sqlite import SqlitePortfolio
from portfolio.sqlite_driver import sqlite3
from schemas.record import Clause, ClauseType, ContractRecord


def index_counts(db_path: Path) -> dict[str, int]:
    """Rows in the clause table and in each FTS index's own per-document table.

    `*_docsize` holds one row per indexed document, read from the index itself (not the
    external content table), so it shows orphans a plain `SELECT` would hide.
    """
    conn = sqlite3.connect(db_path)
    try:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "records",
                "parties",
                "clauses",
                "clause_fts_docsize",
                "clause_words_docsize",
            )
        }
    finally:
        conn.close()


def indexed_documents(db_path: Path, word: str) -> int:
    """Documents the stemmed index lists for `word`, straight from the index vocabulary."""
    conn = sqlite3.connect(db_path)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, clause_fts, 'row')")
        row = conn.execute("SELECT doc FROM temp.vocab WHERE term = ?", (word,)).fetchone()
        return row[0] if row else 0
    finally:
        conn.close()


def with_clauses(record: ContractRecord, *texts: str) -> ContractRecord:
    clauses = [
        Clause(
            type=ClauseType.other, heading=f"{i}. Clause", text=text, page=1, start=0, end=len(text)
        )
        for i, text in enumerate(texts, 1)
    ]
    return record.model_copy(update={"clauses": clauses})


def test_replace_leaves_no_orphans_in_the_index(
    sqlite_store: SqlitePortfolio, make_record: Callable[..., ContractRecord], db_path: Path
) -> None:
    old = with_clauses(
        make_record("amended"), "Quarterly uptime rebate applies.", "Escrow of source code."
    )
    sqlite_store.add(old)
    new = with_clauses(old, "Monthly availability credit applies.")
    assert sqlite_store.add(new) is AddOutcome.replaced
    assert index_counts(db_path) == {
        "records": 1,
        "parties": 1,
        "clauses": 1,
        "clause_fts_docsize": 1,
        "clause_words_docsize": 1,
    }
    assert indexed_documents(db_path, "rebat") == 0  # porter stem of "rebate"
    assert indexed_documents(db_path, "escrow") == 0
    assert indexed_documents(db_path, "credit") == 1
    assert sqlite_store.search(ClauseQuery(text="rebate")).total == 0
    assert sqlite_store.search(ClauseQuery(text="credit")).total == 1


def test_failed_replace_keeps_the_old_record_whole(
    sqlite_store: SqlitePortfolio, make_record: Callable[..., ContractRecord], db_path: Path
) -> None:
    old = with_clauses(
        make_record("amended"), "Quarterly uptime rebate applies.", "Escrow of source code."
    )
    sqlite_store.add(old)
    # make the second clause insert of the replacement fail, half-way through the write
    raw = sqlite3.connect(db_path)
    raw.execute(
        "CREATE TRIGGER explode BEFORE INSERT ON clauses WHEN new.text LIKE '%EXPLODE%'"
        " BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    )
    raw.commit()
    raw.close()
    broken = with_clauses(old.model_copy(update={"title": "New"}), "Fine clause.", "EXPLODE here.")
    with pytest.raises(sqlite3.IntegrityError, match="simulated failure"):
        sqlite_store.add(broken)
    assert sqlite_store.get(old.id) == old
    assert index_counts(db_path)["clauses"] == 2
    assert index_counts(db_path)["clause_fts_docsize"] == 2
    assert sqlite_store.search(ClauseQuery(text="escrow")).total == 1
    assert sqlite_store.search(ClauseQuery(text="fine")).total == 0


def test_remove_deletes_record_clauses_and_index_rows(
    sqlite_loaded: SqlitePortfolio, db_path: Path
) -> None:
    before = index_counts(db_path)
    msa_id = next(r.id for r in sqlite_loaded.records() if r.filename == "northwind-msa.pdf")
    assert sqlite_loaded.remove(msa_id) is True
    assert sqlite_loaded.get(msa_id) is None
    after = index_counts(db_path)
    assert after["records"] == before["records"] - 1
    assert after["clauses"] == before["clauses"] - 5
    assert after["clause_fts_docsize"] == after["clauses"]
    assert after["clause_words_docsize"] == after["clauses"]
    assert after["parties"] == before["parties"] - 2
    assert sqlite_loaded.search(ClauseQuery(text="99.9%")).total == 0
    assert sqlite_loaded.remove(msa_id) is False


def test_records_come_in_batches(
    sqlite_loaded: SqlitePortfolio,
    contracts: dict[str, ContractRecord],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(portfolio.sqlite, "BATCH", 2)
    records = list(sqlite_loaded.records())
    assert sorted(r.id for r in records) == sorted(c.id for c in contracts.values())
    assert [r.id for r in records] == sorted(r.id for r in records)


def test_records_allows_writes_between_batches(
    sqlite_loaded: SqlitePortfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio.sqlite, "BATCH", 2)
    for record in sqlite_loaded.records():
        sqlite_loaded.remove(record.id)
    assert sqlite_loaded.count() == 0


# --- ranking and the FTS5 expression -------------------------------------------------------


def search(store: SqlitePortfolio, text: str, **filters: object) -> SearchResult:
    return store.search(ClauseQuery(text=text, **filters))  # type: ignore[arg-type]


def headings(result: SearchResult) -> list[str | None]:
    return [hit.heading for hit in result.hits]


def test_phrase_tier_beats_a_higher_bm25_score(sqlite_loaded: SqlitePortfolio) -> None:
    """Pins why the phrase tier exists: BM25 alone scores the short words-apart clause higher."""
    by_heading = {hit.heading: hit for hit in search(sqlite_loaded, "service credit").hits}
    apart, phrase = by_heading["Schedule 2 - Support"], by_heading["7. Service Levels"]
    assert apart.score > phrase.score
    assert headings(search(sqlite_loaded, "service credit")).index("7. Service Levels") < headings(
        search(sqlite_loaded, "service credit")
    ).index("Schedule 2 - Support")


def test_result_shows_the_expression_run(sqlite_loaded: SqlitePortfolio) -> None:
    assert search(sqlite_loaded, "99.9%").fts_query == '"99.9%"'
