"""Documents against the strict mappings, snippets and write plans: pure, no server at all.

With `dynamic: strict`, a field a document has and its mapping lacks is a rejected write
on a real cluster. No cluster runs here, so every document the code builds is checked
against the mapping the code installs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from portfolio.elasticsearch.documents import clause_document, clause_id, record_document
from portfolio.elasticsearch.mappings import MAPPINGS, index_settings
from portfolio.elasticsearch.planning import Stored, corrections, plan_batch
from portfolio.elasticsearch.snippets import parse_marked, snippet
from portfolio.models import AddOutcome, Highlight
from portfolio.sqlite import SqlitePortfolio
from schemas.record import (
    Amount,
    ContractRecord,
    Penalty,
    PenaltyKind,
    SlaCommitment,
    SlaMetric,
)
from tests.portfolio.conftest import record_id

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def assert_fits(mapping: dict[str, Any], document: dict[str, Any], path: str = "") -> None:
    """Every field of `document` is mapped, with a value its type accepts."""
    properties = mapping["properties"]
    for name, value in document.items():
        where = f"{path}{name}"
        assert name in properties, f"{where} is not in the mapping (dynamic: strict)"
        field = properties[name]
        if field.get("enabled") is False or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        kind = field.get("type", "object")
        for item in values:
            if kind in ("object", "nested"):
                assert isinstance(item, dict), where
                assert_fits(field, item, f"{where}.")
            elif kind == "date":
                if field.get("format") == "strict_date":
                    date.fromisoformat(item)
                else:
                    datetime.fromisoformat(item)
            elif kind in ("integer",):
                assert isinstance(item, int) and not isinstance(item, bool), where
            elif kind == "double":
                assert isinstance(item, int | float), where
            elif kind == "boolean":
                assert isinstance(item, bool), where
            else:
                assert isinstance(item, str), (where, kind, item)


def test_mappings_are_strict_and_analysed() -> None:
    for kind, build in MAPPINGS.items():
        mapping = build()
        assert mapping["dynamic"] == "strict", kind
        assert mapping["_meta"]["kind"] == kind
    clauses = MAPPINGS["clauses"]()["properties"]
    assert clauses["text"]["analyzer"] == "contract_english"
    assert clauses["text"]["fields"]["exact"]["analyzer"] == "contract_exact"
    analysis = index_settings()["analysis"]
    english = analysis["analyzer"]["contract_english"]["filter"]
    assert "stop" not in " ".join(english), "no stop words: 'not' and 'no' matter in contracts"
    assert analysis["filter"]["contract_stemmer"] == {"type": "stemmer", "language": "english"}


def test_every_document_fits_its_mapping(
    contracts: dict[str, ContractRecord], make_record: Callable[..., ContractRecord]
) -> None:
    rich = make_record(
        "rich",
        sla=[SlaCommitment(metric=SlaMetric.availability, target=99.9, unit="percent",
                           window="month")],
        penalties=[Penalty(kind=PenaltyKind.service_credit, amount=10,
                           unit="percent_of_monthly_fees",
                           cap=Amount(amount=50, unit="percent_of_monthly_fees"))],
    )
    for record in [*contracts.values(), rich]:
        document = record_document(record, added_at=NOW, updated_at=NOW)
        assert_fits(MAPPINGS["records"](), document)
        assert ContractRecord.model_validate(document["record"]) == record
        for ordinal, clause in enumerate(record.clauses):
            assert_fits(MAPPINGS["clauses"](), clause_document(record, ordinal, clause))
    assert record_document(rich, added_at=NOW, updated_at=NOW)["penalties"] == [{
        "kind": "service_credit", "amount": 10.0, "unit": "percent_of_monthly_fees",
        "cap_amount": 50.0, "cap_unit": "percent_of_monthly_fees"}]


def test_ledger_documents_fit_their_mappings() -> None:
    assert_fits(MAPPINGS["alerts"](), {
        "key": "k", "record_id": "a" * 64, "deadline": "2025-11-30", "lead_days": 90,
        "channel": "email", "sent_at": "2025-09-01T09:30:00+02:00"})
    assert_fits(MAPPINGS["lead-days"](), {"record_id": "a" * 64, "lead_days": [30, 7],
                                          "updated_at": "2026-01-01T00:00:00+00:00"})


def test_ids_are_deterministic(contracts: dict[str, ContractRecord]) -> None:
    msa = contracts["msa"]
    assert clause_id(msa.id, 3) == f"{msa.id}-3"
    assert "-" not in msa.id, "the record id is everything before the first hyphen"


# --- snippets ----------------------------------------------------------------------------------


def test_marked_text_is_split_into_text_and_spans() -> None:
    assert parse_marked("a \x02b\x03 c \x02d e\x03") == ("a b c d e", [(2, 3), (6, 9)])


@pytest.mark.parametrize(
    ("marked", "tokens", "expected"),
    [
        ("Service \x02outages\x03 over four hours.", 24, "Service «outages» over four hours."),
        ("a b c d \x02e\x03 f g h i j", 3, "…d «e» f…"),
        ("\x02a\x03 b c d e f", 3, "«a» b c…"),
        ("a b c d e \x02f\x03", 3, "…d e «f»"),
        ("the \x02service\x03 \x02credit\x03 applies here and there", 4,
         "the «service credit» applies…"),
        ("no match in this text at all", 3, "no match in…"),
        ("x \x02a\x03 y y y y \x02b\x03 \x02c\x03 y", 4, "…y \x02b\x03 \x02c\x03 y"),
    ],
)
def test_snippet_window(marked: str, tokens: int, expected: str) -> None:
    text = parse_marked(marked)[0]
    expected = expected.replace("\x02b\x03 \x02c\x03", "«b c»")
    assert snippet(text, marked, Highlight(tokens=tokens)) == expected


def test_snippet_markers_are_the_callers() -> None:
    marked = "Customer may end this Agreement for \x02convenience\x03 on ninety days."
    text = parse_marked(marked)[0]
    html = snippet(text, marked, Highlight(start="<mark>", end="</mark>", ellipsis="...",
                                           tokens=4))
    assert html == "...Agreement for <mark>convenience</mark> on..."


# --- write plans, against the embedded store's rules ------------------------------------------


def _run_plans(batches: list[tuple[list[ContractRecord], bool]]) -> list[list[AddOutcome]]:
    """Apply batches with `plan_batch` to an in-memory store; the outcomes of each."""
    held: dict[str, Stored] = {}
    results = []
    for batch, as_new in batches:
        plan = plan_batch(batch, held, as_new_versions=as_new, now=NOW)
        for rid, write in plan.writes.items():
            held[rid] = Stored(write.record, write.added_at)
        results.append([o for o in plan.outcomes if o is not None])
    return results


def _v(record: ContractRecord, tag: str, **changes: object) -> ContractRecord:
    return record.model_copy(update={"id": record_id(tag), **changes})


def test_plans_follow_the_embedded_stores_rules(
    contracts: dict[str, ContractRecord], sqlite_store: SqlitePortfolio
) -> None:
    msa, nda = contracts["msa"], contracts["nda"]
    batches = [
        ([msa], True),
        ([_v(msa, "v2"), _v(msa, "v3", filename="NORTHWIND-MSA.PDF")], True),
        ([msa.model_copy(update={"extractor_version": "newer"}), _v(msa, "v2")], True),
        ([nda, nda, nda.model_copy(update={"pages": 5})], False),
        ([_v(nda, "other")], False),
    ]
    planned = _run_plans(batches)
    stored = [sqlite_store.add_many(batch, as_new_versions=as_new) for batch, as_new in batches]
    assert planned == stored
    assert planned[1] == [AddOutcome.new_version, AddOutcome.new_version]
    assert planned[2] == [AddOutcome.replaced, AddOutcome.unchanged]


def test_a_rejected_new_version_restores_the_one_it_superseded(
    contracts: dict[str, ContractRecord],
) -> None:
    """The newer version failed: the older one must be current again, nothing else touched."""
    v1, nda = contracts["msa"], contracts["nda"]
    held = {v1.id: Stored(v1, NOW), nda.id: Stored(nda, NOW)}
    v2 = _v(v1, "v2")
    batch = [v2, nda.model_copy(update={"pages": 9})]
    first = plan_batch(batch, held, as_new_versions=True, now=NOW)
    assert first.writes[v1.id].record.superseded_by == v2.id
    second = plan_batch(batch, held, as_new_versions=True, now=NOW, skip=frozenset({0}))
    fixes = {f.record_id: f for f in corrections(first, second, held, failed={v2.id})}
    assert set(fixes) == {v1.id, v2.id}, "the replaced NDA was written as wanted: left alone"
    assert fixes[v2.id].target is None and fixes[v2.id].indexed_clauses == len(v1.clauses)
    restored = fixes[v1.id].target
    assert restored is not None and restored.record == v1 and restored.record.superseded_by is None
    assert second.outcomes == [None, AddOutcome.replaced]
    assert second.lead_day_copies == []
