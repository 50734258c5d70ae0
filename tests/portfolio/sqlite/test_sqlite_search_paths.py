"""The SQLite search's shortcuts give the same pages and totals as scoring every match.

Unfiltered queries are paged from the best few rows FTS5 returns and counted by FTS5
alone; the superseded record ids are kept between searches. These tests pin each shortcut
against the full path, on clauses copied from one template (equal scores: the file name
decides) and with superseded versions in the way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import portfolio.sqlite_search
from portfolio.models import ClauseQuery, SearchResult
from portfolio.sqlite import SqlitePortfolio
from schemas.record import Clause, ClauseType, ContractRecord

TEMPLATE = "Either party may terminate this Agreement on thirty days written notice."


def with_clauses(record: ContractRecord, *texts: str) -> ContractRecord:
    clauses = [
        Clause(type=ClauseType.termination, heading=None, text=t, page=1, start=0, end=len(t))
        for t in texts
    ]
    return record.model_copy(update={"clauses": clauses})


@pytest.fixture
def templated(
    sqlite_store: SqlitePortfolio, make_record: Callable[..., ContractRecord]
) -> SqlitePortfolio:
    """12 contracts holding the same clause (equal BM25), two with a shorter, better one.

    Stored in an order unlike the file names', so rows tied at a cut come back unsorted.
    """
    records = [with_clauses(make_record(f"msa-{i:02d}"), TEMPLATE) for i in range(12)]
    records[3] = with_clauses(records[3], TEMPLATE, "Termination on written notice.")
    records[7] = with_clauses(records[7], "Termination on written notice.", TEMPLATE)
    sqlite_store.add_many([records[i] for i in (7, 2, 10, 0, 5, 11, 3, 8, 1, 9, 4, 6)])
    return sqlite_store


def pages(store: SqlitePortfolio, text: str, size: int, **options: object) -> list[SearchResult]:
    return [
        store.search(ClauseQuery(text=text, limit=size, offset=offset, **options))  # type: ignore[arg-type]
        for offset in range(0, 16, size)
    ]


def hits(results: list[SearchResult]) -> list[tuple[str, int, float]]:
    return [(h.filename, h.ordinal, round(h.score, 9)) for r in results for h in r.hits]


def full_path_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(portfolio.sqlite_search, "_leading_page", lambda *args: None)


@pytest.mark.parametrize("slack", [0, 1, 5, 1000])
@pytest.mark.parametrize("size", [1, 3, 5])
def test_leading_rows_page_like_the_full_path(
    templated: SqlitePortfolio, monkeypatch: pytest.MonkeyPatch, slack: int, size: int
) -> None:
    """Ties at the cut (slack 0 or 1) must fall back; a wide slack must find the same page."""
    monkeypatch.setattr(portfolio.sqlite_search, "LEADING_SLACK", slack)
    fast = pages(templated, "notice", size)
    with monkeypatch.context() as patched:
        full_path_only(patched)
        full = pages(templated, "notice", size)
    assert hits(fast) == hits(full)
    assert [r.total for r in fast] == [r.total for r in full] == [14] * len(full)
    names = [name for name, _, _ in hits(full)]
    assert names[:2] == ["msa-03.pdf", "msa-07.pdf"]  # the shorter clause scores higher
    assert names[2:] == sorted(names[2:])  # equal scores: by file name, then clause order


def test_superseded_versions_are_left_out_of_page_and_total(
    templated: SqlitePortfolio, make_record: Callable[..., ContractRecord]
) -> None:
    newer = with_clauses(make_record("msa-03-v2", filename="msa-03.pdf"), "Nothing to see.")
    templated.add_many([newer], as_new_versions=True)
    current = templated.search(ClauseQuery(text="notice", limit=20))
    assert current.total == 12 == len(current.hits)
    assert "msa-03.pdf" not in {h.filename for h in current.hits}
    everything = templated.search(ClauseQuery(text="notice", limit=20, all_versions=True))
    assert everything.total == 14
    assert everything.hits[0].filename == "msa-03.pdf"
    assert everything.hits[0].superseded


def test_a_version_written_by_another_connection_is_seen(
    templated: SqlitePortfolio, make_record: Callable[..., ContractRecord], db_path: Path
) -> None:
    """The kept superseded ids must not hide a write made through another connection."""
    assert templated.search(ClauseQuery(text="notice")).total == 14
    newer = with_clauses(make_record("msa-07-v2", filename="msa-07.pdf"), "Nothing to see.")
    with SqlitePortfolio(db_path) as other:
        other.add_many([newer], as_new_versions=True)
    assert templated.search(ClauseQuery(text="notice")).total == 12


@pytest.mark.parametrize("offset", [11, 12, 13, 40])
def test_offset_at_or_past_the_end(templated: SqlitePortfolio, offset: int) -> None:
    result = templated.search(ClauseQuery(text="notice", limit=2, offset=offset))
    assert result.total == 14
    assert len(result.hits) == max(0, min(2, 14 - offset))
