"""Storing records: idempotent add, replace without leftovers, remove, lookups (every backend)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from portfolio.base import Portfolio
from portfolio.models import AddOutcome, ClauseQuery
from schemas.record import Clause, ClauseType, ContractRecord


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
    store: Portfolio, contracts: dict[str, ContractRecord]
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
    store: Portfolio, contracts: dict[str, ContractRecord]
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
    store: Portfolio, make_record: Callable[..., ContractRecord]
) -> None:
    """Fewer clauses after a replace: the dropped ones must not be found any more."""
    old = with_clauses(
        make_record("amended"), "Quarterly uptime rebate applies.", "Escrow of source code."
    )
    store.add(old)
    new = with_clauses(old, "Monthly availability credit applies.")
    assert store.add(new) is AddOutcome.replaced
    assert store.search(ClauseQuery(text="rebate")).total == 0
    assert store.search(ClauseQuery(text="escrow")).total == 0
    assert store.search(ClauseQuery(text="credit")).total == 1
    assert store.search(ClauseQuery(text="clause OR applies OR escrow OR rebate")).total == 1


def test_add_many_outcomes_in_order(
    store: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa, nda = contracts["msa"], contracts["nda"]
    store.add(msa)
    outcomes = store.add_many([msa, nda, nda.model_copy(update={"pages": 5})])
    assert outcomes == [AddOutcome.unchanged, AddOutcome.added, AddOutcome.replaced]
    assert store.count() == 2


def test_add_many_is_all_or_nothing(
    store: Portfolio, contracts: dict[str, ContractRecord]
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


def test_remove_deletes_record_and_clauses(loaded: Portfolio) -> None:
    msa_id = next(r.id for r in loaded.records() if r.filename == "northwind-msa.pdf")
    before = loaded.search(ClauseQuery(text="agreement OR provider OR customer")).total
    assert loaded.remove(msa_id) is True
    assert loaded.get(msa_id) is None
    assert loaded.count() == 4
    assert loaded.search(ClauseQuery(text="99.9%")).total == 0
    after = loaded.search(ClauseQuery(text="agreement OR provider OR customer")).total
    assert after == before - 4  # the MSA's clauses mentioning them
    assert loaded.remove(msa_id) is False


def test_remove_unknown_id(store: Portfolio) -> None:
    assert store.remove("0" * 64) is False


# --- lookups -------------------------------------------------------------------------------


def test_get_unknown_is_none(loaded: Portfolio) -> None:
    assert loaded.get("f" * 64) is None


def test_find_by_exact_id_and_prefix(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"]
    assert loaded.find(msa.id) == [msa]
    assert loaded.find(msa.id[:6]) == [msa]
    assert loaded.find(msa.id[:10].upper()) == [msa]


def test_find_short_prefix_is_not_an_id(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    assert loaded.find(contracts["msa"].id[:5]) == []


def test_find_ambiguous_prefix_returns_all(
    store: Portfolio, make_record: Callable[..., ContractRecord]
) -> None:
    one = make_record("one", id="abcdef01" + "0" * 56)
    two = make_record("two", id="abcdef02" + "0" * 56)
    store.add_many([one, two])
    assert {r.id for r in store.find("abcdef")} == {one.id, two.id}
    assert store.find("abcdef01") == [one]


def test_find_by_filename(loaded: Portfolio, contracts: dict[str, ContractRecord]) -> None:
    nda = contracts["nda"]
    assert loaded.find("globex-nda.pdf") == [nda]
    assert loaded.find("GLOBEX-NDA.PDF") == [nda]
    assert loaded.find("/home/admin/Downloads/globex-nda.pdf") == [nda]
    assert loaded.find(r"C:\Contracts\globex-nda.pdf") == [nda]
    assert loaded.find("nda") == [nda]  # substring when no exact name matches
    assert loaded.find("no-such-file.pdf") == []
    assert loaded.find("   ") == []


def test_count_and_len(loaded: Portfolio) -> None:
    assert loaded.count() == len(loaded) == 5


def test_records_iterates_all_in_id_order(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    records = list(loaded.records())
    assert sorted(r.id for r in records) == sorted(c.id for c in contracts.values())
    assert [r.id for r in records] == sorted(r.id for r in records)
    assert {r.id: r for r in records} == {c.id: c for c in contracts.values()}


def test_records_allows_writes_while_iterating(loaded: Portfolio) -> None:
    for record in loaded.records():
        loaded.remove(record.id)
    assert loaded.count() == 0


def test_known_ids(loaded: Portfolio, contracts: dict[str, ContractRecord]) -> None:
    unknown = "e" * 64
    asked = [contracts["msa"].id, unknown, contracts["nda"].id, contracts["msa"].id]
    assert loaded.known_ids(asked) == {contracts["msa"].id, contracts["nda"].id}
    assert loaded.known_ids([]) == set()
    assert loaded.known_ids(iter([unknown])) == set()


def test_known_ids_many(store: Portfolio, make_record: Callable[..., ContractRecord]) -> None:
    records = [make_record(f"bulk-{i}") for i in range(1200)]
    store.add_many(records)
    asked = [r.id for r in records[::2]] + ["d" * 64]
    assert store.known_ids(asked) == {r.id for r in records[::2]}
