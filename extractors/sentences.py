"""A parsed contract's sentences, their text and their entities, read once per document.

spaCy builds `Span.text` by joining a Python object per token, `Doc.sents` by walking
every token, and `Span.ents` by walking every entity of the document; the term and
renewal readers asked for all three on every sentence, several times over: an eighth of
extraction time on cuad-dev. The pipeline's character offsets equal the text it was given
(`nlp.parse` keeps it beside the doc), so a sentence's text is a slice of that text and
its entities a bisect into the document's entities. Same strings, same spans, same order
(`tests/extractors/test_sentences.py`).
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span

_TEXT = "contract_text"
_SENTENCES = "contract_sentences"
_ENTITIES = "contract_entities"
_SPANS = "contract_sentence_spans"


def remember_text(doc: Doc, text: str) -> Doc:
    """Keep the text `doc` was parsed from (equal to `doc.text`, which spaCy rebuilds
    from every token on each call)."""
    doc.user_data[_TEXT] = text
    return doc


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once."""
    if _TEXT not in doc.user_data:
        remember_text(doc, doc.text)
    return str(doc.user_data[_TEXT])


def sentences(doc: Doc) -> list[Span]:
    """`list(doc.sents)`, built once per document (do not modify the list)."""
    found = doc.user_data.get(_SENTENCES)
    if found is None:
        found = doc.user_data[_SENTENCES] = list(doc.sents)
    return found


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences of `doc`, computed once per doc
    (the SLA and penalty readers walk the same sentences)."""
    cached = doc.user_data.get(_SPANS)
    if cached is None:
        cached = doc.user_data[_SPANS] = [(s.start_char, s.end_char) for s in sentences(doc)]
    return list(cached)


def text_of(span: Span) -> str:
    """`span.text`, as a slice of the document's text."""
    return doc_text(span.doc)[span.start_char : span.end_char]


def entities_in(span: Span) -> list[Span]:
    """`span.ents`: the document's entities inside `span`, in order.

    Like spaCy, it stops at the first entity that starts inside the span and runs past
    its end (entities never overlap, so none after it can lie inside).
    """
    doc = span.doc
    cached = doc.user_data.get(_ENTITIES)
    if cached is None:
        ents = list(doc.ents)
        cached = doc.user_data[_ENTITIES] = ([ent.start for ent in ents], ents)
    starts, ents = cached
    inside = []
    for ent in ents[bisect_left(starts, span.start) :]:
        if ent.end > span.end:
            break
        inside.append(ent)
    return inside
