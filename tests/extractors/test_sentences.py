"""The sentence helpers read what spaCy's own properties read, only once per document."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.nlp import contract_pipeline, parse
from extractors.ocr import OcrOptions
from extractors.pdf import read_contract_text
from extractors.sentences import doc_text, entities_in, sentences, text_of

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "fixtures" / "contracts").glob("*.pdf"))
CUAD = sorted((REPO.parent / "shared" / "eval" / "cuad-dev" / "pdf").glob("*.pdf"))[:12]


@pytest.mark.parametrize("path", FIXTURES + CUAD, ids=lambda p: p.name[:40])
def test_sentences_text_and_entities_equal_spacys(path: Path) -> None:
    doc = parse(read_contract_text(path, ocr=OcrOptions(enabled=False)).text)
    assert doc_text(doc) == doc.text
    found = sentences(doc)
    assert [(s.start, s.end) for s in found] == [(s.start, s.end) for s in doc.sents]
    assert sentences(doc) is found  # built once
    for sentence in found:
        assert text_of(sentence) == sentence.text
        assert [(e.start, e.end, e.label_) for e in entities_in(sentence)] == [
            (e.start, e.end, e.label_) for e in sentence.ents
        ]
    assert any(entities_in(s) for s in found), "the contract has entities to compare"


@pytest.mark.parametrize("start, end", [(0, 3), (2, 9), (5, 6), (0, 40), (9, 40), (11, 12)])
def test_entities_in_any_span_equal_spacys(start: int, end: int) -> None:
    """Spans that cut through an entity, start inside one, or hold none."""
    doc = contract_pipeline()(
        "Fees of $5,000 are due within thirty (30) days, on 1 March 2024, for 12 months."
    )
    span = doc[start : min(end, len(doc))]
    assert [(e.start, e.end) for e in entities_in(span)] == [(e.start, e.end) for e in span.ents]


def test_a_doc_not_made_by_parse_reads_its_own_text() -> None:
    doc = contract_pipeline()("This Agreement renews for one (1) year. Notice is due.")
    assert [text_of(s) for s in sentences(doc)] == [s.text for s in doc.sents]
