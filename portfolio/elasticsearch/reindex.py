"""`contracts es reindex`: a new generation of every index, built from the records, swapped in.

Mapping changes (a new analyzer, a new field) cannot be applied to an existing index, so
the program builds the next generation (`contracts-records-v2`, ...) from its current
index templates and moves the aliases to it in one atomic `POST _aliases`. Readers never
see a gap: they read the old generation until the swap and the new one after it.

1. install the code's templates; create the new indices (refresh off while loading);
2. make the old indices read-only (`PUT <index>/_block/write`, which returns once writes
   in flight have finished) and refresh them, so the copy misses no write: writers get a
   clear "reindex running" error meanwhile, readers do not notice;
3. rebuild: each record document from its stored `ContractRecord` (derived fields and
   due dates computed by today's code), its clause documents from the same record; the
   alert ledger, lead times and corrections are copied as they are;
4. check the document counts, turn refresh back on, swap all aliases at once;
5. lift the write block from the old indices and keep them (`contracts es prune` deletes
   generations no alias points at; swapping the aliases back undoes a reindex).

A failure undoes what this run did, and only that: it lifts the block if it set one and
deletes the new indices it created, so the portfolio is as it was. A failure of the swap
itself may hide a swap that was applied (its answer lost to a timeout, or Ctrl-C): the
aliases are read back first; an index an alias points at is never deleted, and if the
aliases point at the new generation the reindex is done. After the swap, a failure to lift
the old block only warns: writers already use the new indices.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from itertools import islice
from typing import Any, NoReturn

from elasticsearch import ApiError, Elasticsearch, helpers

from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import BULK_ITEM_RETRIES, Retrying
from portfolio.elasticsearch.documents import (
    added_at_from_source,
    clause_document,
    clause_id,
    record_document,
    record_from_source,
)
from portfolio.elasticsearch.errors import ReindexError
from portfolio.elasticsearch.indices import create_index, install_template, live_indices
from portfolio.elasticsearch.mappings import KINDS, IndexNames
from portfolio.elasticsearch.reads import Reader
from portfolio.errors import PortfolioError

log = logging.getLogger(__name__)

LOADING = {"index": {"refresh_interval": "-1"}}
"""Settings of a new index while it is filled (no refresh work until it is complete)."""


@dataclass
class ReindexReport:
    """What a reindex did: the generation made, old -> new index per alias, documents."""

    generation: int
    swapped: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """Things the admin should know about a reindex that did succeed."""


@dataclass
class _Changes:
    """What a run has changed in the cluster so far: what a failure has to undo."""

    created: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    swap_sent: bool = False


def _refused(exc: BaseException) -> bool:
    """Elasticsearch answered the request with a 4xx: it changed nothing. Any other failure
    (5xx, timeout, no connection) may hide a change that was made."""
    cause = exc.__cause__
    return isinstance(cause, ApiError) and 400 <= cause.status_code < 500


def _unblock_command(indices: list[str]) -> str:
    return f'`PUT {",".join(indices)}/_settings {{"index.blocks.write": null}}`'


def generations(client: Elasticsearch, names: IndexNames, retry: Retrying) -> dict[str, list[int]]:
    """kind -> the generation numbers of every index of that kind in the cluster."""
    answer = retry("list the portfolio indices", lambda: client.indices.get(
        index=[names.pattern(kind) for kind in KINDS], allow_no_indices=True,
        ignore_unavailable=True))
    found: dict[str, list[int]] = {kind: [] for kind in KINDS}
    for index in answer:
        for kind in KINDS:
            number = names.generation(kind, index)
            if number is not None:
                found[kind].append(number)
    return {kind: sorted(numbers) for kind, numbers in found.items()}


class Reindexer:
    """One run of the steps in the module docstring."""

    def __init__(
        self, client: Elasticsearch, names: IndexNames, retry: Retrying, config: EsConfig
    ) -> None:
        self.client = client
        self.names = names
        self.retry = retry
        self.config = config
        self.reader = Reader(client, names, retry)

    def run(self, *, delete_old: bool = False) -> ReindexReport:
        """The steps of the module docstring; raises `ReindexError` unless the aliases were
        switched to the new generation."""
        for kind in KINDS:
            install_template(self.client, self.names, kind, self.retry)
        live = live_indices(self.client, self.names, self.retry)
        report = ReindexReport(self._next_generation())
        old = {kind: index.index for kind, index in live.items()}
        new = {kind: self.names.index(kind, report.generation) for kind in KINDS}
        changes = _Changes()
        try:
            self._create(report.generation, changes)
            self._pause_writes(list(old.values()), changes)
            report.documents = self._fill(old, new)
            self._verify(old, report.documents)
            self._finish(new)
            changes.swap_sent = True
            self._swap(old, new)
        except BaseException as exc:
            self._recover(exc, new, changes, report)  # returns if the swap was applied
        self._resume_after_swap(changes.blocked, report)
        report.swapped = {self.names.alias(k): (old.get(k), new[k]) for k in KINDS}
        if delete_old:
            report.deleted = prune(self.client, self.names, self.retry)
        return report

    # --- steps ---------------------------------------------------------------------------

    def _next_generation(self) -> int:
        """One above every generation in the cluster, aliased or not (no name is reused)."""
        found = generations(self.client, self.names, self.retry)
        return 1 + max((n for numbers in found.values() for n in numbers), default=0)

    def _create(self, generation: int, changes: _Changes) -> None:
        """Create the new indices, refresh off while they are filled.

        An index is this run's to delete unless Elasticsearch refused to create it (e.g. it
        exists already: not ours); a creation whose answer was lost may have happened.
        """
        for kind in KINDS:
            try:
                index = create_index(self.client, self.names, kind, generation, self.retry,
                                     with_alias=False, settings=LOADING, exist_ok=False)
            except BaseException as exc:
                if not _refused(exc):
                    changes.created.append(self.names.index(kind, generation))
                raise
            changes.created.append(index)

    def _pause_writes(self, indices: list[str], changes: _Changes) -> None:
        """Make the old indices read-only (the block API returns once writes in flight are
        done), then refresh them so that the copy sees every write."""
        if not indices:
            return
        try:
            self.retry("pause writes on the old indices", lambda: self.client.indices.add_block(
                index=indices, block="write"))
        except BaseException as exc:
            if not _refused(exc):  # the block may be set though its answer was lost
                changes.blocked = indices
            raise
        changes.blocked = indices
        self.retry("refresh the old indices", lambda: self.client.indices.refresh(index=indices))

    def _resume_writes(self, indices: list[str]) -> None:
        """Lift the write block (the setting back to its default, null)."""
        if not indices:
            return
        self.retry("resume writes on the old indices", lambda: self.client.indices.put_settings(
            index=indices, settings={"index.blocks.write": None}))

    def _resume_after_swap(self, blocked: list[str], report: ReindexReport) -> None:
        """Lift the old block after a swap; a failure only warns: the reindex is done and
        writers use the new indices, the block only matters to a swap back."""
        try:
            self._resume_writes(blocked)
        except PortfolioError as exc:
            self._warn(report, f"the aliases point at the new indices, but the old ones are "
                       f"still read-only ({exc}): before swapping back, lift the block with "
                       f"{_unblock_command(blocked)}")

    @staticmethod
    def _warn(report: ReindexReport, message: str) -> None:
        log.warning("%s", message)
        report.warnings.append(message)

    def _fill(self, old: dict[str, str], new: dict[str, str]) -> dict[str, int]:
        today = datetime.now(UTC).date()
        counts = {kind: 0 for kind in KINDS}
        if "records" in old:
            actions = self._record_actions(new, today, counts)
            self._bulk(actions, "rebuild the records and clauses")
        for kind in ("alerts", "lead-days", "corrections"):
            if kind in old:
                self._bulk(self._copy_actions(kind, new[kind], counts), f"copy the {kind}")
        return counts

    def _record_actions(
        self, new: dict[str, str], today: date, counts: dict[str, int]
    ) -> Iterator[dict[str, Any]]:
        for hit in self.reader.scan("records", {"match_all": {}}, [{"record_id": "asc"}]):
            source = hit["_source"]
            record = record_from_source(source)
            added = added_at_from_source(source) or datetime.now(UTC)
            updated = datetime.fromisoformat(source.get("updated_at") or added.isoformat())
            for ordinal, clause in enumerate(record.clauses):
                counts["clauses"] += 1
                yield {"_op_type": "index", "_index": new["clauses"],
                       "_id": clause_id(record.id, ordinal),
                       "_source": clause_document(record, ordinal, clause)}
            counts["records"] += 1
            yield {"_op_type": "index", "_index": new["records"], "_id": record.id,
                   "_source": record_document(record, added_at=added, updated_at=updated,
                                              listed_on=today)}

    def _copy_actions(
        self, kind: str, index: str, counts: dict[str, int]
    ) -> Iterator[dict[str, Any]]:
        sort = [{"record_id": "asc"}] if kind == "lead-days" else [{"key": "asc"}]
        for hit in self.reader.scan(kind, {"match_all": {}}, sort):
            counts[kind] += 1
            yield {"_op_type": "index", "_index": index, "_id": hit["_id"],
                   "_source": hit["_source"]}

    def _bulk(self, actions: Iterator[dict[str, Any]], what: str) -> None:
        """Send `actions` chunk by chunk, each chunk retried like any request (429, 5xx,
        timeouts, with backoff: writes by id are idempotent); rejected documents stop it."""
        errors: list[dict[str, Any]] = []
        while chunk := list(islice(actions, self.config.bulk_chunk_size)):
            errors += self.retry(what, partial(self._send_chunk, chunk))
        if errors:
            first = errors[0]
            raise ReindexError(
                f"could not {what}: {len(errors)} document(s) rejected, e.g. {first.get('_id')}: "
                f"{first.get('error')}; the aliases were not moved"
            )

    def _send_chunk(self, chunk: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One bulk request (the helper retries 429 items); the items it rejected."""
        return [next(iter(result.values())) for ok, result in helpers.streaming_bulk(
            self.client.options(request_timeout=self.config.bulk_timeout), chunk,
            chunk_size=self.config.bulk_chunk_size, max_retries=self.config.max_retries,
            initial_backoff=self.config.retry_backoff, max_backoff=self.config.retry_backoff_max,
            raise_on_error=False, yield_ok=False, **BULK_ITEM_RETRIES,
        ) if not ok]

    def _verify(self, old: dict[str, str], copied: dict[str, int]) -> None:
        """Every record, alert and override of the (write-blocked) old indices was copied.

        Clause documents are not compared: they are rebuilt from the records, so strays the
        old index may hold are meant to disappear.
        """
        for kind in ("records", "alerts", "lead-days", "corrections"):
            if kind not in old:
                continue
            before = self.reader.count(kind)
            if before != copied[kind]:
                raise ReindexError(
                    f"{self.names.alias(kind)} holds {before} documents but {copied[kind]} were "
                    "copied; the aliases were not moved"
                )

    def _finish(self, new: dict[str, str]) -> None:
        indices = list(new.values())
        self.retry("turn refresh back on", lambda: self.client.indices.put_settings(
            index=indices, settings={"index.refresh_interval": None}))
        self.retry("refresh the new indices", lambda: self.client.indices.refresh(index=indices))

    def _swap(self, old: dict[str, str], new: dict[str, str]) -> None:
        actions: list[dict[str, Any]] = []
        for kind in KINDS:
            alias = self.names.alias(kind)
            if kind in old:
                actions.append({"remove": {"index": old[kind], "alias": alias}})
            actions.append({"add": {"index": new[kind], "alias": alias}})
        self.retry("switch the aliases to the new indices",
                   lambda: self.client.indices.update_aliases(actions=actions))

    def _delete(self, indices: list[str]) -> None:
        self.retry("delete the unfinished indices", lambda: self.client.indices.delete(
            index=indices, ignore_unavailable=True))

    # --- after a failure -----------------------------------------------------------------

    def _recover(
        self, exc: BaseException, new: dict[str, str], changes: _Changes, report: ReindexReport
    ) -> None:
        """Undo what the run changed and raise; or return, when the swap was applied after
        all (only its answer was lost) and the reindex is therefore done."""
        aliased: set[str] = set()
        if changes.swap_sent:
            try:
                aliased = self._aliased(set(new.values()))
            except PortfolioError as lookup:
                self._raise(exc, self._undo(changes, keep=set(changes.created)), unknown=(
                    f"the alias switch may have been applied ({exc}) but the aliases could not "
                    f"be read back ({lookup}), so no index was deleted: `contracts es status` "
                    f"shows where they point; if at generation {report.generation}, the "
                    "reindex is done, otherwise `contracts es prune` deletes the unfinished "
                    "indices"))
            if aliased == set(new.values()):
                self._warn(report, f"the answer to the alias switch was lost ({exc}), but the "
                           "aliases point at the new indices: the reindex is done")
                if not isinstance(exc, Exception):  # Ctrl-C: done, and still stop
                    self._resume_after_swap(changes.blocked, report)
                    raise exc
                return
        problems = self._undo(changes, keep=aliased)
        if aliased:  # not after an atomic swap; but never delete what an alias points at
            problems.append(f"an alias points at {', '.join(sorted(aliased))}, kept: "
                            "`contracts es status` shows the aliases")
        self._raise(exc, problems)

    def _aliased(self, indices: set[str]) -> set[str]:
        """Which of `indices` an alias points at now, read from the cluster."""
        live = live_indices(self.client, self.names, self.retry)
        return {index.index for index in live.values()} & indices

    def _undo(self, changes: _Changes, keep: set[str]) -> list[str]:
        """Lift the block this run set, delete the indices it created (but those in `keep`,
        which an alias points at); what could not be undone, with how to do it by hand."""
        problems = []
        try:
            self._resume_writes(changes.blocked)  # first: the block is what stops writers
        except PortfolioError as exc:
            problems.append(f"the old indices are still read-only ({exc}): lift the block with "
                            f"{_unblock_command(changes.blocked)}")
        unfinished = [index for index in changes.created if index not in keep]
        try:
            if unfinished:
                self._delete(unfinished)
        except PortfolioError as exc:
            problems.append(f"the unfinished indices {', '.join(unfinished)} were not deleted "
                            f"({exc}): `contracts es prune` deletes them")
        return problems

    @staticmethod
    def _raise(exc: BaseException, problems: list[str], unknown: str | None = None) -> NoReturn:
        """Raise the failure as a `ReindexError` that says what state the cluster is in."""
        if not isinstance(exc, Exception):  # Ctrl-C and the like stay what they are
            for problem in filter(None, [unknown, *problems]):
                log.error("%s", problem)
            raise exc
        if unknown is not None:
            text = unknown
        elif isinstance(exc, ReindexError):
            if not problems:
                raise exc
            text = str(exc)
        else:
            text = f"reindex stopped{', nothing changed' if not problems else ''}: {exc}"
        if problems:
            text += "; and not everything could be undone: " + "; ".join(problems)
        raise ReindexError(text) from exc


def prune(client: Elasticsearch, names: IndexNames, retry: Retrying) -> list[str]:
    """Delete every generation no alias points at; the names deleted."""
    current = {index.index for index in live_indices(client, names, retry).values()}
    stale = [
        names.index(kind, number)
        for kind, numbers in generations(client, names, retry).items()
        for number in numbers
        if names.index(kind, number) not in current
    ]
    if stale:
        retry("delete the old indices", lambda: client.indices.delete(index=stale))
    return stale


@dataclass(frozen=True)
class IndexStatus:
    """One alias: the index it points at, its mapping version and size, all generations."""

    alias: str
    index: str | None
    mapping_version: int | None
    documents: int | None
    generations: list[str]


def index_status(client: Elasticsearch, names: IndexNames, retry: Retrying) -> list[IndexStatus]:
    """The state of every alias of the portfolio (for `contracts es status`)."""
    live = live_indices(client, names, retry)
    found = generations(client, names, retry)
    reader = Reader(client, names, retry)
    return [
        IndexStatus(
            alias=names.alias(kind),
            index=live[kind].index if kind in live else None,
            mapping_version=live[kind].mapping_version if kind in live else None,
            documents=reader.count(kind) if kind in live else None,
            generations=[names.index(kind, number) for number in found[kind]],
        )
        for kind in KINDS
    ]
