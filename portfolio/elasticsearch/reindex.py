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

Any failure before the swap deletes the new indices and lifts the block: the portfolio is
as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from elasticsearch import Elasticsearch, helpers

from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import Retrying
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

LOADING = {"index": {"refresh_interval": "-1"}}
"""Settings of a new index while it is filled (no refresh work until it is complete)."""


@dataclass
class ReindexReport:
    """What a reindex did: the generation made, old -> new index per alias, documents."""

    generation: int
    swapped: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    documents: dict[str, int] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)


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
        for kind in KINDS:
            install_template(self.client, self.names, kind, self.retry)
        live = live_indices(self.client, self.names, self.retry)
        generation = 1 + max((n for ns in generations(self.client, self.names, self.retry)
                              .values() for n in ns), default=0)
        new = {kind: create_index(self.client, self.names, kind, generation, self.retry,
                                  with_alias=False, settings=LOADING, exist_ok=False)
               for kind in KINDS}
        old = {kind: index.index for kind, index in live.items()}
        report = ReindexReport(generation)
        self._block(list(old.values()), True)
        try:
            report.documents = self._fill(old, new)
            self._verify(old, report.documents)
            self._finish(new)
            self._swap(old, new)
        except BaseException as exc:
            self._delete(list(new.values()))
            self._block(list(old.values()), False)
            if isinstance(exc, Exception) and not isinstance(exc, ReindexError):
                raise ReindexError(f"reindex stopped, nothing changed: {exc}") from exc
            raise
        self._block(list(old.values()), False)
        report.swapped = {self.names.alias(k): (old.get(k), new[k]) for k in KINDS}
        if delete_old:
            report.deleted = prune(self.client, self.names, self.retry)
        return report

    # --- steps ---------------------------------------------------------------------------

    def _block(self, indices: list[str], blocked: bool) -> None:
        """Pause writes on the old indices (the block API waits for writes in flight), or
        resume them (the setting back to its default, null)."""
        if not indices:
            return
        if blocked:
            self.retry("pause writes on the old indices", lambda: self.client.indices.add_block(
                index=indices, block="write"))
            self.retry("refresh the old indices",
                       lambda: self.client.indices.refresh(index=indices))
        else:
            self.retry("resume writes on the old indices",
                       lambda: self.client.indices.put_settings(
                           index=indices, settings={"index.blocks.write": None}))

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
        errors = []
        for ok, result in helpers.streaming_bulk(
            self.client.options(request_timeout=self.config.bulk_timeout), actions,
            chunk_size=self.config.bulk_chunk_size, max_retries=self.config.max_retries,
            initial_backoff=self.config.retry_backoff, max_backoff=self.config.retry_backoff_max,
            raise_on_error=False, yield_ok=False,
        ):
            if not ok:
                errors.append(next(iter(result.values())))
        if errors:
            first = errors[0]
            raise ReindexError(
                f"could not {what}: {len(errors)} document(s) rejected, e.g. {first.get('_id')}: "
                f"{first.get('error')}; the aliases were not moved"
            )

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
