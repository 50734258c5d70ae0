"""The spaCy rule pipeline: a blank English tokenizer plus rule components.

No statistical model is used (none can be installed offline, and contract language is
formulaic enough for rules). The pipeline is:

1. `sentencizer`, with line-break aware sentence starts (numbered headings start one);
2. `contract_entities`, a SpanRuler whose token patterns live in
   `patterns/entities.jsonl`: DATE, DURATION, PERCENT, MONEY mentions, written as
   `doc.ents` (longest match wins).

Field extractors then read sentences and entities; they never re-tokenize. The pipeline
is built once per process (`contract_pipeline()` is cached): loading is the slow part.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
import srsly
from spacy.language import Language
from spacy.tokens import Doc

PATTERNS_DIR = Path(__file__).with_name("patterns")
ENTITY_LABELS = ("DATE", "DURATION", "PERCENT", "MONEY")
MAX_TEXT_CHARS = 5_000_000


@Language.component("line_sentence_starts")
def line_sentence_starts(doc: Doc) -> Doc:
    """Start a sentence after a blank line or before a numbered heading ("12.3 Term").

    The punctuation-based sentencizer would otherwise glue a heading without a full stop
    onto the clause that follows, or a whole table onto one "sentence".
    """
    for i, token in enumerate(doc[:-1]):
        if token.is_space and token.text.count("\n") >= 2:
            doc[i + 1].is_sent_start = True
        elif token.is_space and "\n" in token.text:
            nxt = doc[i + 1]
            if nxt.like_num and i + 2 < len(doc) and doc[i + 2].text in {".", ")"}:
                doc[i + 1].is_sent_start = True
            elif nxt.text.istitle() and doc[i - 1].text in {".", ":", ";"} if i else False:
                doc[i + 1].is_sent_start = True
    return doc


def _build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = MAX_TEXT_CHARS
    nlp.add_pipe("line_sentence_starts")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe(
        "span_ruler",
        name="contract_entities",
        config={
            "spans_key": None,
            "annotate_ents": True,
            "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
            "validate": True,
        },
    )
    ruler.add_patterns(list(srsly.read_jsonl(PATTERNS_DIR / "entities.jsonl")))  # type: ignore[attr-defined]
    return nlp


@lru_cache(maxsize=1)
def contract_pipeline() -> Language:
    """The process-wide pipeline (built on first use; ~0.3 s)."""
    return _build_pipeline()


def parse(text: str) -> Doc:
    """Run the pipeline over a whole contract text."""
    return contract_pipeline()(text)
