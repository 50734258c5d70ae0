"""`ElasticsearchPortfolio`: the `Portfolio` interface on an Elasticsearch cluster.

Opening one checks the cluster (an Elasticsearch of the client's major version) and the
indices (created if missing, refused if their mappings are not the code's); after that,
each method is one or a few requests through the aliases (see `mappings`). The pieces:
`writes` (bulk writes, no orphans), `reads` (by id, paged scans), `search` (query DSL),
`aggregations` (facets, deadline candidates), `ledger` (alerts and lead times).

Thread safety: the official client is thread-safe, so one instance may be shared between
threads; it holds a connection pool, so close it (or use `with`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from portfolio.base import Portfolio
from portfolio.due_dates import due_in_window
from portfolio.elasticsearch import aggregations as agg
from portfolio.elasticsearch.config import EsConfig
from portfolio.elasticsearch.connection import Retrying, build_client, check_cluster
from portfolio.elasticsearch.corrections import Corrections
from portfolio.elasticsearch.documents import record_from_source
from portfolio.elasticsearch.indices import ensure_indices
from portfolio.elasticsearch.ledger import Ledger
from portfolio.elasticsearch.mappings import IndexNames
from portfolio.elasticsearch.reads import Reader, escape_wildcard
from portfolio.elasticsearch.search import page_size, parse_hits, search_request
from portfolio.elasticsearch.writes import RecordWriter
from portfolio.facets import month_counts, month_spans
from portfolio.models import (
    AddOutcome,
    AlertEntry,
    ClauseQuery,
    DeadlineDetail,
    DeadlineRow,
    FacetCount,
    Facets,
    Highlight,
    SearchResult,
)
from portfolio.renewals import deadline_details, upcoming_deadlines
from schemas.record import ContractRecord, Correction

_HEX = frozenset("0123456789abcdef")
MIN_ID_PREFIX = 6
_BY_NAME = [{"filename": "asc"}, {"record_id": "asc"}]


class ElasticsearchPortfolio(Portfolio):
    """A portfolio kept in Elasticsearch indices (see the module docstring)."""

    def __init__(self, config: EsConfig, client: Elasticsearch | None = None) -> None:
        self.config = config
        self.names = IndexNames(config.index_prefix)
        self.retry = Retrying(config)
        self.client = client if client is not None else build_client(config)
        try:
            self.server_version = check_cluster(self.client, self.retry)
            self.indices = ensure_indices(self.client, self.names, self.retry)
        except BaseException:
            self.client.close()
            raise
        self.reader = Reader(self.client, self.names, self.retry)
        self.writer = RecordWriter(self.client, self.names, self.retry, config)
        self.ledger = Ledger(self.client, self.names, self.retry)
        self.fixes = Corrections(self.client, self.names, self.retry, self.writer)

    def __repr__(self) -> str:  # the URL never holds credentials (see config)
        return f"ElasticsearchPortfolio({self.config.url!r}, prefix={self.names.prefix!r})"

    # --- records -------------------------------------------------------------------------

    def add(self, record: ContractRecord) -> AddOutcome:
        return self.writer.add_many([record], as_new_versions=False)[0]

    def add_many(
        self, records: Iterable[ContractRecord], *, as_new_versions: bool = False
    ) -> list[AddOutcome]:
        return self.writer.add_many(records, as_new_versions=as_new_versions)

    def get(self, record_id: str) -> ContractRecord | None:
        source = self.reader.sources_by_id([record_id]).get(record_id)
        return record_from_source(source) if source is not None else None

    def _records_where(
        self, query: dict[str, Any], sort: list[dict[str, Any]]
    ) -> list[ContractRecord]:
        hits = self.reader.scan("records", query, sort, source=["record"])
        return [record_from_source(hit["_source"]) for hit in hits]

    def find(self, id_prefix_or_filename: str) -> list[ContractRecord]:
        text = id_prefix_or_filename.strip()
        if not text:
            return []
        lowered = text.lower()
        if len(lowered) >= MIN_ID_PREFIX and set(lowered) <= _HEX:
            found = self._records_where({"prefix": {"id_match": lowered}}, _BY_NAME)
            if found:
                return found
        name = text.replace("\\", "/").rsplit("/", 1)[-1]
        for query in (
            {"term": {"filename.folded": name}},
            {"wildcard": {"filename_match": {"value": f"*{escape_wildcard(name.lower())}*"}}},
        ):
            found = self._records_where(query, _BY_NAME)
            if found:  # a file name means its current version; old ones by id or `versions`
                return [r for r in found if r.superseded_by is None] or found
        return []

    def versions(self, filename: str) -> list[ContractRecord]:
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
        sort = [{"version": "asc"}, {"added_at": "asc"}, {"record_id": "asc"}]
        return self._records_where({"term": {"filename.folded": name}}, sort)

    def count(self) -> int:
        return self.reader.count("records")

    def records(self) -> Iterator[ContractRecord]:
        hits = self.reader.scan("records", {"match_all": {}}, [{"record_id": "asc"}],
                                source=["record"])
        return (record_from_source(hit["_source"]) for hit in hits)

    def remove(self, record_id: str) -> bool:
        return self.writer.remove(record_id)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        return self.reader.existing_ids(list(ids))

    # --- search, facets, renewals --------------------------------------------------------

    def search(self, query: ClauseQuery, highlight: Highlight | None = None) -> SearchResult:
        request = search_request(query, page_size(query))
        answer = self.retry("search the clauses", lambda: self.client.search(
            index=self.names.alias("clauses"), **request))
        return parse_hits(query, dict(answer), highlight or Highlight())

    def facets(self, query: ClauseQuery | None, today: date, within_days: int = 365) -> Facets:
        if within_days < 0:
            raise ValueError(f"within_days must be 0 or more, not {within_days}")
        request = agg.clause_facets_request(query)
        answer = self.retry("count the clause facets", lambda: self.client.search(
            index=self.names.alias("clauses"), **request))
        clause_facets = agg.parse_clause_facets(dict(answer))
        return Facets(
            clause_types=clause_facets["clause_types"],
            parties=clause_facets["parties"],
            governing_law=clause_facets["governing_law"],
            renewal_months=self._renewal_months(query, today, today + timedelta(within_days)),
        )

    def _renewal_months(self, query: ClauseQuery | None, first: date, last: date) -> list[
        FacetCount
    ]:
        spans = month_spans(first, last)
        request = agg.months_request(query, spans, first, last)
        answer = self.retry("count the renewal months", lambda: self.client.search(
            index=self.names.alias("records"), **request))
        counted = agg.parse_months(dict(answer))
        rest = self._records_where(agg.incomplete_chains(query, last), [{"record_id": "asc"}])
        extra = {c.value: c.count for c in
                 month_counts((due_in_window(r, first, last) for r in rest), spans)}
        return [FacetCount(value=span.key, count=counted.get(span.key, 0) + extra[span.key])
                for span in spans]

    def upcoming_deadlines(
        self, today: date, within_days: int, own_roles: frozenset[str] = frozenset()
    ) -> list[DeadlineRow]:
        candidates = self._deadline_candidates(today, within_days)
        return upcoming_deadlines(candidates, today, within_days, own_roles)

    def deadline_details(
        self,
        today: date,
        within_days: int,
        own_roles: frozenset[str] = frozenset(),
        also: Collection[str] = frozenset(),
    ) -> list[DeadlineDetail]:
        candidates = self._deadline_candidates(today, within_days)
        missing = sorted(set(also) - {r.id for r in candidates})
        candidates += [record_from_source(source)
                       for source in self.reader.sources_by_id(missing).values()]
        return deadline_details(candidates, today, within_days, own_roles, also)

    def _deadline_candidates(self, today: date, within_days: int) -> list[ContractRecord]:
        """Records whose stored dates may put a deadline in the window (the store pre-filters;
        the rolling arithmetic in Python decides)."""
        if within_days < 0:
            raise ValueError(f"within_days must be 0 or more, not {within_days}")
        query = agg.deadline_candidates(today, today + timedelta(days=within_days))
        return self._records_where(query, [{"record_id": "asc"}])

    # --- corrections -----------------------------------------------------------------

    def store_correction(self, record_id: str, correction: Correction) -> ContractRecord:
        return self.fixes.store(record_id, correction)

    def undo_correction(self, record_id: str, field: str) -> ContractRecord:
        return self.fixes.undo(record_id, field)

    # --- alert ledger --------------------------------------------------------------------

    def alert_already_sent(self, key: str) -> bool:
        return self.ledger.already_sent(key)

    def record_alert(
        self, key: str, record_id: str, deadline: date, lead_days: int, channel: str,
        sent_at: datetime,
    ) -> bool:
        return self.ledger.record(key, record_id, deadline, lead_days, channel, sent_at)

    def alerts_for(self, record_id: str) -> list[AlertEntry]:
        return self.ledger.entries_for(record_id)

    def ledger_records(self, before: date) -> set[str]:
        return self.ledger.records_before(before)

    def set_lead_days(self, record_id: str, lead_days: Sequence[int] | None) -> None:
        self.ledger.set_lead_days(record_id, lead_days)

    def lead_days_overrides(self) -> dict[str, list[int]]:
        return self.ledger.overrides()

    # --- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        self.client.close()
