"""The contract record: the one JSON contract every stage exchanges.

`contracts extract --format jsonl` prints exactly these objects and the portfolio stores
them, so the key names here are public (see ARCHITECTURE.md). Every extracted value
carries `Evidence` pointing back at the page and the quoted characters it came from, so a
contract admin can check any answer against the PDF in one click.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)


class _Model(BaseModel):
    """Base for all record parts: unknown keys are an error, so typos never pass silently."""

    model_config = ConfigDict(extra="forbid")


class PageBox(_Model):
    """A region of a page in PDF points (1/72 inch) from its top-left corner."""

    x0: float
    top: float
    x1: float
    bottom: float


class Evidence(_Model):
    """Where a value was read: 1-based page, character span in the document text, the quote.

    On a page read by OCR, `box` is where the quoted words are on the page image and
    `ocr_confidence` how sure the OCR engine was of them, so a doubtful value can be
    checked against the scan at a glance.
    """

    page: int = Field(ge=1)
    start: int = Field(ge=0, description="offset of the first character in the document text")
    end: int = Field(ge=0, description="offset one past the last character")
    text: str
    box: PageBox | None = Field(
        default=None, description="region of the page the quote was read from (OCR'd pages)"
    )
    ocr_confidence: float | None = Field(
        default=None, ge=0, le=100, description="mean OCR confidence of the quoted words, 0-100"
    )

    @model_validator(mode="after")
    def _span_is_ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError(f"evidence span ends ({self.end}) before it starts ({self.start})")
        return self


class DurationUnit(StrEnum):
    days = "days"
    business_days = "business_days"
    weeks = "weeks"
    months = "months"
    years = "years"


class Duration(_Model):
    """A length of time as the contract states it ("ninety (90) days", "one (1) year")."""

    count: int = Field(ge=0)
    unit: DurationUnit

    def approx_days(self) -> float:
        """Length in days for comparisons only (a month is 30.4375 days); never for deadlines."""
        per_unit = {
            DurationUnit.days: 1.0,
            DurationUnit.business_days: 7 / 5,
            DurationUnit.weeks: 7.0,
            DurationUnit.months: 365.25 / 12,
            DurationUnit.years: 365.25,
        }
        return self.count * per_unit[self.unit]

    def __str__(self) -> str:
        unit = self.unit.value.replace("_", " ")
        return f"{self.count} {unit[:-1] if self.count == 1 else unit}"


class Party(_Model):
    name: str
    role: str | None = None
    aliases: list[str] = Field(default_factory=list)
    evidence: Evidence | None = None


class Renewal(_Model):
    """Renewal mechanics. `current_term_end`/`notice_deadline` are as of the extraction date."""

    auto_renews: bool = False
    renewal_term: Duration | None = None
    notice_period: Duration | None = None
    current_term_end: date | None = None
    notice_deadline: date | None = None
    evergreen: bool = Field(
        default=False,
        description="no fixed end: runs until terminated on notice (no renewal deadline)",
    )
    evidence: Evidence | None = None
    notice_evidence: Evidence | None = None


class SlaMetric(StrEnum):
    availability = "availability"
    response_time = "response_time"
    resolution_time = "resolution_time"
    other = "other"


class SlaCommitment(_Model):
    metric: SlaMetric
    target: float
    unit: str = Field(description="percent, minutes, hours, business_hours, days, business_days")
    window: str | None = Field(default=None, description="measurement window: month, quarter, year")
    severity: str | None = Field(
        default=None, description="severity/priority the target applies to"
    )
    evidence: Evidence | None = None


class PenaltyKind(StrEnum):
    service_credit = "service_credit"
    liquidated_damages = "liquidated_damages"
    late_payment = "late_payment"
    fee_reduction = "fee_reduction"
    termination_right = "termination_right"
    other = "other"


class Amount(_Model):
    amount: float
    unit: str = Field(description="percent_of_monthly_fees, percent_per_month, USD, EUR, GBP, ...")


class Penalty(_Model):
    kind: PenaltyKind
    amount: float | None = None
    unit: str | None = None
    trigger: str | None = None
    cap: Amount | None = None
    evidence: Evidence | None = None


class ClauseType(StrEnum):
    term_renewal = "term_renewal"
    termination = "termination"
    sla = "sla"
    penalty = "penalty"
    payment = "payment"
    liability_cap = "liability_cap"
    indemnity = "indemnity"
    confidentiality = "confidentiality"
    governing_law = "governing_law"
    assignment = "assignment"
    warranty = "warranty"
    insurance = "insurance"
    audit = "audit"
    other = "other"


class Clause(_Model):
    type: ClauseType
    heading: str | None = None
    text: str
    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class PageSource(_Model):
    """Where one page's text came from: the PDF's text layer, or OCR of the page image."""

    page: int = Field(ge=1)
    ocr: bool = False
    ocr_confidence: float | None = Field(
        default=None, ge=0, le=100, description="mean word confidence of the OCR'd page, 0-100"
    )


class FieldEvidence(_Model):
    """Evidence for the record's scalar fields (dates, term, law, title)."""

    title: Evidence | None = None
    agreement_date: Evidence | None = None
    effective_date: Evidence | None = None
    expiration_date: Evidence | None = None
    initial_term: Evidence | None = None
    governing_law: Evidence | None = None


class Correction(_Model):
    """A contract admin's correction of one extracted field (see `schemas.corrections`).

    Stored apart from the extraction (the portfolio re-applies it whenever the file is
    extracted again), and copied into the record it corrects so that every reader of the
    record sees the corrected value, and who said so.
    """

    field: str = Field(description="dotted path: renewal.notice_period, parties.1.name, ...")
    value: JsonValue = Field(description="the corrected value, in the record's JSON form")
    extracted: JsonValue = Field(
        default=None, description="the extracted value it replaced, in the record's JSON form"
    )
    by: str = Field(min_length=1, description="who made the correction")
    at: datetime = Field(description="when (UTC)")
    note: str | None = None


class ContractRecord(_Model):
    """One contract, as extracted. `id` is the sha256 of the file bytes.

    Read from the portfolio, the values are the corrected ones, with `corrections` saying
    which fields a person corrected and what had been extracted.
    """

    id: str = Field(pattern=r"^[0-9a-f]{64}$")
    source: str
    filename: str
    pages: int = Field(ge=0)
    page_sources: list[PageSource] = Field(
        default_factory=list, description="per page: text layer or OCR (scanned pages)"
    )
    title: str | None = None
    parties: list[Party] = Field(default_factory=list)
    agreement_date: date | None = None
    effective_date: date | None = None
    expiration_date: date | None = None
    perpetual: bool = Field(
        default=False,
        description="no fixed end date: a perpetual grant, or evergreen (see renewal.evergreen)",
    )
    initial_term: Duration | None = None
    renewal: Renewal = Field(default_factory=Renewal)
    governing_law: str | None = None
    sla: list[SlaCommitment] = Field(default_factory=list)
    penalties: list[Penalty] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    evidence: FieldEvidence = Field(default_factory=FieldEvidence)
    warnings: list[str] = Field(default_factory=list)
    extractor_version: str
    version: int = Field(
        default=1, ge=1,
        description="the portfolio's count of files dropped under this file name: 1 for the "
        "first, one more for each new version (different bytes, same name)",
    )
    supersedes: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="id of the version this one replaced"
    )
    superseded_by: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$",
        description="id of the newer version; null while this is the current one",
    )
    corrections: list[Correction] = Field(
        default_factory=list,
        description="fields corrected by a person (the values above are the corrected ones); "
        "left out of the JSON when empty",
    )
    recomputed: dict[str, JsonValue] = Field(
        default_factory=dict,
        description="dates recomputed from corrected values (expiration_date, "
        "renewal.current_term_end, renewal.notice_deadline): field -> the extracted value; "
        "left out of the JSON when empty",
    )

    @model_serializer(mode="wrap")
    def _without_empty_corrections(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Uncorrected records serialise exactly as before corrections existed."""
        data = handler(self)
        if isinstance(data, dict):
            for key in ("corrections", "recomputed"):
                if not data.get(key, True):
                    data.pop(key)
        return data

    def counterparty(self, own_roles: frozenset[str] = frozenset()) -> Party | None:
        """The first party whose role is not one of ours (for alerts and listings)."""
        for party in self.parties:
            if party.role is None or party.role.lower() not in own_roles:
                return party
        return None

    @property
    def start_date(self) -> date | None:
        """The date the term runs from: the effective date, else the agreement date."""
        return self.effective_date or self.agreement_date
