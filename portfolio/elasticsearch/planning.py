"""What a batch of records turns into: outcomes and the final documents to write. Pure.

The embedded store applies a batch record by record inside one transaction
(`portfolio.sqlite_records.store_record`). Elasticsearch has no transactions, so the same rules are
applied here to an in-memory view of the affected records first, giving the outcome of
each record (added / unchanged / replaced / new_version) and the *final* state of every
record the batch touches; the writer then sends those states in one bulk stream.

Planning the batch again without the records Elasticsearch rejected tells the writer what
the store must hold instead (`corrections`): that is how a rejected record, and whatever
it would have superseded, is put back as it was while the rest of the batch stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from portfolio.models import AddOutcome
from schemas.corrections import apply_corrections, extracted_record
from schemas.record import ContractRecord


@dataclass(frozen=True)
class Stored:
    """A record as the index holds it before the batch."""

    record: ContractRecord
    added_at: datetime


@dataclass
class RecordWrite:
    """The final state of one record after the batch, and what it replaces."""

    record: ContractRecord
    added_at: datetime
    indexed_clauses: int
    """Clause documents the index holds for this record id before the write."""
    owners: set[int] = field(default_factory=set)
    """Batch positions that fail if this write fails."""


@dataclass
class WritePlan:
    outcomes: list[AddOutcome | None]
    writes: dict[str, RecordWrite]
    lead_day_copies: list[tuple[str, str]]
    """(superseded id, newer id): the override follows the contract to its new version."""


def _name_key(filename: str) -> str:
    return filename.lower()


def _keep_version(stored: ContractRecord, record: ContractRecord) -> ContractRecord:
    """A re-extracted record keeps its place among the versions of its file name."""
    return record.model_copy(
        update={
            "version": stored.version,
            "supersedes": stored.supersedes,
            "superseded_by": stored.superseded_by,
        }
    )


class _Batch:
    """The running view of the touched records while the batch is applied in order."""

    def __init__(self, stored: dict[str, Stored], now: datetime) -> None:
        self.stored = stored
        self.now = now
        self.state = {rid: s.record for rid, s in stored.items()}
        self.added_at = {rid: s.added_at for rid, s in stored.items()}
        self.writes: dict[str, RecordWrite] = {}

    def write(self, record: ContractRecord, owner: int) -> None:
        self.state[record.id] = record
        self.added_at.setdefault(record.id, self.now)
        write = self.writes.get(record.id)
        if write is None:
            stored = self.stored.get(record.id)
            clauses = len(stored.record.clauses) if stored else 0
            write = RecordWrite(record, self.added_at[record.id], clauses)
            self.writes[record.id] = write
        write.record = record
        write.owners.add(owner)

    def current_version(self, record: ContractRecord) -> ContractRecord | None:
        """The current record named like `record` (other bytes), as `sqlite_versions` picks it."""
        name = _name_key(record.filename)
        candidates = [
            r
            for r in self.state.values()
            if r.id != record.id and r.superseded_by is None and _name_key(r.filename) == name
        ]
        if not candidates:
            return None
        candidates.sort(key=lambda r: r.id)
        candidates.sort(key=lambda r: (r.version, self.added_at[r.id]), reverse=True)
        return candidates[0]


def reapply_corrections(
    batch: list[ContractRecord], stored: Mapping[str, Stored]
) -> list[ContractRecord]:
    """The batch with each stored record's corrections applied to its new extraction.

    As the embedded store does (`portfolio.sqlite_corrections.with_corrections`): a record
    not stored yet keeps the corrections it brings (re-applied to its own extraction);
    one given already corrected is reverted to its extraction first.
    """
    result = []
    for record in batch:
        before = stored.get(record.id)
        corrections = before.record.corrections if before is not None else record.corrections
        if corrections or record.corrections:
            record = apply_corrections(extracted_record(record), corrections)
        result.append(record)
    return result


def plan_batch(
    batch: list[ContractRecord],
    stored: dict[str, Stored],
    *,
    as_new_versions: bool,
    now: datetime,
    skip: frozenset[int] = frozenset(),
) -> WritePlan:
    """Outcomes and final states for `batch`, given what the index holds (`stored`).

    `stored` must hold every stored record with an id in the batch and, with
    `as_new_versions`, every current stored record sharing a batch record's file name.
    Positions in `skip` are left out (their outcome is None).
    """
    view = _Batch(stored, now)
    outcomes: list[AddOutcome | None] = []
    copies: list[tuple[str, str]] = []
    for position, incoming in enumerate(batch):
        if position in skip:
            outcomes.append(None)
            continue
        existing = view.state.get(incoming.id)
        previous = None
        if existing is not None:
            record = _keep_version(existing, incoming)
            if record == existing:
                outcomes.append(AddOutcome.unchanged)
                continue
            outcome = AddOutcome.replaced
        elif as_new_versions and (previous := view.current_version(incoming)) is not None:
            record = incoming.model_copy(
                update={"version": previous.version + 1, "supersedes": previous.id,
                        "superseded_by": None}
            )
            outcome = AddOutcome.new_version
        else:
            record, outcome = incoming, AddOutcome.added
        view.write(record, position)
        if previous is not None:
            view.write(previous.model_copy(update={"superseded_by": record.id}), position)
            copies.append((previous.id, record.id))
        outcomes.append(outcome)
    return WritePlan(outcomes, view.writes, copies)


@dataclass(frozen=True)
class Correction:
    """What one record id must become after a partly rejected batch."""

    record_id: str
    target: RecordWrite | None
    """The state to write back, or None: the record must not exist."""
    indexed_clauses: int
    """Clause documents that may exist for the id now (all beyond the target's are deleted)."""


def corrections(
    first: WritePlan, second: WritePlan, stored: dict[str, Stored], failed: set[str]
) -> list[Correction]:
    """How to go from the states `first` wrote (some only partly) to those `second` wants.

    A record id gets its state under `second`, or its stored state, or removal, when one of
    its documents was rejected (`failed`: it may be half written) or `second` wants it
    otherwise (e.g. a version it no longer supersedes). Records written as wanted are left.
    """
    fixes: list[Correction] = []
    for record_id, written in first.writes.items():
        wanted = second.writes.get(record_id)
        if record_id not in failed and wanted is not None and wanted.record == written.record:
            continue
        if wanted is None and record_id in stored:
            before = stored[record_id]
            wanted = RecordWrite(before.record, before.added_at, len(before.record.clauses))
        present = max(written.indexed_clauses, len(written.record.clauses))
        fixes.append(Correction(record_id, wanted, present))
    return fixes
