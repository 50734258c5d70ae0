"""Contract records as Elasticsearch documents, and back. Pure: no client in here.

The record document carries the whole `ContractRecord` (field `record`, stored, not
indexed): it is the source of truth, exactly like `records.record_json` in the embedded
store. Every other field is derived from it on each write, for filters, facets and the
deadline pre-selection (`due_dates`, see `portfolio.due_dates`).

Ids make every write idempotent: a contract's document id is its record id (the file's
sha256), a clause's is `<record id>-<ordinal>`. Writing a record twice overwrites the same
documents; a replacement with fewer clauses deletes the ids beyond its last ordinal.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from portfolio.due_dates import due_dates
from portfolio.query import fold
from portfolio.renewals import initial_term_end
from schemas.record import Clause, ContractRecord, Correction

DUE_DATES_HORIZON_YEARS = 30
"""Due dates are listed this far past the day a record is written (re-listed on reindex)."""


def clause_id(record_id: str, ordinal: int) -> str:
    return f"{record_id}-{ordinal}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def party_match_values(record: ContractRecord) -> list[str]:
    """Each party name and alias, folded like the search box input (`portfolio.query.fold`).

    Kept as separate values so that a substring never matches across two names.
    """
    values = (fold(name) for party in record.parties for name in [party.name, *party.aliases])
    return list(dict.fromkeys(values))


def contract_fields(record: ContractRecord) -> dict[str, Any]:
    """The fields a clause document repeats from its contract (for filters without joins)."""
    return {
        "record_id": record.id,
        "title": record.title,
        "filename": record.filename,
        "parties": list(dict.fromkeys(p.name for p in record.parties)),
        "party_match": party_match_values(record),
        "governing_law": record.governing_law,
        "version": record.version,
        "current": record.superseded_by is None,
    }


def record_document(
    record: ContractRecord,
    *,
    added_at: datetime,
    updated_at: datetime,
    listed_on: date | None = None,
) -> dict[str, Any]:
    """The records-index document of one contract.

    Due dates are listed up to `DUE_DATES_HORIZON_YEARS` after `listed_on` (default: the
    day of `updated_at`); a reindex lists them again from its own day.
    """
    start = listed_on or updated_at.date()
    horizon = start + timedelta(days=round(365.25 * DUE_DATES_HORIZON_YEARS))
    chain = due_dates(record, horizon=horizon)
    renewal = record.renewal
    return contract_fields(record) | {
        "id_match": record.id,
        "filename_match": record.filename.lower(),
        "party_roles": sorted({p.role for p in record.parties if p.role}),
        "clause_types": sorted({c.type.value for c in record.clauses}),
        "agreement_date": _iso(record.agreement_date),
        "effective_date": _iso(record.effective_date),
        "expiration_date": _iso(record.expiration_date),
        "initial_term_end": _iso(initial_term_end(record)),
        "current_term_end": _iso(renewal.current_term_end),
        "notice_deadline": _iso(renewal.notice_deadline),
        "due_dates": [day.isoformat() for day in chain.dates],
        "due_dates_complete_until": _iso(chain.complete_until),
        "perpetual": record.perpetual,
        "auto_renews": renewal.auto_renews,
        "evergreen": renewal.evergreen,
        "sla": [
            {"metric": s.metric.value, "target": s.target, "unit": s.unit,
             "window": s.window, "severity": s.severity}
            for s in record.sla
        ],
        "penalties": [
            {"kind": p.kind.value, "amount": p.amount, "unit": p.unit,
             "cap_amount": p.cap.amount if p.cap else None,
             "cap_unit": p.cap.unit if p.cap else None}
            for p in record.penalties
        ],
        "supersedes": record.supersedes,
        "superseded_by": record.superseded_by,
        "extractor_version": record.extractor_version,
        "added_at": added_at.isoformat(timespec="seconds"),
        "updated_at": updated_at.isoformat(timespec="seconds"),
        "record": record.model_dump(mode="json"),
    }


def clause_document(record: ContractRecord, ordinal: int, clause: Clause) -> dict[str, Any]:
    """The clauses-index document of one clause, with its contract's filter fields."""
    return contract_fields(record) | {
        "ordinal": ordinal,
        "clause_type": clause.type.value,
        "heading": clause.heading,
        "text": clause.text,
        "page": clause.page,
        "start": clause.start,
        "end": clause.end,
    }


def correction_id(record_id: str, field: str) -> str:
    """The corrections-index document id: one correction per contract and field."""
    return f"{record_id}:{field}"


def correction_document(record_id: str, correction: Correction) -> dict[str, Any]:
    """The corrections-index document of one correction."""
    return {
        "key": correction_id(record_id, correction.field),
        "record_id": record_id,
        "field": correction.field,
        "value": correction.value,
        "extracted": correction.extracted,
        "by": correction.by,
        "at": correction.at.isoformat(),
        "note": correction.note,
    }


def record_from_source(source: dict[str, Any]) -> ContractRecord:
    """The `ContractRecord` stored in a records-index document's `_source`."""
    return ContractRecord.model_validate(source["record"])


def added_at_from_source(source: dict[str, Any]) -> datetime | None:
    value = source.get("added_at")
    return datetime.fromisoformat(value) if isinstance(value, str) else None
