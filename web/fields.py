"""The contract page's table of values: one row per correctable field, with its evidence.

Pure shaping of a record for the template: what to show, what to prefill the correction
form with, who corrected it and what had been extracted. Field names and the value forms
are those of `schemas.corrections`; each row's HTML ids end in `slug(field)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import JsonValue

from schemas.corrections import FIELDS, describe, field_kind, field_value
from schemas.record import ContractRecord, Correction, Evidence


def slug(field: str) -> str:
    """The HTML id part for a field: `renewal.notice_period` -> `renewal-notice_period`."""
    return field.replace(".", "-")


@dataclass(frozen=True)
class FieldRow:
    """One row of the values table, with what its correction form needs."""

    field: str
    label: str
    kind: str  # text, date, duration, bool
    shown: str
    prefill: str
    evidence: Evidence | None
    correction: Correction | None
    nullable: bool
    aliases: tuple[str, ...] = ()
    counterparty: bool = False

    @property
    def slug(self) -> str:
        return slug(self.field)

    @property
    def extracted_shown(self) -> str:
        return describe(self.correction.extracted) if self.correction else ""


def _prefill(value: JsonValue, kind: str) -> str:
    """The value as the form's text box shows it, in a form `parse_value` reads back."""
    if value is None:
        return ""
    if kind == "bool":
        return "true" if value else "false"
    return describe(value)


_EVIDENCE_OF = {
    "title": "title",
    "agreement_date": "agreement_date",
    "effective_date": "effective_date",
    "expiration_date": "expiration_date",
    "perpetual": "expiration_date",
    "initial_term": "initial_term",
    "governing_law": "governing_law",
}


def _evidence(record: ContractRecord, field: str) -> Evidence | None:
    if field in _EVIDENCE_OF:
        evidence: Evidence | None = getattr(record.evidence, _EVIDENCE_OF[field])
        return evidence
    if field == "renewal.notice_period":
        return record.renewal.notice_evidence
    if field.startswith("renewal."):
        return record.renewal.evidence
    return None


def field_rows(record: ContractRecord, counterparty_name: str | None = None) -> list[FieldRow]:
    """Every correctable field of `record`, parties after the title, in page order."""
    corrected = {c.field: c for c in record.corrections}
    names = ["title"]
    for number, _ in enumerate(record.parties, start=1):
        names += [f"parties.{number}.name", f"parties.{number}.role"]
    names += [name for name in FIELDS if name != "title"]
    rows = []
    for name in names:
        kind = field_kind(name)
        value = field_value(record, name)
        party = None
        if name.startswith("parties."):
            party = record.parties[int(name.split(".")[1]) - 1]
        rows.append(FieldRow(
            field=name,
            label=kind.label,
            kind=kind.kind,
            shown=describe(value),
            prefill=_prefill(value, kind.kind),
            evidence=party.evidence if party and name.endswith(".name") else _evidence(
                record, name),
            correction=corrected.get(name),
            nullable=kind.nullable,
            aliases=tuple(party.aliases) if party and name.endswith(".name") else (),
            counterparty=bool(party and name.endswith(".name")
                              and party.name == counterparty_name),
        ))
    return rows


def field_label(field: str) -> str | None:
    """A correctable field's label, or None for anything else (never echo unknown input)."""
    try:
        return field_kind(field).label
    except ValueError:
        return None
