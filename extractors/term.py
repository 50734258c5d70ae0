"""Initial term, expiration date, and perpetual/evergreen status.

Read from the sentences that talk about the term of the agreement:

* expiration stated as a date: "shall continue until March 31, 2027", "expires on ...";
* initial term as a duration: "an initial term of three (3) years", "for a period of
  twelve (12) months from the Effective Date";
* no end at all: "perpetual", "in perpetuity"; or *evergreen*, "shall continue until
  terminated by either party on thirty (30) days' notice" (the notice is kept: it is
  what an admin must give to get out).

A duration inside a renewal phrase ("successive one (1) year terms") is the renewal
term, not the initial term, and is left to `extractors.renewal`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from extractors.document import ContractText
from extractors.renewal import notice_period_in
from extractors.sentences import entities_in, sentences, text_of
from extractors.values import parse_date, parse_duration
from schemas import Duration, DurationUnit, Evidence
from schemas.terms import term_end

_TERM_SENTENCE = re.compile(
    r"\bterm\b|\bexpir|\bduration\b|\bperpetu|\bin\s+effect\b|\bin\s+force\b|\buntil\b|"
    r"\bcontinu\w*\s+for\b|\bcommenc|\bvalid\b|\banniversary\b|\bremain\b|\bforce\b|\bendur|"
    r"\bindefinite|\bterminable\b|\bin\s+operation\b|\binitial\s+period\b"
)
"""Searched in lower-cased sentences (twice as fast as a case-blind search)."""
_EXPIRY_BEFORE_DATE = re.compile(
    r"(?:until|through|expir\w*(?:\s+on)?|terminat\w*\s+on|end(?:ing|s)?(?:\s+(?:on|as\s+of))?|"
    r"up\s+to\s+and\s+including|expiration\s+date\"?\s*(?:is|shall\s+be|of|means|shall\s+mean)|"
    r"continu\w+\s+to|until\s+the\s+(?:earlier|later)\s+of\s*(?:\((?:i|a|1)\))?|"
    r"from\s+\S[^.;]{0,40}?\s+to)"
    r"(?:\s+(?:and\s+including|midnight|11:59\s*p\.?m\.?)[^,]{0,20})?\s*(?:on\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_INITIAL_TERM_BEFORE = re.compile(
    r"(?:initial\s+(?:term|period)[^.;]{0,80}?\b(?:is|be|of|for)|"
    r"term\s+of\s+(?:this|the)\s+\w+|(?:a|the)\s+(?:fixed\s+|minimum\s+|initial\s+)?(?:term|period)"
    r"(?:\s*\([^)]{0,30}\))?|\bterm\s*:|"
    r"term\s+(?:shall|will)\s+be|remain\s+(?:in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?|"
    r"valid|effective)|continu\w+(?:\s+in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?)?|"
    r"for|commenc\w+[^.]{0,60}for|shall\s+be)"
    r"\s*(?:is|shall\s+be|will\s+be)?\s*(?:initially\s+)?(?:of|for|until)?\s*(?:the\s+|a\s+)?"
    r"(?:a\s+(?:minimum\s+)?(?:period|term)\s+of\s+)?$",
    re.IGNORECASE,
)
_ENDS_BEFORE = re.compile(r"\b(?:end|expir|terminat)\w*\s*$", re.IGNORECASE)
_ENDS_AFTER = re.compile(
    r"^\s*(?:thereafter|after\s+(?:the\s+)?(?:effective\s+date|commencement\s+date|date\s+"
    r"(?:hereof|of\s+this)))",
    re.IGNORECASE,
)
"""'... beginning on the Effective Date and ending two (2) years thereafter': the term is the
duration between; without the anchor after it ('terminate 30 days after notice') it is not."""
_ANNIVERSARY = re.compile(
    r"(?:\b(?:end|expire|terminate)\w*\s+(?:on|upon|at)|\buntil(?:\s+the\s+(?:later|earlier)\s+of"
    r"\s*(?:\((?:a|i|1)\))?)?)\s+the\s+(?P<nth>first|second|third|fourth|"
    r"fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))\s*(?:\(\s*\d+\w*\s*\)\s*)?"
    r"anniversary",
    re.IGNORECASE,
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_RENEWAL_BEFORE = re.compile(
    r"(?:successive|additional|renewal|further|consecutive|extension|extended|renew\w*)"
    r"[^.;]{0,30}$",
    re.IGNORECASE,
)
_NOT_A_TERM = re.compile(r"(?:notice|prior|within|after|following|before|payment)\s*$", re.I)
_PERPETUAL = re.compile(
    r"\b(?:agreement|contract|term|licen[cs]e)\b[^.;]{0,80}?\b(?:is|are|be|remain\w*|continu\w*)"
    r"\s+(?:in\s+effect\s+)?(?:perpetual(?:ly)?\b|in\s+perpetuity|indefinite(?:ly)?\b)|"
    r"\b(?:agreement|contract|term|employment|appointment)\b[^.;]{0,80}?"
    r"(?:continue|remain)[^.;]{0,60}?until\s+(?:terminated|(?:either|a|one)\s+party\s+"
    r"(?:terminates|gives\s+notice))|"
    r"\bcontinue\s+unless\s+and\s+until\s+(?:either|a|one)\s+party\s+gives\s+notice|"
    r"\b(?:agreement|contract|term)\b[^.;]{0,80}?\bcontinu\w*\s+until\s+(?:the\s+|its\s+)?termination\b|"
    r"\bendur\w*\s+(?:in\s+perpetuity|indefinitely)|\bindefinite\s+(?:term|period|duration)\b|"
    r"\bnot\s+be\s+terminable\b|"
    r"\bno\s+(?:fixed\s+)?(?:term|expiration\s+date)\b|\bdoes\s+not\s+expire\b",
    re.IGNORECASE,
)
_EVERGREEN = re.compile(
    r"until\s+terminated\s+by\s+(?:either|any|a|one)\s+party[^.;]{0,80}notice|"
    r"until\s+(?:either|a|one)\s+party\s+gives\s+notice|"
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
    continues_after_term: bool = False
    """An initial term, then evergreen: "three (3) years, and thereafter until terminated by
    either party on ninety (90) days' notice" (`evergreen` stays set beside the term)."""
    no_end_evidence: Evidence | None = None
    termination_notice: Duration | None = None
    term_anchor: str | None = None
    """The event the initial term runs from when it is not the contract's start ("twenty-five
    years following the RFS Date"): no calendar term end can be computed from it."""
    expiration_strength: int = 0
    """How plainly the sentence of `expiration_date` sets the contract's own term (its score
    plus one); `initial_term_strength` likewise for `initial_term`."""
    initial_term_strength: int = 0
    warnings: list[str] = field(default_factory=list)


def _term_sentences(doc: Doc) -> list[tuple[Span, str]]:
    """The sentences that may set the term, each with its lower-cased text."""
    lowered = ((s, text_of(s).lower()) for s in sentences(doc))
    return [(s, low) for s, low in lowered if _TERM_SENTENCE.search(low)]


_TERM_DEFINING = re.compile(
    r"initial\s+(?:subscription\s+)?term|term\s+of\s+this\s+\w+|this\s+\w+\s+(?:shall|will)\s+"
    r"(?:commence|continue|remain|be\s+in\s+effect)|\bterm\b[^.]{0,20}\b(?:shall|will)\s+be",
    re.IGNORECASE,
)
_OTHER_PERIOD = re.compile(
    r"surviv|after\s+(?:the\s+|its\s+|such\s+)?(?:termination|expiration|expiry)|"
    r"for\s+[^.;]{0,30}thereafter|insurance|warrant|force\s+majeure|suspen|"
    r"confidential|retain|records|non-?compet|non-?solicit|audit|statute|limitation\s+period|"
    r"payment|invoice|support\s+term|maintenance\s+term",
    re.IGNORECASE,
)


_DEFINES_OTHER = re.compile(
    r"(?P<defined>[a-z][^\"]{1,40})\"\s+(?:means|shall\s+mean|refers\s+to)"
)
"""A definition; the opening quote may be cut off by sentence splitting."""


_OWN_TERM_NAME = re.compile(
    r"^(?:the\s+)?(?:initial\s+|agreement\s+|contract\s+)?term$|expir", re.IGNORECASE
)
"""Names of the contract's own term; '"Arizona Trademark License Term" means' is another."""


def _sentence_score(lowered: str) -> int:
    """How much a sentence looks like the one that sets the contract's own term.

    A definition of some other period ('"Calendar Year" means the twelve-month period
    ending on December 31', '"Trademark License Term" means ...') says nothing about when
    the contract ends.
    """
    definition = _DEFINES_OTHER.search(lowered)
    if definition and not _OWN_TERM_NAME.search(definition["defined"]):
        return -5
    score = 3 if _TERM_DEFINING.search(lowered) else 0
    if "effective date" in lowered or "commenc" in lowered:
        score += 1
    if _OTHER_PERIOD.search(lowered):
        score -= 4
    return score


def find_term(text: ContractText, doc: Doc, day_first: bool = False) -> TermFindings:
    """Initial term, expiration date and perpetual/evergreen status with evidence.

    Every term sentence is scored ("initial term", "this Agreement shall continue" up;
    survival, insurance, warranty periods down); the best-scoring sentence with a
    stated end date or duration wins, so "obligations survive for five (5) years"
    never becomes the contract term.
    """
    found = TermFindings()
    best_expiry = best_term = 0
    for sentence, lowered in _term_sentences(doc):
        score = _sentence_score(lowered)
        expiry, duration = _stated_end(text, sentence, lowered, day_first)
        if expiry is not None and score + 1 > best_expiry and _about_contract(lowered):
            best_expiry = score + 1
            found.expiration_date = expiry
            found.expiration_evidence = text.evidence(sentence.start_char, sentence.end_char)
        if duration is not None and score + 1 > best_term:
            best_term = score + 1
            found.initial_term = duration
            found.initial_term_evidence = text.evidence(sentence.start_char, sentence.end_char)
            found.term_anchor = _event_anchor(text_of(sentence))
        if not found.perpetual and score > -2:
            _read_no_end(text, sentence, lowered, found)
    found.expiration_strength, found.initial_term_strength = best_expiry, best_term
    if found.expiration_date or found.initial_term:
        # A stated end wins over a perpetual licence grant elsewhere in the contract; an
        # evergreen sentence that runs on *after* the term keeps it running past its end.
        found.perpetual = False
        found.evergreen = found.continues_after_term = found.evergreen and _runs_on_after(
            found.no_end_evidence)
    return found


_RUNS_ON_AFTER = re.compile(
    r"\bthereafter\b|\bafter\s+(?:the\s+|its\s+|such\s+)?(?:initial\s+term|expir\w*|end)\b|"
    r"\b(?:following|upon\s+(?:the\s+)?(?:expiration|expiry|end)\s+of)\s+(?:the\s+|its\s+|such\s+)?"
    r"initial\s+(?:term|period)|\bbeyond\s+(?:the\s+)?initial\b",
    re.IGNORECASE,
)


def _runs_on_after(no_end: Evidence | None) -> bool:
    """Whether an evergreen sentence continues the contract after a fixed term ("and
    thereafter until terminated", "following the Initial Term, ... until either party gives
    notice") rather than stating that it has none."""
    return no_end is not None and bool(_RUNS_ON_AFTER.search(no_end.text))


_IN_EFFECT = re.compile(
    r"\bin\s+(?:full\s+)?(?:force\s+and\s+)?effect\b|\bremain\w*\s+(?:effective|valid|in\s+force)\b|"
    r"\btake\s+effect\b|\bcome\s+into\s+(?:force|effect)\b"
)


def _stated_end(
    text: ContractText, sentence: Span, lowered: str, day_first: bool
) -> tuple[date | None, Duration | None]:
    """The end date and/or term duration a sentence (`lowered`: its text, lower-cased)
    states, if any."""
    # "Effective Date" alone is a name, not a statement about how long the contract runs.
    is_term_sentence = "term" in lowered or "expir" in lowered or bool(_IN_EFFECT.search(lowered))
    expiry: date | None = None
    duration: Duration | None = None
    source = text.text
    for ent in entities_in(sentence):
        before = source[max(sentence.start_char, ent.start_char - 110) : ent.start_char]
        if ent.label_ == "DATE" and expiry is None and is_term_sentence:
            if _EXPIRY_BEFORE_DATE.search(before):
                expiry = parse_date(ent.text, day_first)
        elif ent.label_ == "DURATION" and duration is None and _about_term(lowered):
            if _RENEWAL_BEFORE.search(before) or _NOT_A_TERM.search(before):
                continue
            after = source[ent.end_char : ent.end_char + 40]
            if _INITIAL_TERM_BEFORE.search(before) or (
                _ENDS_BEFORE.search(before) and _ENDS_AFTER.search(after)
            ):
                parsed = parse_duration(ent.text)
                if parsed is not None and parsed.count > 0:
                    duration = parsed
    if duration is None and _about_term(lowered):
        anniversary = _ANNIVERSARY.search(text_of(sentence))
        if anniversary is not None:
            nth = anniversary["nth"].lower()
            years = _ORDINALS.get(nth) or int(re.sub(r"\D", "", nth))
            duration = Duration(count=years, unit=DurationUnit.years)
    return expiry, duration


_EVENT_ANCHOR = re.compile(
    r"\b(?:years?|months?|days?)\)?\s+(?:(?:commencing|starting|beginning|measured)\s+)?"
    r"(?:following|after|from|on)\s+(?:the\s+)?(?:date\s+of\s+(?:the\s+)?)?"
    r"\"?(?P<event>(?:[A-Z][\w-]*\s+(?:(?:for|of|to|in)\s+)?){0,4}"
    r"(?:Date|Launch|Sale|Acceptance|Approval|Closing))\b"
)
_CONTRACT_START = re.compile(
    r"^(?:(?:the|this)\s+)?(?:Effective|Execution|Agreement|Signature|Signing|Start|"
    r"Commencement|Contract)\s+Date$",
    re.IGNORECASE,
)


def _event_anchor(sentence: str) -> str | None:
    """The defined event a term duration runs from, when it is not the contract's start.

    "twenty-five (25) years following the RFS Date" runs from an event whose date the
    contract does not state; "three years from the Effective Date" is the usual start.
    """
    match = _EVENT_ANCHOR.search(sentence)
    if match is None or _CONTRACT_START.match(match["event"].strip()):
        return None
    return match["event"].strip()


def _read_no_end(
    text: ContractText, sentence: Span, lowered: str, found: TermFindings
) -> None:
    said = text_of(sentence)
    no_end = _PERPETUAL.search(said)
    if no_end is None or _is_survival(lowered):
        return
    found.perpetual = True
    found.evergreen = bool(_EVERGREEN.search(said))
    found.no_end_evidence = text.evidence(sentence.start_char, sentence.end_char)
    if found.evergreen:
        notice = notice_period_in(text.text, sentence)
        found.termination_notice = parse_duration(notice.text) if notice is not None else None


PLAINER_BY = 3
"""How much more plainly the initial term must be stated than an end date that disagrees
with it for the term to win (one term-defining phrase: "This Agreement shall continue for
a period of three (3) years" against an end date in a table or an amendment)."""
AGREEING_DAYS = 31
"""A stated end date within this many days of start + initial term agrees with it."""


def stated_end_contradicted(term: TermFindings, start: date | None) -> date | None:
    """The end of the initial term from `start`, when it should replace the stated end date.

    Both stated is the common case and they agree ("three years ... until March 31, 2027").
    When they disagree by more than a month, the sentence that more plainly sets the
    contract's own term wins: a stated date read from a weak sentence (a table row, a
    supplement's attachment, an amendment's recital) loses to "This Agreement shall
    continue for a period of three (3) years". A date stated at least as plainly is kept.
    """
    if term.expiration_date is None or term.initial_term is None or start is None \
            or term.term_anchor is not None:
        return None
    computed = term_end(start, term.initial_term)
    if abs((computed - term.expiration_date).days) <= AGREEING_DAYS:
        return None
    if term.initial_term_strength < term.expiration_strength + PLAINER_BY:
        return None
    return computed


def _about_term(lowered_sentence: str) -> bool:
    return "term" in lowered_sentence or bool(
        re.search(r"remain\s+(?:in\s+(?:full\s+)?(?:force|effect)|valid|effective)|"
                  r"continue\s+(?:in\s+(?:effect|operation)\s+)?for", lowered_sentence)
    )


_CONTRACT_SUBJECT = re.compile(
    r"\b(?:agreement|contract|term|licen[cs]e|lease|arrangement|expiration\s+date|expiry\s+date)\b"
)


_SUB_DOCUMENT_SUBJECT = re.compile(
    r"\bthis\s+(?:supplement|statement\s+of\s+work|sow|schedule|exhibit|attachment|appendix|"
    r"annex|(?:work|purchase|service|change)\s+order|order\s+form|task\s+order)\b"
)
"""A part of the contract that has a term of its own ('This Supplement ... shall expire
February 26, 1999'), read as the subject of an end date."""

_THIS_CONTRACT = re.compile(r"\bthis\s+(?:\w+\s+){0,3}?(?:agreement|contract)\b")


def _about_contract(lowered_sentence: str) -> bool:
    """An end date must be the contract's: 'All Transition Services will expire December 31,
    1998' ends a service inside a three-year agreement, not the agreement; nor does 'This
    Supplement ... expire(s) February 26, 1999 unless terminated under Section 5 of the
    Agreement' end the agreement it names."""
    if _SUB_DOCUMENT_SUBJECT.search(lowered_sentence) and not _THIS_CONTRACT.search(
        lowered_sentence
    ):
        return False
    return bool(_CONTRACT_SUBJECT.search(lowered_sentence))


def _is_survival(lowered_sentence: str) -> bool:
    """'... shall survive termination' and perpetual confidentiality are not the contract term."""
    return "surviv" in lowered_sentence or "confidential" in lowered_sentence
