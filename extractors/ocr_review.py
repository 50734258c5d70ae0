"""Flag extracted values that rest on OCR'd words Tesseract was unsure of.

A page can read well on average and still garble the one line that matters ("9O days",
"New Yrok"). Every value's evidence carries the mean confidence of the words it quotes,
so the record can say which values to check against the scan, and on which page,
instead of a contract admin re-reading the whole contract.
"""

from __future__ import annotations

from collections.abc import Iterator

from schemas import ContractRecord, Evidence


def doubtful_values(record: ContractRecord, min_confidence: float) -> list[str]:
    """One warning per value whose quoted OCR words average below `min_confidence`."""
    return [
        f"{label} read by OCR with low confidence ({evidence.ocr_confidence:.0f}%) on page "
        f'{evidence.page}: "{_short(evidence.text)}"'
        for label, evidence in _evidence_of(record)
        if evidence.ocr_confidence is not None and evidence.ocr_confidence < min_confidence
    ]


def _evidence_of(record: ContractRecord) -> Iterator[tuple[str, Evidence]]:
    fields = record.evidence
    candidates: list[tuple[str, Evidence | None]] = [
        ("title", fields.title), ("agreement date", fields.agreement_date),
        ("effective date", fields.effective_date), ("expiration date", fields.expiration_date),
        ("initial term", fields.initial_term), ("governing law", fields.governing_law),
        ("renewal", record.renewal.evidence), ("notice period", record.renewal.notice_evidence),
    ]
    candidates += [(f"party {party.name}", party.evidence) for party in record.parties]
    candidates += [(f"SLA {sla.metric.value} {sla.target:g} {sla.unit}", sla.evidence)
                   for sla in record.sla]
    candidates += [(f"penalty {penalty.kind.value}", penalty.evidence)
                   for penalty in record.penalties]
    seen: set[tuple[int, int]] = set()
    for label, evidence in candidates:
        if evidence is not None and (evidence.start, evidence.end) not in seen:
            seen.add((evidence.start, evidence.end))
            yield label, evidence


def _short(quote: str, limit: int = 80) -> str:
    return quote if len(quote) <= limit else quote[: limit - 3] + "..."
