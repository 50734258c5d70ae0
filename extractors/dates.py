"""Agreement date and effective date.

* The **agreement date** is the date the contract is dated or made: "dated as of
  March 1, 2024", "made and entered into this 1st day of March, 2024", "THIS AGREEMENT
  is made on 26 September 2019". It sits in the preamble (the first page or so).
* The **effective date** is when obligations start: an explicit `("Effective Date")`
  definition, "effective as of ...", "shall take effect on ...", "commence on ...".
  "Effective as of the date of the last signature" names no calendar date: the field
  stays null and a warning says why. With no statement at all, the agreement date is
  used, also with a warning.

Both are DATE entities from the spaCy pipeline, chosen by the cue words before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from extractors.document import ContractText
from extractors.values import parse_date
from schemas import Evidence

PREAMBLE_CHARS = 4000
"""How far into the text the agreement date is looked for (cover pages included)."""

_STRONG_CUE = re.compile(
    r"(?:\bdated\b(?:\s+as\s+of)?|\bmade\b|\bentered(?:\s+into)?\b|\bexecuted\b|\bas\s+of\b|"
    r"\bagreement\s+date\b|\beffective\b|\bsigned\b)[^.;]{0,80}$",
    re.IGNORECASE,
)
"""Words that date the agreement itself ("dated as of", "made and entered into this")."""
_WEAK_CUE = re.compile(r"(?:\bon\b|\bthis\b)[^.;]{0,60}$", re.IGNORECASE)
"""Weaker: "on", "this", used only when no strong cue dates the agreement."""
_SIGNATURE_DATE = re.compile(
    r"(?:^|\n)[ \t]*(?:date|dated|date\s+signed|signature\s+date)\s*:?[ \t]*$|"
    r"\b(?:signed|executed)\b[^.;]{0,80}\b(?:on|this|as\s+of)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
"""A date in a signature block ("Date: November 5, 2019", "signed at Pretoria on this")."""
_PLACE_DATED = re.compile(r"(?:^|\n)[ \t]*[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2},[ \t]*$")
"""A place-and-date line ("Hamburg, November 19th, 2012") ..."""
_SIGNATURE_MARK = re.compile(r"/s/|\bBy\s*:|\bsignature\b", re.IGNORECASE)
"""... counts as a signature date only when a signature follows it closely."""

_OTHER_AGREEMENT = re.compile(
    r"(?<!this )(?<!the )\b(?:agreement|contract|amendment|plan|letter|note|lease)\"?\)?\s*,?\s*"
    r"(?:dated|made|entered\s+into|executed|effective)(?:\s+(?:as\s+of|on))?\s*$|"
    r"\b(?:an?|that\s+certain|certain)\s+(?:[A-Z][\w&-]*\s+){0,5}"
    r"(?:Agreement|Contract|Amendment|Lease)\s*,?\s*(?:dated\s+|made\s+|effective\s+)?"
    r"(?:as\s+of|on|of)\s*$",
    re.IGNORECASE,
)
"""A date that belongs to another, referenced agreement ("the Supply Agreement dated ...")."""
TITLE_BLOCK_CHARS = 400
"""Dates this close to the start belong to the document's own title or preamble."""


def _other_agreement(source: str, offset: int) -> bool:
    """Whether the date at `offset` dates another agreement the contract refers to.

    "the Supply Agreement dated ..." and "entered into a Development Services Agreement
    on ..." do; "THIS MASTER SERVICES AGREEMENT ("Agreement"), dated as of ..." and a title
    line "SERVICES AGREEMENT, dated as of ..." are the document itself.
    """
    before = source[max(0, offset - 90) : offset]
    match = _OTHER_AGREEMENT.search(before)
    if match is None or offset < TITLE_BLOCK_CHARS:
        return False
    lead = source[max(0, offset - 90 - 120) : offset - len(before) + match.start()]
    if re.search(r"\bthis\b[^.;]{0,100}$", lead, re.IGNORECASE):
        return False
    own_defined_term = re.search(r"\(\s*(?:the\s+|this\s+)?\"?\s*$", lead) and re.match(
        r"agreement\"?\)", before[match.start():], re.IGNORECASE)
    return not own_defined_term
_EFFECTIVE_BEFORE = re.compile(
    r"(?:effective(?:\s+(?:as\s+of|on|from|date\s+of))?|take\s+effect(?:\s+(?:on|as\s+of))?|"
    r"commenc\w*(?:\s+(?:on|as\s+of))?|come\s+into\s+(?:force|effect)(?:\s+on)?|"
    r"\"?effective\s+date\"?\s+(?:means|shall\s+(?:mean|be))|with\s+effect\s+from)"
    r"[^.;]{0,40}$",
    re.IGNORECASE,
)
_EFFECTIVE_AFTER = re.compile(
    r"^[^.;]{0,40}?\(\s*(?:the\s+|hereinafter\s+(?:the\s+)?)?\"?\s*effective\s+date\s*\"?\s*\)",
    re.IGNORECASE,
)
_EFFECTIVE_BY_EVENT = re.compile(
    r"\(\s*the\s+\"?effective\s+date\"?\s*\)\s+(?:the|upon|on\s+which|when)\b[^.;]{0,80}"
    r"\b(?:becomes?|is|are|has|have|occurs?|completes?|launch\w*)\b|"
    r"\"effective\s+date\"\s+(?:means|shall\s+mean)\s+(?!the\s+date\s+(?:of\s+this|first|hereof)"
    r"|the\s+date\s+set\s+forth)[^.;]{0,40}\b(?:date\s+(?:on\s+which|that|when)|upon|first\s+day)",
    re.IGNORECASE,
)
"""An Effective Date defined by an event: '(the "Effective Date") the Site becomes ...'."""
_SIGNATURE_EFFECTIVE = re.compile(
    r"effective\s+(?:as\s+of|on|upon)\s+the\s+(?:date\s+of\s+(?:the\s+)?(?:last|final|later)"
    r"[^.]{0,30}signature|(?:last|later)\s+date\s+(?:of|on)[^.]{0,30}sign|date\s+(?:on\s+which|"
    r"this\s+agreement\s+is)[^.]{0,40}(?:executed|signed)|date\s+of\s+(?:its|this\s+agreement'?s?)\s+"
    r"(?:execution|signature))",
    re.IGNORECASE,
)


_EFFECTIVE_AS_DATED = re.compile(
    r"\b(?:agreement|contract)\s+(?:shall|will)\s+(?:become|be|come\s+into\s+force\s+and\s+)?"
    r"\s*effective\s+(?:on|as\s+of|from)\s+the\s+date\s+(?:and\s+year\s+)?(?:first\s+(?:above\s+)?"
    r"(?:written|set\s+forth|stated)|(?:written|set\s+forth)\s+above|hereof)",
    re.IGNORECASE,
)
"""'This Agreement shall become effective on the date first above written': the effective
date is the agreement date, whatever else later text calls 'effective from'."""


@dataclass
class AgreementDates:
    agreement_date: date | None = None
    agreement_evidence: Evidence | None = None
    effective_date: date | None = None
    effective_evidence: Evidence | None = None
    effective_by_event: bool = False
    """The Effective Date is defined by an event ("the date the Site becomes operational"),
    so no calendar start is known and the agreement date must not stand in for it."""
    warnings: list[str] = field(default_factory=list)

    @property
    def start_date(self) -> date | None:
        """The date the term runs from, when the contract gives one."""
        if self.effective_date is not None:
            return self.effective_date
        return None if self.effective_by_event else self.agreement_date


def _dates(doc: Doc, day_first: bool, limit: int | None = None) -> list[tuple[Span, date]]:
    found = []
    for ent in doc.ents:
        if ent.label_ != "DATE" or (limit is not None and ent.start_char > limit):
            continue
        value = parse_date(ent.text, day_first)
        if value is not None:
            found.append((ent, value))
    return found


def _preamble_date(text: ContractText, mentions: list[tuple[Span, date]], cue: re.Pattern[str]
                   ) -> tuple[Span, date] | None:
    """The first preamble date preceded by `cue`, skipping dates of other agreements."""
    for ent, value in mentions:
        if ent.start_char > PREAMBLE_CHARS:
            break
        before = text.text[max(0, ent.start_char - 90) : ent.start_char]
        if not _other_agreement(text.text, ent.start_char) and cue.search(before):
            return ent, value
    return None


def _signature_date(text: ContractText, mentions: list[tuple[Span, date]]
                    ) -> tuple[Span, date] | None:
    """The latest date in the signature blocks (the agreement is made when the last party signs)."""
    source = text.text
    signed = [
        (ent, value) for ent, value in mentions
        if _SIGNATURE_DATE.search(source[max(0, ent.start_char - 90) : ent.start_char])
        or (_PLACE_DATED.search(source[max(0, ent.start_char - 40) : ent.start_char])
            and _SIGNATURE_MARK.search(source[ent.end_char : ent.end_char + 200]))
    ]
    return max(signed, key=lambda item: item[1]) if signed else None


def _stated_effective_date(text: ContractText, mentions: list[tuple[Span, date]]
                           ) -> tuple[date, Evidence] | None:
    """The first date the text calls effective ("effective as of", '("Effective Date")')."""
    source = text.text
    for ent, value in mentions:
        before = source[max(0, ent.start_char - 60) : ent.start_char]
        after = source[ent.end_char : ent.end_char + 60]
        if _other_agreement(source, ent.start_char):
            continue  # "that certain agreement effective as of June 25, 2013 among ..."
        cue = _EFFECTIVE_BEFORE.search(before)
        if cue is not None and _commences_something_else(
                source, ent.start_char - len(before) + cue.start()):
            continue  # "Phase I will commence on August 1, 2010"
        if _EFFECTIVE_AFTER.search(after) or cue is not None:
            return value, text.lead_in_evidence(ent.start_char, ent.end_char)
    return None


_COMMENCING_SUBJECT = re.compile(
    r"\b(?:agreement|contract|term|licen[cs]e|lease|hereof|hereunder|it)\b[^.;:]*$", re.IGNORECASE
)


def _commences_something_else(source: str, cue_start: int) -> bool:
    """A commencement cue whose subject is not the contract or its term: a phase, a service,
    deliveries ("Phase I will commence on August 1, 2010"). Only 'commence' is judged:
    "effective" and "come into force" say the contract's own date."""
    if not re.match(r"commenc(?:e|es|ed|ing)\b", source[cue_start : cue_start + 12], re.I):
        return False  # "effective ...", or a defined "Commencement Date": the contract's
    clause = re.split(r"[.;:]", source[max(0, cue_start - 80) : cue_start])[-1]
    return _COMMENCING_SUBJECT.search(clause) is None


def find_agreement_dates(text: ContractText, doc: Doc, day_first: bool = False) -> AgreementDates:
    """Agreement and effective dates, each with evidence; warnings for what is inferred.

    The agreement date is, in order of trust: a preamble date after a strong cue
    ("dated", "made", "entered into"), one after a weak cue ("on", "this"), the latest
    signature-block date, the first date on the first page. Dates on running headers and
    footers (filing stamps, print dates) are never used.
    """
    result = AgreementDates()
    mentions = [(ent, value) for ent, value in _dates(doc, day_first)
                if not text.in_running_line(ent.start_char)]
    source = text.text
    chosen = (_preamble_date(text, mentions, _STRONG_CUE)
              or _preamble_date(text, mentions, _WEAK_CUE))
    signature_dated = False
    if chosen is None and (chosen := _signature_date(text, mentions)) is not None:
        signature_dated = True
        result.warnings.append("agreement date taken from the signature block")
    first_page = [
        m for m in mentions if m[0].start_char < PREAMBLE_CHARS // 2
        and not _other_agreement(source, m[0].start_char)
    ]
    if chosen is None and first_page:
        chosen = first_page[0]
        result.warnings.append("agreement date taken from the first date on the first page")
    if chosen is not None:
        ent, result.agreement_date = chosen
        result.agreement_evidence = text.lead_in_evidence(ent.start_char, ent.end_char)
    as_dated = _EFFECTIVE_AS_DATED.search(source) if result.agreement_date else None
    if as_dated is not None:
        result.effective_date = result.agreement_date
        result.effective_evidence = text.evidence(as_dated.start(), as_dated.end())
    elif (stated := _stated_effective_date(text, mentions)) is not None:
        result.effective_date, result.effective_evidence = stated
    if result.effective_date is None:
        signature = _SIGNATURE_EFFECTIVE.search(source)
        event = _EFFECTIVE_BY_EVENT.search(source)
        if event and not signature:
            result.effective_by_event = True
            result.effective_evidence = text.evidence(event.start(), event.end())
            result.warnings.append(
                "effective date is defined by an event, not a calendar date; term end unknown"
            )
        elif signature and signature_dated:
            # "effective on the date of its execution", and the signature block dates it
            result.effective_date = result.agreement_date
            result.effective_evidence = result.agreement_evidence
            result.warnings.append(
                "effective date is the date of the last signature, taken from the signature block"
            )
        elif signature:
            result.warnings.append(
                "effective date is the date of the last signature; no calendar date stated"
            )
            result.effective_evidence = text.evidence(signature.start(), signature.end())
        elif result.agreement_date is not None:
            result.effective_date = result.agreement_date
            result.effective_evidence = result.agreement_evidence
            result.warnings.append("no effective date stated; agreement date used")
    return result
