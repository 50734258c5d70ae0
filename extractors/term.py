"""Initial term, expiration date, and perpetual/evergreen status.

Read from the sentences that talk about the term of the agreement:

* expiration stated as a date: "shall continue until March 31, 2027", "expires on ...";
* initial term as a duration: "an initial term of three (3) years", "for a period of
  twelve (12) months from the Effective Date";
* no end at all: "perpetual", "in perpetuity", "shall continue until terminated".

A duration inside a renewal phrase ("successive one (1) year terms") is the renewal
term, not the initial term, and is left to `extractors.renewal`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from extractors.document import ContractText
from extractors.values import parse_date, parse_duration
from schemas import Duration, Evidence

_TERM_SENTENCE = re.compile(
    r"\bterm\b|\bexpir|\bduration\b|\bperpetu|\bin\s+effect\b|\bin\s+force\b|\buntil\b",
    re.IGNORECASE,
)
_EXPIRY_BEFORE_DATE = re.compile(
    r"(?:until|through|expir\w*(?:\s+on)?|terminat\w*\s+on|end(?:ing|s)?\s+on|"
    r"up\s+to\s+and\s+including|expiration\s+date\s+(?:is|shall\s+be|of)|continu\w+\s+to)"
    r"(?:\s+(?:and\s+including|midnight|11:59\s*p\.?m\.?)[^,]{0,20})?\s*(?:on\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_INITIAL_TERM_BEFORE = re.compile(
    r"(?:initial\s+term|term\s+of\s+(?:this|the)\s+\w+|(?:a|the)\s+(?:fixed\s+)?(?:term|period)|"
    r"term\s+(?:shall|will)\s+be|remain\s+in\s+(?:full\s+)?(?:force|effect)|continu\w+|for|"
    r"commenc\w+[^.]{0,60}for|shall\s+be)\s*(?:of|for|until)?\s*(?:a\s+period\s+of\s+)?$",
    re.IGNORECASE,
)
_RENEWAL_BEFORE = re.compile(
    r"(?:successive|additional|renewal|further|consecutive|extension|extended|renew\w*)"
    r"[^.;]{0,30}$",
    re.IGNORECASE,
)
_NOT_A_TERM = re.compile(r"(?:notice|prior|within|after|following|before|payment)\s*$", re.I)
_PERPETUAL = re.compile(
    r"\b(?:perpetual(?:ly)?|in\s+perpetuity|indefinite(?:ly)?\b|"
    r"(?:continue|remain)\s+in\s+(?:full\s+)?(?:force|effect)[^.;]{0,60}until\s+terminated|"
    r"(?:continue|remain)[^.;]{0,40}until\s+(?:terminated|(?:either|a)\s+party\s+terminates))",
    re.IGNORECASE,
)
_EVERGREEN = re.compile(
    r"until\s+terminated\s+by\s+(?:either|any|a|one)\s+party[^.;]{0,80}notice|"
    r"terminable\s+(?:by\s+either\s+party\s+)?(?:at\s+any\s+time\s+)?(?:up)?on[^.;]{0,40}notice",
    re.IGNORECASE,
)


@dataclass
class TermFindings:
    initial_term: Duration | None = None
    initial_term_evidence: Evidence | None = None
    expiration_date: date | None = None
    expiration_evidence: Evidence | None = None
    perpetual: bool = False
    evergreen: bool = False
    no_end_evidence: Evidence | None = None
    warnings: list[str] = field(default_factory=list)


def _term_sentences(doc: Doc) -> list[Span]:
    return [s for s in doc.sents if _TERM_SENTENCE.search(s.text)]


def find_term(text: ContractText, doc: Doc, day_first: bool = False) -> TermFindings:
    """Initial term, expiration date and perpetual/evergreen status with evidence."""
    found = TermFindings()
    source = text.text
    for sentence in _term_sentences(doc):
        lowered = sentence.text.lower()
        is_term_sentence = "term" in lowered or "expir" in lowered or "effect" in lowered
        for ent in sentence.ents:
            before = source[max(sentence.start_char, ent.start_char - 70) : ent.start_char]
            if ent.label_ == "DATE" and found.expiration_date is None and is_term_sentence:
                if _EXPIRY_BEFORE_DATE.search(before):
                    value = parse_date(ent.text, day_first)
                    if value is not None:
                        found.expiration_date = value
                        found.expiration_evidence = text.evidence(
                            sentence.start_char, sentence.end_char
                        )
            elif ent.label_ == "DURATION" and found.initial_term is None and "term" in lowered:
                if _RENEWAL_BEFORE.search(before) or _NOT_A_TERM.search(before):
                    continue
                if _INITIAL_TERM_BEFORE.search(before):
                    duration = parse_duration(ent.text)
                    if duration is not None and duration.count > 0:
                        found.initial_term = duration
                        found.initial_term_evidence = text.evidence(
                            sentence.start_char, sentence.end_char
                        )
        if not found.perpetual and (is_term_sentence or "licen" in lowered):
            no_end = _PERPETUAL.search(sentence.text)
            if no_end and not _is_survival(lowered):
                found.perpetual = True
                found.evergreen = bool(_EVERGREEN.search(sentence.text))
                found.no_end_evidence = text.evidence(sentence.start_char, sentence.end_char)
    if found.expiration_date or found.initial_term:
        # A stated end wins over a perpetual licence grant elsewhere in the contract.
        found.perpetual = False
        found.evergreen = False
    return found


def _is_survival(lowered_sentence: str) -> bool:
    """'... shall survive termination' and perpetual confidentiality are not the contract term."""
    return "surviv" in lowered_sentence or "confidential" in lowered_sentence
