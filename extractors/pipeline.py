"""One contract PDF in, one validated `ContractRecord` out.

This module only wires the field extractors together and does the date arithmetic
the record needs; each field family lives in its own module (a party name comes from
`extractors.parties`, the notice period from `extractors.renewal`, ...).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from spacy.tokens import Doc

from extractors.clauses import segment_clauses
from extractors.dates import find_agreement_dates
from extractors.document import ContractText
from extractors.fingerprint import file_sha256
from extractors.governing_law import find_governing_law
from extractors.nlp import parse
from extractors.ocr import OcrOptions
from extractors.ocr_review import doubtful_values
from extractors.parties import find_parties
from extractors.pdf import read_contract_text
from extractors.penalties import find_penalties
from extractors.renewal import RenewalFindings, find_renewal
from extractors.sla import find_sla_commitments
from extractors.term import TermFindings, find_term, stated_end_contradicted
from extractors.title import find_title
from schemas import ContractRecord, FieldEvidence, PageSource, Renewal
from schemas.terms import act_by, roll_forward, term_end

EXTRACTOR_VERSION = "0.1.0"

DAY_FIRST_JURISDICTIONS = frozenset(
    {"England and Wales", "Scotland", "Northern Ireland", "Ireland", "Australia", "New Zealand",
     "India", "Singapore", "Hong Kong", "South Africa", "Germany", "France", "Israel"}
)
"""Numeric dates in contracts under these laws are read day-first (01/03/2024 = 1 March)."""

def extract_record(
    path: str | Path,
    *,
    source: str | None = None,
    today: date | None = None,
    text_layer: str = "pdfium",
    ocr: OcrOptions | None = None,
) -> ContractRecord:
    """Read and extract one contract file. Raises `ContractError` for unreadable files."""
    path = Path(path)
    text = read_contract_text(path, text_layer=text_layer, ocr=ocr)
    return extract_from_text(
        text, record_id=file_sha256(path), source=source or str(path), today=today
    )


def extract_from_text(
    text: ContractText, *, record_id: str, source: str, today: date | None = None
) -> ContractRecord:
    """Build the record from already-read text (pure apart from the clock default)."""
    today = today or date.today()
    doc: Doc = parse(text.text)
    warnings = list(text.warnings)
    law = find_governing_law(text)
    day_first = law is not None and law.jurisdiction in DAY_FIRST_JURISDICTIONS
    dates = find_agreement_dates(text, doc, day_first=day_first)
    term = find_term(text, doc, day_first=day_first)
    renewal_found = find_renewal(text, doc)
    title, title_evidence = find_title(text)
    warnings += dates.warnings + term.warnings + renewal_found.warnings

    term = _contract_term(term, dates.start_date, warnings)
    expiration = term.expiration_date
    renewal = _renewal(renewal_found, term, expiration, today, warnings)

    record = ContractRecord(
        id=record_id,
        source=source,
        filename=text.path.name,
        pages=text.page_count,
        page_sources=_page_sources(text),
        title=title,
        parties=find_parties(text, doc),
        agreement_date=dates.agreement_date,
        effective_date=dates.effective_date,
        expiration_date=expiration,
        perpetual=term.perpetual and expiration is None,
        initial_term=term.initial_term,
        renewal=renewal,
        governing_law=law.jurisdiction if law else None,
        sla=find_sla_commitments(text, doc),
        penalties=find_penalties(text, doc),
        clauses=segment_clauses(text),
        evidence=FieldEvidence(
            title=title_evidence,
            agreement_date=dates.agreement_evidence,
            effective_date=dates.effective_evidence,
            expiration_date=term.expiration_evidence or term.initial_term_evidence
            or term.no_end_evidence,
            initial_term=term.initial_term_evidence,
            governing_law=law.evidence if law else None,
        ),
        warnings=_unique(warnings),
        extractor_version=EXTRACTOR_VERSION,
    )
    record.warnings = _unique(record.warnings + doubtful_values(record, text.ocr_min_confidence))
    return record


def _page_sources(text: ContractText) -> list[PageSource]:
    """Per page, text layer or OCR (and how sure OCR was), so a reader knows what to trust."""
    return [PageSource(page=p.number, ocr=p.ocr, ocr_confidence=p.ocr_confidence)
            for p in text.pages]


def _contract_term(
    term: TermFindings, start: date | None, warnings: list[str]
) -> TermFindings:
    """`term` with its expiration date settled: the stated one, or start + initial term when
    none is stated or the stated one is contradicted (`stated_end_contradicted`)."""
    computed = stated_end_contradicted(term, start)
    if computed is not None and term.expiration_date is not None and start is not None:
        page = term.expiration_evidence.page if term.expiration_evidence else "?"
        warnings.append(
            f"end date {term.expiration_date.isoformat()} (page {page}) contradicts the "
            f"{term.initial_term} initial term from {start.isoformat()}; the term's end "
            f"{computed.isoformat()} is used"
        )
        return replace(term, expiration_date=computed, expiration_evidence=None)
    if term.expiration_date is not None or term.initial_term is None:
        return term
    if term.term_anchor is not None:
        warnings.append(
            f"initial term runs from the {term.term_anchor}, which has no stated date; "
            "expiration unknown"
        )
        return term
    if start is None:
        warnings.append("initial term stated but no start date found; expiration unknown")
        return term
    warnings.append(f"expiration date computed from {start.isoformat()} + {term.initial_term}")
    return replace(term, expiration_date=term_end(start, term.initial_term))


def _renewal(
    found: RenewalFindings,
    term: TermFindings,
    expiration: date | None,
    today: date,
    warnings: list[str],
) -> Renewal:
    """Renewal block with the current term end and notice deadline as of `today`."""
    if term.continues_after_term and expiration is not None and not (
        found.auto_renews and found.renewal_term is not None
    ):
        return _runs_on_after_term(found, term, expiration, today)
    renewal = Renewal(
        auto_renews=found.auto_renews,
        renewal_term=found.renewal_term,
        notice_period=found.notice_period or (term.termination_notice if term.evergreen else None),
        evergreen=term.evergreen and expiration is None,
        evidence=found.evidence or (term.no_end_evidence if term.evergreen else None),
        notice_evidence=found.notice_evidence,
    )
    if expiration is None:
        if found.auto_renews and not term.evergreen:
            warnings.append("contract auto-renews but its term end is unknown; no notice deadline")
        return renewal
    rolling = found.renewal_term if found.auto_renews else None
    position = roll_forward(expiration, rolling, found.notice_period if found.auto_renews else None,
                            today)
    renewal.current_term_end = position.current_term_end
    renewal.notice_deadline = position.notice_deadline
    return renewal


def _runs_on_after_term(
    found: RenewalFindings, term: TermFindings, expiration: date, today: date
) -> Renewal:
    """An initial term, then evergreen ("three (3) years, and thereafter until terminated
    by either party on ninety (90) days' notice"): it continues without a renewal term
    (`auto_renews` and `evergreen` both set, see `portfolio.renewals.continues_after_term`).
    While the initial term's act-by date is ahead it is the notice deadline: notice by
    then ends the contract with the term; after it, no date is left to act on."""
    notice = found.notice_period or term.termination_notice
    renewal = Renewal(
        auto_renews=True,
        notice_period=notice,
        evergreen=True,
        evidence=term.no_end_evidence,
        notice_evidence=found.notice_evidence or term.no_end_evidence,
    )
    position = roll_forward(expiration, None, notice, today)
    if act_by(position.current_term_end, notice) >= today:
        renewal.current_term_end = position.current_term_end
        renewal.notice_deadline = position.notice_deadline
    return renewal


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
