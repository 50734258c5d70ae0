"""The pipeline's speed-ups change nothing: same tokens, sentences and entities as spaCy's
plain components on real contracts.

The reference is the pipeline as spaCy runs it without them: the stock `span_ruler`
matching every token, a token-by-token `line_sentence_starts`, and a tokenizer whose
cache was never warmed. Documents: the fixture contracts, the CUAD contracts of
`../shared/eval/cuad-dev` when present, and hand-written edge cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

import extractors.nlp
from extractors.entity_windows import WindowPlan
from extractors.nlp import PATTERNS_DIR, _space_tolerant, contract_pipeline, parse, unwrap_lines
from extractors.ocr import OcrOptions
from extractors.pdf import read_contract_text

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "fixtures" / "contracts").glob("*.pdf"))
CUAD = sorted((REPO.parent / "shared" / "eval" / "cuad-dev" / "pdf").glob("*.pdf"))[:40]
EDGE_CASES = [
    "",
    "x",
    "Term.\n\n12.3 Renewal. This Agreement renews for one (1) year unless notice is given "
    "ninety  (90)   days before 31 December 2025, i.e. on or before 2 October 2025.",
    "Fees: US$ 1,250,000.50 million, EUR 3,000, 15% (fifteen percent) and 5 per-cent.\n"
    "Signed on March\n15, 2024 by Acme Corp. and Initech Inc.; effective 2024-03-01 or 03/01/24.",
    "a year an month one week (5) business days 30-day 12 consecutive calendar months\n\n\n",
    "e.g. Inc. U.S.A. 5)-year five (5)-year terms ________ ........ 1. Definitions",
    # sentence-final marks: leading, repeated, before quotes and brackets, before spaces
    ". Leading mark. \"Quoted.\" Next?! Yes!! (a) Item.) Then...  two   spaces. End",
    "No final mark at all",
    "...\n\n?",
    "Ends with a mark.",
    "\u3002 Full-width mark\u3002Next \u0964 Devanagari danda",
]


@Language.component("reference_line_sentence_starts")
def _reference_line_sentence_starts(doc: Doc) -> Doc:
    """`line_sentence_starts` as first written: one Python step per token."""
    for i, token in enumerate(doc[:-1]):
        if not token.is_space or "\n" not in token.text:
            continue
        nxt = doc[i + 1]
        numbered = nxt.like_num and i + 2 < len(doc) and doc[i + 2].text in {".", ")"}
        after_stop = i > 0 and nxt.text.istitle() and doc[i - 1].text in {".", ":", ";"}
        if token.text.count("\n") >= 2 or numbered or after_stop:
            doc[i + 1].is_sent_start = True
    return doc


def _reference_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = 5_000_000
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[0-9])\)(?=-)", r"(?<=\))-(?=[A-Za-z])"]
    tokenizer: Tokenizer = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("reference_line_sentence_starts")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("span_ruler", name="contract_entities", config={
        "spans_key": None, "annotate_ents": True, "validate": True,
        "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
    })
    patterns = [_space_tolerant(p) for p in srsly.read_jsonl(PATTERNS_DIR / "entities.jsonl")]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def _signature(doc: Doc) -> tuple[list[tuple[int, str, str, bool | None]], list[tuple]]:
    tokens = [(t.idx, t.text, t.whitespace_, t.is_sent_start) for t in doc]
    entities = [(e.start, e.end, e.label_, e.id_) for e in doc.ents]
    return tokens, entities


@pytest.fixture(scope="module")
def reference() -> Language:
    return _reference_pipeline()


@pytest.mark.parametrize("path", FIXTURES + CUAD, ids=lambda p: p.name[:40])
def test_contracts_parse_as_with_the_plain_components(path: Path, reference: Language) -> None:
    text = read_contract_text(path, ocr=OcrOptions(enabled=False)).text  # the text layer will do
    doc = parse(text)
    assert _signature(doc) == _signature(reference(unwrap_lines(text)))
    assert doc.ents, "the contract has dates and durations: the test compares something"


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_parse_as_with_the_plain_components(text: str, reference: Language) -> None:
    assert _signature(parse(text)) == _signature(reference(unwrap_lines(text)))


def test_contracts_parse_alike_when_the_tokenizer_cache_refills(
    reference: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that has read many contracts empties the tokenizer's cache and fills it
    again; the documents after that are tokenized exactly as before."""
    monkeypatch.setattr(extractors.nlp, "TOKENIZER_CACHE_CHUNKS", 200)
    for path in FIXTURES:
        text = read_contract_text(path, ocr=OcrOptions(enabled=False)).text
        assert _signature(parse(text)) == _signature(reference(unwrap_lines(text)))
    assert contract_pipeline().tokenizer.max_cache_size > 10_000  # spaCy's default caps it


def test_every_entity_pattern_can_be_windowed() -> None:
    """A pattern the windows cannot bound would silently send every document down the
    slow path: the data file must stay within what `WindowPlan` reads."""
    ruler = contract_pipeline().get_pipe("contract_entities")
    assert WindowPlan.from_patterns(ruler.patterns) is not None  # type: ignore[attr-defined]


def test_a_pattern_beyond_the_windows_falls_back_to_whole_documents() -> None:
    assert WindowPlan.from_patterns([{"label": "X", "pattern": [{"POS": "NOUN"}]}]) is None
    negated = [{"label": "X", "pattern": [{"LOWER": "a", "OP": "!"}]}]
    assert WindowPlan.from_patterns(negated) is None
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("windowed_span_ruler", config={"spans_key": None,
                                                         "annotate_ents": True})
    ruler.add_patterns([{"label": "NOUNISH", "pattern": [{"LENGTH": 5}]}])  # type: ignore[attr-defined]
    doc = nlp("three short words")
    assert [e.text for e in doc.ents] == ["three", "short", "words"]
