"""Pydantic models of the contract record, term arithmetic and the error hierarchy."""

from schemas.errors import ContractError, CorruptPdf, EmptyFile, EncryptedPdf, NotAPdf
from schemas.record import (
    Amount,
    Clause,
    ClauseType,
    ContractRecord,
    Duration,
    DurationUnit,
    Evidence,
    FieldEvidence,
    Party,
    Penalty,
    PenaltyKind,
    Renewal,
    SlaCommitment,
    SlaMetric,
)

__all__ = [
    "Amount",
    "Clause",
    "ClauseType",
    "ContractError",
    "ContractRecord",
    "CorruptPdf",
    "Duration",
    "DurationUnit",
    "EmptyFile",
    "EncryptedPdf",
    "Evidence",
    "FieldEvidence",
    "NotAPdf",
    "Party",
    "Penalty",
    "PenaltyKind",
    "Renewal",
    "SlaCommitment",
    "SlaMetric",
]
