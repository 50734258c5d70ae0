"""Storing records: idempotent add, atomic replace, remove, lookups; on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import portfolio.sqlite
from portfolio.models import AddOutcome, ClauseQuery
from portfolio.sqlite import SqlitePortfolio
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


# --- add / unchanged / replaced -----------------------------------------------------------


def test_add_then_readd_is_unchanged(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    assert store.add(msa) is AddOutcome.added
    assert store.add(msa) is AddOutcome.unchanged
    assert (
        store.add(ContractRecord.model_validate_json(msa.model_dump_json())) is AddOutcome.unchanged
    )
    assert len(store) == 1
    assert store.get(msa.id) == msa


def test_readd_with_different_content_replaces(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord], db_path: Path
) -> None:
    msa = contracts["msa"]
    store.add(msa)
    changed = msa.model_copy(
        update={"title": "Master Services Agreement (amended)", "governing_law": "Delaware"}
    )
    assert store.add(changed) is AddOutcome.replaced
    assert store.count() == 1
    stored = store.get(msa.id)
    assert stored is not None and stored.title == "Master Services Agreement (amended)"
    hits = store.search(ClauseQuery(text="availability", governing_law="Delaware")).hits
    assert [h.title for h in hits] == ["Master Services Agreement (amended)"]
    assert store.search(ClauseQuery(text="availability", governing_law="New York")).total == 0


def test_replace_leaves_no_orphans_in_the_index(
    store: SqlitePortfolio, make_record: Callable[..., ContractRecord], db_path: Path
) -> None:
    old = with_clauses(
        make_record("amended"), "Quarterly uptime rebate applies.", "Escrow of source code."
    )
    store.add(old)
    new = with_clauses(old, "Monthly availability credit applies.")
    assert store.add(new) is AddOutcome.replaced
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
    assert store.search(ClauseQuery(text="rebate")).total == 0
    assert store.search(ClauseQuery(text="credit")).total == 1


def test_failed_replace_keeps_the_old_record_whole(
    store: SqlitePortfolio, make_record: Callable[..., ContractRecord], db_path: Path
) -> None:
    old = with_clauses(
        make_record("amended"), "Quarterly uptime rebate applies.", "Escrow of source code."
    )
    store.add(old)
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
        store.add(broken)
    assert store.get(old.id) == old
    assert index_counts(db_path)["clauses"] == 2
    assert index_counts(db_path)["clause_fts_docsize"] == 2
    assert store.search(ClauseQuery(text="escrow")).total == 1
    assert store.search(ClauseQuery(text="fine")).total == 0


def test_add_many_outcomes_in_order(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa, nda = contracts["msa"], contracts["nda"]
    store.add(msa)
    outcomes = store.add_many([msa, nda, nda.model_copy(update={"pages": 5})])
    assert outcomes == [AddOutcome.unchanged, AddOutcome.added, AddOutcome.replaced]
    assert store.count() == 2


def test_add_many_is_all_or_nothing(
    store: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    def records_then_failure() -> Iterator[ContractRecord]:
        yield contracts["msa"]
        yield contracts["nda"]
        raise RuntimeError("extractor crashed")

    with pytest.raises(RuntimeError):
        store.add_many(records_then_failure())
    assert store.count() == 0
    assert store.add(contracts["msa"]) is AddOutcome.added  # the store is still usable


# --- remove ---------------------------------------------------------------------------------


def test_remove_deletes_record_clauses_and_index_rows(
    loaded: SqlitePortfolio, db_path: Path
) -> None:
    before = index_counts(db_path)
    msa_id = next(r.id for r in loaded.records() if r.filename == "northwind-msa.pdf")
    assert loaded.remove(msa_id) is True
    assert loaded.get(msa_id) is None
    after = index_counts(db_path)
    assert after["records"] == before["records"] - 1
    assert after["clauses"] == before["clauses"] - 5
    assert after["clause_fts_docsize"] == after["clauses"]
    assert after["clause_words_docsize"] == after["clauses"]
    assert after["parties"] == before["parties"] - 2
    assert loaded.search(ClauseQuery(text="99.9%")).total == 0
    assert loaded.remove(msa_id) is False


def test_remove_unknown_id(store: SqlitePortfolio) -> None:
    assert store.remove("0" * 64) is False


# --- lookups -------------------------------------------------------------------------------


def test_get_unknown_is_none(loaded: SqlitePortfolio) -> None:
    assert loaded.get("f" * 64) is None


def test_find_by_exact_id_and_prefix(
    loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    assert loaded.find(msa.id) == [msa]
    assert loaded.find(msa.id[:6]) == [msa]
    assert loaded.find(msa.id[:10].upper()) == [msa]


def test_find_short_prefix_is_not_an_id(
    loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    assert loaded.find(contracts["msa"].id[:5]) == []


def test_find_ambiguous_prefix_returns_all(
    store: SqlitePortfolio, make_record: Callable[..., ContractRecord]
) -> None:
    one = make_record("one", id="abcdef01" + "0" * 56)
    two = make_record("two", id="abcdef02" + "0" * 56)
    store.add_many([one, two])
    assert {r.id for r in store.find("abcdef")} == {one.id, two.id}
    assert store.find("abcdef01") == [one]


def test_find_by_filename(loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]) -> None:
    nda = contracts["nda"]
    assert loaded.find("globex-nda.pdf") == [nda]
    assert loaded.find("GLOBEX-NDA.PDF") == [nda]
    assert loaded.find("/home/admin/Downloads/globex-nda.pdf") == [nda]
    assert loaded.find(r"C:\Contracts\globex-nda.pdf") == [nda]
    assert loaded.find("nda") == [nda]  # substring when no exact name matches
    assert loaded.find("no-such-file.pdf") == []
    assert loaded.find("   ") == []


def test_count_and_len(loaded: SqlitePortfolio) -> None:
    assert loaded.count() == len(loaded) == 5


def test_records_iterates_all_in_batches(
    loaded: SqlitePortfolio, contracts: dict[str, ContractRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio.sqlite, "BATCH", 2)
    records = list(loaded.records())
    assert sorted(r.id for r in records) == sorted(c.id for c in contracts.values())
    assert [r.id for r in records] == sorted(r.id for r in records)


def test_records_allows_writes_while_iterating(
    loaded: SqlitePortfolio, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio.sqlite, "BATCH", 2)
    for record in loaded.records():
        loaded.remove(record.id)
    assert loaded.count() == 0


def test_known_ids(loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]) -> None:
    unknown = "e" * 64
    asked = [contracts["msa"].id, unknown, contracts["nda"].id, contracts["msa"].id]
    assert loaded.known_ids(asked) == {contracts["msa"].id, contracts["nda"].id}
    assert loaded.known_ids([]) == set()
    assert loaded.known_ids(iter([unknown])) == set()


def test_known_ids_many(store: SqlitePortfolio, make_record: Callable[..., ContractRecord]) -> None:
    records = [make_record(f"bulk-{i}") for i in range(1200)]
    store.add_many(records)
    asked = [r.id for r in records[::2]] + ["d" * 64]
    assert store.known_ids(asked) == {r.id for r in records[::2]}
