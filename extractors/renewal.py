"""Auto-renewal, renewal term and the notice period to stop a renewal.

Contracts say it many ways; the rules look for a *renewal sentence* and read the
durations in it and in the sentence or two after it:

* "shall automatically renew for successive one (1) year terms unless either party
  gives notice of non-renewal at least ninety (90) days prior to the end of the
  then-current term" -> auto-renews, renewal term 1 year, notice 90 days;
* "thereafter continue from year to year" -> auto-renews, 1 year;
* "Customer may, at its option, renew for additional two-year periods" -> renewal term
  2 years, not automatic;
* "may be renewed by mutual written agreement for additional two-year periods" ->
  renewal term 2 years, not automatic, and no notice period (nothing to stop or exercise).

The notice period is the duration that stands before "(prior written) notice" or
"prior to / before the end/expiration": "sixty days' notice", "no less than thirty
(30) days prior to the expiration".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from extractors.document import ContractText
from extractors.sentences import entities_in, text_of
from extractors.sentences import sentences as doc_sentences
from extractors.values import parse_duration
from schemas import Duration, DurationUnit, Evidence

_RENEWAL_SENTENCE = re.compile(
    r"\brenew|\bextend|\bextension|\bsuccessive\b|\byear[\s-]+to[\s-]+year\b|"
    r"\bmonth[\s-]+to[\s-]+month\b|\bevergreen\b"
)
"""Searched in lower-cased sentences (twice as fast as a case-blind search)."""
_AUTOMATIC = re.compile(
    r"\bautomatic(?:ally)?\b[^.;]{0,40}\b(?:renew|extend|extension|continu)|"
    r"\b(?:renew|extend|continu)\w*\s+automatically|\bauto-?renew|"
    r"\b(?:shall|will)\s+(?:thereafter\s+)?(?:be\s+)?(?:renew|extend|continu)\w*\s+(?:thereafter\s+)?"
    r"(?:for|from|on|in)\s+(?:(?:a|an)\s+)?(?:successive|additional|further|consecutive|subsequent|"
    r"year|month)|"
    r"\byear[\s-]+to[\s-]+year\b|\bmonth[\s-]+to[\s-]+month\b|\bevergreen\b",
    re.IGNORECASE,
)
_UNLESS_NOTICE = re.compile(
    r"\bunless\b[^.;]{0,160}\b(?:notice|notif|terminat|elects?\s+not)", re.IGNORECASE
)
_OPTIONAL = re.compile(
    r"\bmutual(?:ly)?\b|\bupon\s+(?:the\s+)?(?:written\s+)?agreement\b|\boption\b|"
    r"\bmay\s+(?:be\s+)?(?:renew|extend)|\bby\s+amendment\b|"
    r"\bagree\w*\b[^.;]{0,40}\b(?:renew|extend)|\b(?:renew|extend)\w*\b[^.;]{0,120}\bagree|"
    r"\brenewable\b|\bat\s+(?:its|their|the)\s+(?:sole\s+)?(?:option|discretion)\b|"
    r"\bright\s+to\s+(?:renew|extend)",
    re.IGNORECASE,
)
_BY_MUTUAL_AGREEMENT = re.compile(
    r"\bmutual(?:ly)?\b|\bupon\s+(?:the\s+)?(?:written\s+)?agreement\b|\bby\s+amendment\b|"
    r"\b(?:parties|both)\b[^.;]{0,30}\bagree\w*\b[^.;]{0,40}\b(?:renew|extend)|"
    r"\b(?:renew|extend)\w*\b[^.;]{0,120}\b(?:the\s+parties|both\s+parties)\s+(?:may\s+|so\s+|shall\s+)?"
    r"(?:mutually\s+)?agree",
    re.IGNORECASE,
)
"""A renewal that needs both parties to agree is a new bargain, not a right: there is no
renewal to stop and none to exercise, so no notice period is read for it."""
_RENEWAL_WORD = re.compile(
    r"\b(?:successive|additional|renew\w*|further|consecutive|subsequent|extension|extend\w*|"
    r"another|automatic(?:ally)?)\b",
    re.IGNORECASE,
)
_RENEWAL_REACH = 60
"""How far after a renewal word its duration may stand ("renew the agreement for another 5
years")."""
_NOT_A_RENEWAL_TERM = re.compile(
    r"(?:initial[^.;]{0,15}|(?:less|more|longer|shorter)\s+than|within|after|before|up\s+to)\s*$",
    re.IGNORECASE,
)
_RENEWAL_ABOUT = re.compile(
    r"renew|extend|extension|expir|end\s+of\s+(?:the\s+)?(?:then[\s-]+)?(?:current|initial|renewal)|"
    r"anniversary|non-?renewal|\bterm\b",
    re.IGNORECASE,
)
"""A neighbouring sentence must be about renewal or expiry for its notice period to count."""
_NOTICE_AFTER = re.compile(
    r"^[\s'’]*(?:s'|')?\s*(?:\(\s*\d+\s*\)\s*)?(?:advance\s+|prior\s+|written\s+|advanced\s+|"
    r"or\s+more\s+|in\s+advance\s+|before\s+)*(?:written\s+)?(?:notice|prior\s+to|before|in\s+advance|"
    r"preceding|notification)",
    re.IGNORECASE,
)
_NOTICE_BEFORE = re.compile(
    r"(?:notice|notify|notif\w*)[^.;]{0,60}(?:at\s+least|not\s+less\s+than|no\s+less\s+than|"
    r"no\s+later\s+than|not\s+later\s+than|minimum\s+of|within)\s*$",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\bno\s+(?:automatic\s+)?(?:renewal|extension)|\bnot\s+(?:be\s+)?(?:automatically\s+)?"
    r"(?:renew|extend)|\bwithout\s+(?:any\s+)?(?:automatic\s+)?renewal|\bnon-?renewable\b",
    re.IGNORECASE,
)
_THE_CONTRACT = (
    r"(?:\b(?:this|the)\s+(?:agreement|contract)\b|\b(?:initial|renewal|then[\s-]+current)\s+term\b|"
    r"\bterm\s+of\s+(?:this|the)\s+(?:agreement|contract)\b|\b(?:agreement|contract)\s+term\b)"
)
_RENEWS_THE_CONTRACT = re.compile(
    rf"{_THE_CONTRACT}[^.;]{{0,80}}\b(?:renew|extend)|\b(?:renew|extend)\w*[^.;]{{0,25}}{_THE_CONTRACT}"
    r"|\brenewable\b",
    re.IGNORECASE,
)
"""An optional renewal must renew the contract itself, not a deadline or a milestone date."""
_RENEWS_VERB = re.compile(
    r"\b(?:shall|will|is\s+to|to)\s+(?:\w+\s+){0,2}(?:renew|be\s+renewed|extend|be\s+extended)\b",
    re.IGNORECASE,
)
"""'Unless ... notice' marks an automatic renewal only with a renewing verb, not a defined
term ("... through December 31, 2021 and any Renewal Term, unless terminated")."""
_ABOUT_THE_CONTRACT = re.compile(rf"{_THE_CONTRACT}|\bthe\s+term\b", re.IGNORECASE)
"""What an 'unless ... notice' renewal must extend: the contract or its term, not a
mediation, a cure period or a negotiation ("shall mediation continue more than sixty (60)
days from the initial notice ... unless the Parties agree in writing to extend")."""
_NEIGHBOUR_SENTENCES = 2
"""Sentences after, then before, the renewal sentence that may state its notice period."""


@dataclass
class RenewalFindings:
    auto_renews: bool = False
    renewal_term: Duration | None = None
    notice_period: Duration | None = None
    evidence: Evidence | None = None
    notice_evidence: Evidence | None = None
    warnings: list[str] = field(default_factory=list)


def _durations(sentence: Span) -> list[Span]:
    return [ent for ent in entities_in(sentence) if ent.label_ == "DURATION"]


def _renewal_term(source: str, sentence: Span) -> Duration | None:
    """The duration nearest after a renewal word, not a notice period and not the initial term.

    "initial term of three (3) years and shall automatically renew for successive one (1)
    year terms" -> 1 year: the first duration belongs to the initial term.
    """
    lowered = text_of(sentence).lower()
    for ent in _durations(sentence):
        before = source[max(sentence.start_char, ent.start_char - _RENEWAL_REACH) : ent.start_char]
        after = source[ent.end_char : ent.end_char + 40]
        if _NOTICE_AFTER.search(after) or _NOT_A_RENEWAL_TERM.search(before):
            continue
        if re.search(r"initial\s+(?:term|period)", after[:30], re.IGNORECASE):
            continue
        names_a_renewal = re.match(r"^\s*(?:\w+\s+)?(?:renewal|extension)\s+(?:terms?|periods?)",
                                   after, re.IGNORECASE)
        if _RENEWAL_WORD.search(before) or names_a_renewal:
            return parse_duration(ent.text)
    if re.search(r"year[\s-]+to[\s-]+year|annual(?:ly)?\s+(?:renew|basis)|yearly|"
                 r"(?:successive|additional|consecutive)\s+annual", lowered):
        return Duration(count=1, unit=DurationUnit.years)
    if re.search(r"month[\s-]+to[\s-]+month", lowered):
        return Duration(count=1, unit=DurationUnit.months)
    return None


def notice_period_in(source: str, sentence: Span) -> Span | None:
    """The duration a sentence gives as a notice period ("ninety (90) days' prior written
    notice", "not less than thirty (30) days prior to"), not any other duration in it."""
    for ent in _durations(sentence):
        before = source[max(sentence.start_char, ent.start_char - 90) : ent.start_char]
        after = source[ent.end_char : ent.end_char + 40]
        if _NOTICE_AFTER.search(after) or _NOTICE_BEFORE.search(before):
            return ent
    return None


def _negates_renewal(sentence: str) -> bool:
    """'There is no automatic renewal', but not 'notice that this Agreement will not be renewed'
    (that is how renewal is stopped, inside a sentence that says it renews)."""
    for negation in _NEGATED.finditer(sentence):
        lead = sentence[max(0, negation.start() - 60) : negation.start()].lower()
        if not re.search(r"notice|notif|elect|intent|wish", lead):
            return True
    return False


def _candidates(sentences: list[Span], source: str) -> list[tuple[int, int, bool, Duration | None]]:
    """Renewal sentences as (rank, index, automatic, renewal term); lower rank is better.

    Rank 0: renews automatically and states the renewal term; 1: renews automatically
    without a term ("shall extend ... unless terminated" may only mean the term runs);
    2: an optional renewal (by agreement, at a party's option) with its term.
    """
    found = []
    for index, sentence in enumerate(sentences):
        said = text_of(sentence)
        if not _RENEWAL_SENTENCE.search(said.lower()):
            continue
        if not re.search(r"\b(?:term|agreement|period|contract)", said, re.IGNORECASE):
            continue
        if _negates_renewal(said):
            continue
        automatic = bool(_AUTOMATIC.search(said)) or (
            bool(_UNLESS_NOTICE.search(said)) and bool(_RENEWS_VERB.search(said))
            and bool(_ABOUT_THE_CONTRACT.search(said))
        )
        optional = (not automatic and bool(_OPTIONAL.search(said))
                    and bool(_RENEWS_THE_CONTRACT.search(said)))
        term = _renewal_term(source, sentence)
        if automatic:
            found.append((0 if term else 1, index, True, term))
        elif optional and term:
            found.append((2, index, False, term))
    return found


def find_renewal(text: ContractText, doc: Doc) -> RenewalFindings:
    """Renewal mechanics from the best renewal sentence (see `_candidates`), with evidence."""
    found = RenewalFindings()
    sentences = doc_sentences(doc)
    source = text.text
    candidates = _candidates(sentences, source)
    if candidates:
        _rank, index, automatic, term = min(candidates)
        sentence = sentences[index]
        found.auto_renews = automatic
        found.renewal_term = term
        found.evidence = text.evidence(sentence.start_char, sentence.end_char)
        if not automatic and _BY_MUTUAL_AGREEMENT.search(text_of(sentence)):
            return found
        around = [index, *range(index + 1, index + 1 + _NEIGHBOUR_SENTENCES),
                  *range(index - 1, index - 1 - _NEIGHBOUR_SENTENCES, -1)]
        for position in around:
            if not 0 <= position < len(sentences):
                continue
            neighbour = sentences[position]
            if position != index and not _RENEWAL_ABOUT.search(text_of(neighbour)):
                continue
            notice = notice_period_in(source, neighbour)
            if notice is not None:
                found.notice_period = parse_duration(notice.text)
                found.notice_evidence = text.evidence(neighbour.start_char, neighbour.end_char)
                break
    if found.auto_renews and found.renewal_term is None:
        found.warnings.append("contract auto-renews but the renewal term is not stated")
    if found.auto_renews and found.notice_period is None:
        found.warnings.append("contract auto-renews but no notice period to stop it was found")
    return found
