"""Corrections on a cluster: the corrections index, and the record rewritten with them.

A correction is written twice, like the embedded store writes it: as its own document in
`contracts-corrections` (id `<record id>:<field>`), apart from the extraction, and into
the record document, whose `record` is the extraction with the corrections applied and
listed (`schemas.corrections`), so searches, facets and the deadline pre-selection
(`due_dates`) see the corrected values. The record document goes first, then refreshes
(a correction is interactive: the renewals list must show it at once); a failure
between the two leaves the record corrected and the correction listed on it, and the
same correction made again writes both.

Re-extraction re-applies the corrections the stored record document lists
(`planning.reapply_corrections`), read in the same real-time `mget` that `add_many` does anyway.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from elasticsearch import Elasticsearch, NotFoundError

from portfolio.elasticsearch.connection import ALIAS_ONLY, Retrying
from portfolio.elasticsearch.documents import (
    added_at_from_source,
    correction_document,
    correction_id,
    record_from_source,
)
from portfolio.elasticsearch.mappings import IndexNames
from portfolio.elasticsearch.writes import RecordWriter
from portfolio.errors import UnknownCorrection, UnknownRecord
from schemas.corrections import with_correction, without_correction
from schemas.record import ContractRecord, Correction


class Corrections:
    """`Portfolio.store_correction`/`undo_correction` on the corrections alias."""

    def __init__(
        self, client: Elasticsearch, names: IndexNames, retry: Retrying, writer: RecordWriter
    ) -> None:
        self.client = client
        self.alias = names.alias("corrections")
        self.retry = retry
        self.writer = writer

    def _stored(self, record_id: str) -> tuple[ContractRecord, datetime]:
        source = self.writer.reader.sources_by_id([record_id]).get(record_id)
        if source is None:
            raise UnknownRecord(f"no contract with id {record_id} in the portfolio")
        return record_from_source(source), added_at_from_source(source) or datetime.now(UTC)

    def store(self, record_id: str, correction: Correction) -> ContractRecord:
        stored, added_at = self._stored(record_id)
        record = with_correction(stored, correction)
        self.writer.rewrite(record, added_at)
        applied = next(c for c in record.corrections if c.field == correction.field)
        document = correction_document(record_id, applied)
        self.retry("store a correction", lambda: self.client.index(
            index=self.alias, id=correction_id(record_id, correction.field), document=document,
            refresh="wait_for", **ALIAS_ONLY))
        return record

    def undo(self, record_id: str, field: str) -> ContractRecord:
        stored, added_at = self._stored(record_id)
        if field not in {c.field for c in stored.corrections}:
            raise UnknownCorrection(f"{field} of {stored.filename} ({record_id[:12]}) has no "
                                    "correction to undo")
        record = without_correction(stored, field)
        self.writer.rewrite(record, added_at)
        with contextlib.suppress(NotFoundError):  # already gone from the index: fine
            self.retry("remove a correction", lambda: self.client.delete(
                index=self.alias, id=correction_id(record_id, field), refresh="wait_for"),
                expect=(NotFoundError,))
        return record
