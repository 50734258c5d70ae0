"""Reading records back: by id (real time), and by query in pages (search_after).

Gets by id (`mget`) read the latest write even before a refresh; anything by query sees
writes once refreshed (near real time, 1 s by default), which is why writers that need
to find their own records by name refresh (see `writes`).

Paging uses `search_after` on a unique sort key rather than `from`, so it has no 10,000
hit window and, like the embedded store's keyset paging, tolerates writes in between.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from elasticsearch import Elasticsearch

from portfolio.elasticsearch.connection import Retrying
from portfolio.elasticsearch.mappings import IndexNames

PAGE = 500
"""Documents per page when iterating (bounded memory, few round trips)."""

MGET_CHUNK = 1000


def escape_wildcard(text: str) -> str:
    """`text` as a literal inside a wildcard pattern (`*`, `?` and `\\` escaped)."""
    return "".join("\\" + ch if ch in "*?\\" else ch for ch in text)


class Reader:
    """Queries on the aliases that return `_source`s (callers turn them into models)."""

    def __init__(self, client: Elasticsearch, names: IndexNames, retry: Retrying) -> None:
        self.client = client
        self.names = names
        self.retry = retry

    def sources_by_id(self, ids: list[str], kind: str = "records") -> dict[str, dict[str, Any]]:
        """id -> `_source` of the documents that exist (real time: no refresh needed)."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), MGET_CHUNK):
            chunk = wanted[start : start + MGET_CHUNK]
            answer = self.retry(
                f"read {kind} by id",
                partial(self.client.mget, index=self.names.alias(kind), ids=chunk),
            )
            for doc in answer["docs"]:
                if doc.get("found"):
                    found[doc["_id"]] = doc["_source"]
        return found

    def existing_ids(self, ids: list[str]) -> set[str]:
        """The ids among `ids` that have a record document (without fetching sources)."""
        wanted = list(dict.fromkeys(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), MGET_CHUNK):
            chunk = wanted[start : start + MGET_CHUNK]
            answer = self.retry(
                "look up record ids",
                partial(self.client.mget, index=self.names.alias("records"), ids=chunk,
                        source=False),
            )
            found.update(doc["_id"] for doc in answer["docs"] if doc.get("found"))
        return found

    def scan(
        self,
        kind: str,
        query: dict[str, Any],
        sort: list[dict[str, Any]],
        source: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every hit of `query`, in `sort` order (which must end in a unique field), paged.

        `source` limits the `_source` fields returned (all when None).
        """
        page = PAGE
        after: list[Any] | None = None
        while True:
            options: dict[str, Any] = {"search_after": after} if after is not None else {}
            if source is not None:
                options["source"] = {"includes": source}
            answer = self.retry(
                f"read the {kind} index",
                partial(self.client.search, index=self.names.alias(kind), query=query,
                        sort=sort, size=page, track_total_hits=False, **options),
            )
            hits = answer["hits"]["hits"]
            yield from hits
            if len(hits) < page:
                return
            after = hits[-1]["sort"]

    def current_by_filenames(self, names: list[str]) -> Iterator[dict[str, Any]]:
        """Sources of the current records whose file name is one of `names` (lower case)."""
        query = {"bool": {"filter": [
            {"terms": {"filename.folded": names}},
            {"term": {"current": True}},
        ]}}
        for hit in self.scan("records", query, [{"record_id": "asc"}],
                             source=["record_id", "record", "added_at"]):
            yield hit["_source"]

    def count(self, kind: str = "records") -> int:
        answer = self.retry(
            f"count the {kind}", lambda: self.client.count(index=self.names.alias(kind))
        )
        return int(answer["count"])
