"""The spaCy rule pipeline: a blank English tokenizer plus rule components.

No statistical model is used (none can be installed offline, and contract language is
formulaic enough for rules). The pipeline is:

1. sentence starts: at line breaks that start text (`line_sentence_starts`: a blank line,
   a numbered heading), then after sentence-final punctuation (`punctuation_sentence_starts`,
   spaCy's `sentencizer` rule computed on arrays);
2. `contract_entities`, a SpanRuler whose token patterns live in
   `patterns/entities.jsonl`: DATE, DURATION, PERCENT, MONEY mentions, written as
   `doc.ents` (longest match wins).

Field extractors then read sentences and entities; they never re-tokenize. The pipeline
is built once per process (`contract_pipeline()` is cached): loading is the slow part.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import numpy as np
import spacy
import srsly
from spacy.attrs import IS_PUNCT, IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex
from thinc.types import Ints2d

import extractors.entity_windows  # noqa: F401  (registers the windowed_span_ruler factory)
from extractors.sentences import remember_text

PATTERNS_DIR = Path(__file__).with_name("patterns")
ENTITY_LABELS = ("DATE", "DURATION", "PERCENT", "MONEY")
MAX_TEXT_CHARS = 5_000_000


@Language.component("line_sentence_starts")
def line_sentence_starts(doc: Doc) -> Doc:
    """Start a sentence after a blank line or before a numbered heading ("12.3 Term").

    The punctuation-based sentencizer would otherwise glue a heading without a full stop
    onto the clause that follows, or a whole table onto one "sentence". Only the space
    tokens holding a line break are visited (found with array operations, not a Python
    loop over every token).
    """
    starts = [
        i + 1 for i in _line_break_tokens(doc)
        if doc[i].text.count("\n") >= 2 or _numbered(doc, i + 1) or _after_stop(doc, i + 1)
    ]
    if starts:  # one array write: each `token.is_sent_start = True` rescans the whole doc
        sent_starts = np.asarray(doc.to_array([SENT_START]))
        sent_starts[starts] = 1
        doc.from_array([SENT_START], cast(Ints2d, sent_starts))
    return doc


@Language.component("punctuation_sentence_starts")
def punctuation_sentence_starts(doc: Doc) -> Doc:
    """spaCy's `sentencizer` rule, on arrays: a sentence starts at the first word after
    sentence-final punctuation (".", "!", "?" and their kin); starts already set stay.

    The stock component visits every token as a Python object (0.74 s over the 116
    cuad-dev contracts); this computes the same starts from the token table (0.29 s).
    A "word" is any token that is neither punctuation nor a final mark (white space
    counts, as in spaCy). `tests/extractors/test_nlp_pipeline.py` compares both on real
    contracts.
    """
    if len(doc) == 0:
        return doc
    table = np.asarray(doc.to_array([ORTH, IS_PUNCT, SENT_START]))
    final = np.isin(table[:, 0], _FINAL_MARKS)
    words = np.flatnonzero((table[:, 1] == 0) & ~final)
    marks_before: np.ndarray = np.cumsum(final) - final  # final marks before each token
    # A word starts a sentence when a final mark lies between it and the previous word.
    previous = np.concatenate(([0], marks_before[words[:-1]]))
    starts = np.zeros(len(doc), dtype=bool)
    starts[0] = True
    starts[words[marks_before[words] > previous]] = True
    current = table[:, 2].astype(np.int64)
    current[current > 1] = -1  # unsigned -1 read back as the signed "not a start"
    unset = current == 0
    current[unset] = np.where(starts[unset], 1, -1)
    doc.from_array([SENT_START], cast(Ints2d, current.astype(np.uint64)))
    return doc


_FINAL_MARKS = np.array([hash_string(mark) for mark in Sentencizer.default_punct_chars],
                        dtype=np.uint64)
"""The ORTH ids of the sentencizer's sentence-final marks (ids are hashes of the text)."""


def _numbered(doc: Doc, i: int) -> bool:
    """Token i starts a numbered line: "12." or "3)"."""
    return bool(doc[i].like_num) and i + 1 < len(doc) and doc[i + 1].text in {".", ")"}


def _after_stop(doc: Doc, i: int) -> bool:
    """Token i is a capitalised word after a line break that follows a full stop or colon."""
    return i > 1 and doc[i].text.istitle() and doc[i - 2].text in {".", ":", ";"}


def _line_break_tokens(doc: Doc) -> list[int]:
    """Indices of the space tokens containing a line break, the last token excepted."""
    if len(doc) < 2:
        return []
    table = doc.to_array([IS_SPACE, ORTH])
    spaces = table[:, 0] != 0
    breaks = [orth for orth in np.unique(table[spaces, 1]).tolist()
              if "\n" in doc.vocab.strings[orth]]
    found = spaces & np.isin(table[:, 1], np.array(breaks, dtype=np.uint64))
    return list(np.flatnonzero(found[:-1]).tolist())


_ANY_SPACE = {"IS_SPACE": True, "OP": "*"}


def _space_tolerant(entry: dict[str, Any]) -> dict[str, Any]:
    """Let a token pattern match across extra white space ("day of  September").

    spaCy keeps a run of spaces beyond the first as a token of its own; PDFs are full of
    them, and writing the optional space into every pattern would bury the data file.
    """
    tokens = entry["pattern"]
    if not isinstance(tokens, list) or len(tokens) < 2:
        return entry
    spaced: list[dict[str, Any]] = [tokens[0]]
    for token in tokens[1:]:
        spaced += [_ANY_SPACE, token]
    return {**entry, "pattern": spaced}


def _build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.max_length = MAX_TEXT_CHARS
    # "five (5)-year terms": split "5)-year" into 5 ) - year, as in "five (5) year terms".
    infixes = [*(nlp.Defaults.infixes or ()), r"(?<=[0-9])\)(?=-)", r"(?<=\))-(?=[A-Za-z])"]
    tokenizer: Tokenizer = nlp.tokenizer
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS + 50_000  # + white-space runs
    nlp.add_pipe("line_sentence_starts")
    nlp.add_pipe("punctuation_sentence_starts")
    ruler = nlp.add_pipe(
        "windowed_span_ruler",  # spaCy's span_ruler, matching where matches can be
        name="contract_entities",
        config={
            "spans_key": None,
            "annotate_ents": True,
            "ents_filter": {"@misc": "spacy.first_longest_spans_filter.v1"},
            "validate": True,
        },
    )
    patterns = [_space_tolerant(p) for p in srsly.read_jsonl(PATTERNS_DIR / "entities.jsonl")]
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


@lru_cache(maxsize=1)
def contract_pipeline() -> Language:
    """The process-wide pipeline (built on first use; ~0.3 s)."""
    return _build_pipeline()


_HEADING_LINE = re.compile(
    r"^[ \t]*(?:\d{1,2}(?:\.\d{1,2})*\.?[ \t]+[A-Z]|(?:ARTICLE|Article|SECTION|Section|EXHIBIT|"
    r"Exhibit|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix)\b|[^a-z\n]{4,80}$)"
)
"""A line that starts a section: numbered heading, ARTICLE/EXHIBIT..., or an all-caps line."""
_STANDALONE_HEADING = re.compile(
    r"^[ \t]*(?:(?:ARTICLE|Article|EXHIBIT|Exhibit|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix)"
    r"\b[^.]{0,80}|[^a-z\n]{4,80})$"
)
"""A heading that stands on its own line, so the line after it starts new text."""


def unwrap_lines(text: str) -> str:
    """Replace line breaks that only wrap a paragraph with spaces (same length, same offsets).

    PDF text breaks lines wherever the page did, so "March 15,\\n2025" or "one (1)\\nyear"
    would otherwise be two tokens apart with a newline token between them and no
    pattern would match. Breaks around blank lines and heading lines are kept, so
    sentence and section boundaries survive.
    """
    lines = text.split("\n")
    out: list[str] = []
    for index, line in enumerate(lines[:-1]):
        nxt = lines[index + 1]
        keep = (not line.strip() or not nxt.strip() or _HEADING_LINE.match(nxt) is not None
                or _STANDALONE_HEADING.match(line) is not None)
        out.append(line + ("\n" if keep else " "))
    out.append(lines[-1])
    return "".join(out)


def parse(text: str) -> Doc:
    """Run the pipeline over a whole contract text (offsets equal those of `text`)."""
    nlp = contract_pipeline()
    unwrapped = unwrap_lines(text)
    _warm_tokenizer_cache(nlp.tokenizer, unwrapped)
    return remember_text(nlp(unwrapped), unwrapped)


_WARMED: dict[int, set[str]] = {}
"""Per tokenizer: the white-space separated chunks already offered to its cache."""

TOKENIZER_CACHE_CHUNKS = 200_000
"""How many chunk splits spaCy's tokenizer may cache (spaCy's default is 10,000).

A handful of contracts fill 10,000 (numbers, names, dates are all new chunks); after that
nothing new was cached and every chunk of every later contract was split again with the
affix expressions: tokenizing the 116 cuad-dev contracts took 5.1 s, and 2.4 s with
this limit. They hold 50,000 distinct chunks, at ~340 bytes each (spaCy's entry and
our set of chunks seen); at the limit (~70 MB) the cache is emptied and fills again."""


def _warm_tokenizer_cache(tokenizer: Tokenizer, text: str) -> None:
    """Tokenize each chunk of `text` not seen before on its own, so spaCy caches it.

    spaCy's tokenizer caches how it split each chunk, but within one call it stops
    caching at the first chunk that touches a special case ("Inc.", "e.g.") and never
    resumes: over a whole contract nearly every chunk was split again with the affix
    regular expressions (a fifth of extraction time). A chunk tokenized on its own is
    split exactly as inside the document, and cached unless it is special; the document
    then reads the cache. The tokens are the same (`tests/extractors/test_nlp_pipeline.py`).
    """
    seen = _WARMED.setdefault(id(tokenizer), set())
    if len(seen) > TOKENIZER_CACHE_CHUNKS:  # full: start again rather than stop caching
        tokenizer._flush_cache()
        seen.clear()
    new = set(text.split()) - seen
    for chunk in new:
        tokenizer(chunk)
    seen |= new
