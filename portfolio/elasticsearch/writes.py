"""Storing and removing records with the bulk helper: idempotent ids, no orphans, per-record errors.

One batch is one `helpers.streaming_bulk` stream, in chunks. For each record the clause
documents go first, then deletes of clause ids beyond its new last ordinal (so a
replacement with fewer clauses leaves none behind), then the record document last: the
record document is the "commit marker", so a process killed half-way leaves the old
record (or none), and the next run writes the whole record again.

A document Elasticsearch rejects fails its contract, not the batch: the contract (and a
version it would have superseded) is put back as it was (`planning.corrections`), the
others stand, and `RecordsRejected` names each rejected contract with Elasticsearch's
reason. Re-running the batch is safe.

Every write goes through an alias with `require_alias` (`connection.ALIAS_ONLY`): a missing
alias fails the write instead of auto-creating an index of that name.

Refresh: writes are searchable within `index.refresh_interval` (1 s by default). Only a
caller that must read its own writes through search pays for a refresh: `EsConfig.refresh`
(interactive use, tests), and the watched inbox's `as_new_versions` batches, whose next
batch finds the current version of a file name by search.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers

from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import (
    ALIAS_ONLY,
    BULK_ITEM_RETRIES,
    WRITES_BLOCKED,
    EsRequestFailed,
    Retrying,
)
from portfolio.elasticsearch.documents import (
    added_at_from_source,
    clause_document,
    clause_id,
    correction_id,
    record_document,
    record_from_source,
)
from portfolio.elasticsearch.errors import RecordsRejected, RejectedRecord
from portfolio.elasticsearch.mappings import IndexNames
from portfolio.elasticsearch.planning import (
    Correction,
    RecordWrite,
    Stored,
    WritePlan,
    corrections,
    plan_batch,
    reapply_corrections,
)
from portfolio.elasticsearch.reads import Reader
from portfolio.models import AddOutcome
from schemas.record import ContractRecord

log = logging.getLogger(__name__)

Action = dict[str, Any]


def _reason(item: dict[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, dict):
        text = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        caused = error.get("caused_by")
        if isinstance(caused, dict) and caused.get("reason"):
            text += f" (caused by: {caused['reason']})"
        return text
    return str(error or f"status {item.get('status')}")


def _already_done(op_type: str, status: object) -> bool:
    """A refusal that means the write's purpose is met: deleting what is already gone
    (404), creating what already exists (409: `create` is used to keep what is there)."""
    return (op_type, status) in (("delete", 404), ("create", 409))


class RecordWriter:
    """Writes records and their clauses through the aliases (see the module docstring)."""

    def __init__(
        self, client: Elasticsearch, names: IndexNames, retry: Retrying, config: EsConfig
    ) -> None:
        self.client = client
        self.names = names
        self.retry = retry
        self.config = config
        self.reader = Reader(client, names, retry)
        self.records = names.alias("records")
        self.clauses = names.alias("clauses")

    # --- adding --------------------------------------------------------------------------

    def add_many(
        self, records: Iterable[ContractRecord], *, as_new_versions: bool
    ) -> list[AddOutcome]:
        """Store a batch (see `Portfolio.add_many`); raises `RecordsRejected` on partial success."""
        batch = list(records)  # a failing iterator fails before anything is written
        if not batch:
            return []
        stored = self._stored(batch, as_new_versions)
        now = datetime.now(UTC)
        batch = reapply_corrections(batch, stored)
        plan = plan_batch(batch, stored, as_new_versions=as_new_versions, now=now)
        failed = self._send(self._plan_actions(plan, now))
        rejected: list[RejectedRecord] = []
        if failed:
            positions = {p: reason for rid, reason in failed.items()
                         for p in plan.writes[rid].owners}
            rejected = [RejectedRecord(batch[p].id, batch[p].filename, reason)
                        for p, reason in sorted(positions.items())]
            second = plan_batch(batch, stored, as_new_versions=as_new_versions, now=now,
                                skip=frozenset(positions))
            self._undo(corrections(plan, second, stored, set(failed)), now)
            plan = second
        not_copied = self._copy_lead_days(plan.lead_day_copies, now)
        self._move_ledger(plan.lead_day_copies)  # sent alerts move even if a copy failed
        if self.config.refresh or as_new_versions:
            self.refresh()
        if rejected:
            if not_copied:  # RecordsRejected carries the outcomes: it goes first
                log.error("%s", not_copied)
            raise RecordsRejected(rejected, plan.outcomes)
        if not_copied:
            raise EsRequestFailed(not_copied)
        return [outcome for outcome in plan.outcomes if outcome is not None]

    def _stored(self, batch: list[ContractRecord], as_new_versions: bool) -> dict[str, Stored]:
        """The stored records the plan needs: same ids, and current ones with the same names."""
        sources = self.reader.sources_by_id([r.id for r in batch])
        if as_new_versions:
            names = sorted({r.filename.lower() for r in batch})
            for source in self.reader.current_by_filenames(names):
                sources.setdefault(source["record_id"], source)
        stored: dict[str, Stored] = {}
        for record_id, source in sources.items():
            added = added_at_from_source(source) or datetime.now(UTC)
            stored[record_id] = Stored(record_from_source(source), added)
        return stored

    def _record_actions(self, write: RecordWrite, now: datetime) -> Iterator[Action]:
        record = write.record
        for ordinal, clause in enumerate(record.clauses):
            yield {"_op_type": "index", "_index": self.clauses,
                   "_id": clause_id(record.id, ordinal),
                   "_source": clause_document(record, ordinal, clause)}
        for ordinal in range(len(record.clauses), write.indexed_clauses):
            yield {"_op_type": "delete", "_index": self.clauses,
                   "_id": clause_id(record.id, ordinal)}
        yield {"_op_type": "index", "_index": self.records, "_id": record.id,
               "_source": record_document(record, added_at=write.added_at, updated_at=now)}

    def rewrite(self, record: ContractRecord, added_at: datetime) -> None:
        """Write a stored record again with new field values (a correction), then refresh.

        Its clause documents are written too: they repeat the contract's title, parties
        and governing law for the search filters.
        """
        write = RecordWrite(record, added_at, len(record.clauses))
        failed = self._send(list(self._record_actions(write, datetime.now(UTC))))
        if failed:
            raise EsRequestFailed(
                f"could not store the corrected record {record.filename} ({record.id[:12]}): "
                f"{next(iter(failed.values()))}; nothing was corrected, try again"
            )
        self.refresh()

    def _plan_actions(self, plan: WritePlan, now: datetime) -> list[Action]:
        return [a for write in plan.writes.values() for a in self._record_actions(write, now)]

    def _undo(self, fixes: list[Correction], now: datetime) -> None:
        actions: list[Action] = []
        for fix in fixes:
            if fix.target is not None:
                target = RecordWrite(fix.target.record, fix.target.added_at, fix.indexed_clauses)
                actions += self._record_actions(target, now)
            else:
                actions += self.delete_actions(fix.record_id, fix.indexed_clauses)
        left = self._send(actions)
        if left:
            raise EsRequestFailed(
                "a batch was partly rejected and could not be put back for "
                + ", ".join(sorted(left)) + ": run the same ingest again to repair them"
            )

    # --- removing ------------------------------------------------------------------------

    def delete_actions(self, record_id: str, clauses: int) -> list[Action]:
        """Deletes of a record document and its `clauses` clause documents."""
        actions: list[Action] = [
            {"_op_type": "delete", "_index": self.clauses, "_id": clause_id(record_id, n)}
            for n in range(clauses)
        ]
        actions.append({"_op_type": "delete", "_index": self.records, "_id": record_id})
        return actions

    def remove(self, record_id: str) -> bool:
        """Delete a record, its clauses (also any stray ones) and its lead-time override."""
        source = self.reader.sources_by_id([record_id]).get(record_id)
        if source is None:
            return False
        record = record_from_source(source)
        actions = self.delete_actions(record_id, len(record.clauses))
        actions.append({"_op_type": "delete", "_index": self.names.alias("lead-days"),
                        "_id": record_id})
        actions += [{"_op_type": "delete", "_index": self.names.alias("corrections"),
                     "_id": correction_id(record_id, c.field)} for c in record.corrections]
        failed = self._send(actions)
        if failed:
            raise EsRequestFailed(f"could not remove {record_id}: {next(iter(failed.values()))}")
        self.retry(
            "remove stray clause documents",
            lambda: self.client.delete_by_query(
                index=self.clauses, query={"term": {"record_id": record_id}},
                conflicts="proceed", refresh=self.config.refresh,
            ),
        )
        # the override's removal is read back by search (`lead_days_overrides`): as every
        # lead-time write, it waits for visibility; records and clauses only when asked
        self.refresh(["records", "clauses", "lead-days"] if self.config.refresh else ["lead-days"])
        return True

    # --- plumbing ------------------------------------------------------------------------

    def _send(
        self, actions: Sequence[Action], what: str = "write to the portfolio", **options: Any
    ) -> dict[str, str]:
        """Bulk-write `actions` (`options`: more `bulk` parameters, e.g. `refresh`); record
        id -> reason for every rejected document."""
        if not actions:
            return {}
        return self.retry(what, lambda: self._stream(actions, options))

    def _stream(self, actions: Sequence[Action], options: dict[str, Any]) -> dict[str, str]:
        failed: dict[str, str] = {}
        client = self.client.options(request_timeout=self.config.bulk_timeout)
        for ok, result in helpers.streaming_bulk(
            client,
            actions,
            chunk_size=self.config.bulk_chunk_size,
            max_retries=self.config.max_retries,
            initial_backoff=self.config.retry_backoff,
            max_backoff=self.config.retry_backoff_max,
            raise_on_error=False,
            yield_ok=False,
            **ALIAS_ONLY,
            **BULK_ITEM_RETRIES,
            **options,
        ):
            op_type, item = next(iter(result.items()))
            if ok or _already_done(op_type, item.get("status")):
                continue
            reason = _reason(item)
            if "cluster_block_exception" in reason:  # nothing goes in: no record to undo
                raise EsRequestFailed(f"{WRITES_BLOCKED} ({reason})")
            record_id = str(item.get("_id", "")).split("-", 1)[0]
            failed.setdefault(record_id, reason)
        return failed

    def refresh(self, kinds: Sequence[str] = ("records", "clauses")) -> None:
        """Make every write so far visible to search (the caller reads its own writes)."""
        indices = [self.names.alias(kind) for kind in kinds]
        self.retry(
            "refresh the portfolio indices", lambda: self.client.indices.refresh(index=indices)
        )

    def _move_ledger(self, moves: list[tuple[str, str]]) -> None:
        """Sent alerts follow a contract to its new version, as in the embedded store, so a
        re-signed copy with the same deadline does not bring the same reminder twice.

        One `_update_by_query` (Painless script, parameters by old id); `refresh` because
        the next alert run reads the ledger back by search.
        """
        if not moves:
            return
        moved = dict(moves)
        script = {"source": "ctx._source.record_id = params.moved[ctx._source.record_id]",
                  "lang": "painless", "params": {"moved": moved}}
        answer = self.retry("move sent alerts to the new version",
                            lambda: self.client.update_by_query(
                                index=self.names.alias("alerts"),
                                query={"terms": {"record_id": sorted(moved)}},
                                script=script, conflicts="proceed", refresh=True))
        if answer.get("failures"):
            raise EsRequestFailed(f"could not move the sent alerts of {', '.join(sorted(moved))}"
                                  f" to their new versions: {answer['failures'][0]}")

    def _copy_lead_days(self, copies: list[tuple[str, str]], now: datetime) -> str | None:
        """Per-contract lead times follow a contract to its new version (unless it has some).

        "create": an override the new version already has is kept (409, not an error).
        Sent like every batch (chunks, 429s retried with backoff); the message naming each
        copy that failed, or None. The caller raises it once the rest of the batch is done:
        the records are stored, so a re-run would not copy again; the message says how to
        set the lead times by hand.
        """
        if not copies:
            return None
        alias = self.names.alias("lead-days")
        found = self.reader.sources_by_id([old for old, _ in copies], kind="lead-days")
        actions: list[Action] = [
            {"_op_type": "create", "_index": alias, "_id": new,
             "_source": {"record_id": new, "lead_days": found[old]["lead_days"],
                         "updated_at": now.isoformat(timespec="seconds")}}
            for old, new in copies
            if old in found
        ]
        failed = self._send(actions, "copy alert lead times", refresh="wait_for")
        if not failed:
            return None
        lost = [f"{new} (from {old[:12]}): {failed[new]}; set them again with `contracts "
                f"alerts --set-lead-days {new} {','.join(map(str, found[old]['lead_days']))}`"
                for old, new in copies if new in failed]
        return ("the alert lead times of these new versions were not copied from their "
                "previous version: " + "; ".join(lost))
