"""Response bodies shaped like Elasticsearch's documented responses, for the recording fake.

Each builder names the reference page its shape comes from (Elasticsearch REST API
reference, "Response body" and the examples). Only documented keys are produced; values
that do not matter to the backend (took, _shards, _seq_no) are plausible constants.
"""

from __future__ import annotations

from typing import Any

from portfolio.elasticsearch.mappings import KINDS, MAPPINGS, IndexNames
from tests.portfolio.es.fake_es_api import Reply

SHARDS = {"total": 1, "successful": 1, "skipped": 0, "failed": 0}
WRITE_SHARDS = {"total": 2, "successful": 1, "failed": 0}


def info(version: str = "9.1.0") -> dict[str, Any]:
    """`GET /` (reference: "Get cluster info")."""
    return {
        "name": "es01",
        "cluster_name": "docker-cluster",
        "cluster_uuid": "K8q5mE8oQ1yKc2Hcbq7u3A",
        "version": {
            "number": version,
            "build_flavor": "default",
            "build_type": "docker",
            "build_hash": "ca1a70216fbdefbef3c65b1dff04903ea5964ef5",
            "build_date": "2025-08-11T15:04:41.449624592Z",
            "build_snapshot": False,
            "lucene_version": "10.2.2",
            "minimum_wire_compatibility_version": "8.19.0",
            "minimum_index_compatibility_version": "8.0.0",
        },
        "tagline": "You Know, for Search",
    }


def error(status: int, kind: str, reason: str, caused_by: dict[str, Any] | None = None,
          **root: Any) -> Reply:
    """Any error answer (reference: "API conventions", error responses)."""
    cause = {"type": kind, "reason": reason, **root}
    body: dict[str, Any] = {"error": {"root_cause": [cause], **cause}, "status": status}
    if caused_by is not None:
        body["error"]["caused_by"] = caused_by
    return Reply(status, body)


def media_type_rejected() -> Reply:
    """What an 8.x cluster answers a 9.x client (`compatible-with=9`)."""
    return error(
        400, "media_type_header_exception",
        "Invalid media-type value on headers [Accept, Content-Type]",
        caused_by={"type": "status_exception",
                   "reason": "Accept version must be either version 8 or 7, but found 9. "
                             "Accept=application/vnd.elasticsearch+json; compatible-with=9"},
    )


def acknowledged() -> dict[str, Any]:
    """Index template, aliases, settings, delete index APIs."""
    return {"acknowledged": True}


def blocked(indices: str) -> dict[str, Any]:
    """`PUT /<indices>/_block/write` (reference: "Add an index block")."""
    return {"acknowledged": True, "shards_acknowledged": True,
            "indices": [{"name": name, "blocked": True} for name in indices.split(",")]}


def index_created(index: str) -> dict[str, Any]:
    """`PUT /<index>` (reference: "Create an index")."""
    return {"acknowledged": True, "shards_acknowledged": True, "index": index}


def index_description(names: IndexNames, kind: str, generation: int = 1,
                      mapping_version: int | None = None, alias: bool = True) -> dict[str, Any]:
    """One entry of `GET /<indices>` (reference: "Get index information")."""
    mappings = MAPPINGS[kind]()
    if mapping_version is not None:
        mappings["_meta"]["mapping_version"] = mapping_version
    return {names.index(kind, generation): {
        "aliases": {names.alias(kind): {}} if alias else {},
        "mappings": mappings,
        "settings": {"index": {"number_of_shards": "1", "auto_expand_replicas": "0-1",
                               "provided_name": names.index(kind, generation),
                               "uuid": "x" * 22, "version": {"created": "9009000"}}},
    }}


def all_indices(names: IndexNames, generation: int = 1, **options: Any) -> dict[str, Any]:
    described: dict[str, Any] = {}
    for kind in KINDS:
        described |= index_description(names, kind, generation, **options)
    return described


def bulk_item(action: dict[str, Any], status: int | None = None,
              error_body: dict[str, Any] | None = None) -> dict[str, Any]:
    """One `items` entry of a bulk response (reference: "Bulk index or delete documents")."""
    op, meta = next(iter(action.items()))
    item: dict[str, Any] = {"_index": meta.get("_index", "?") + "-v1", "_id": meta.get("_id")}
    if error_body is not None:
        item |= {"status": status or 400, "error": error_body}
    elif op == "delete":
        item |= {"_version": 2, "result": "deleted", "_shards": WRITE_SHARDS, "_seq_no": 3,
                 "_primary_term": 1, "status": status or 200}
    else:
        item |= {"_version": 1, "result": "created", "_shards": WRITE_SHARDS, "_seq_no": 0,
                 "_primary_term": 1, "status": status or 201}
    return {op: item}


def bulk(items: list[dict[str, Any]]) -> dict[str, Any]:
    errors = any("error" in next(iter(i.values())) for i in items)
    return {"took": 30, "errors": errors, "items": items}


def actions_of(lines: list[Any]) -> list[dict[str, Any]]:
    """The action lines of a bulk NDJSON body (each followed by a source unless delete)."""
    actions, skip = [], False
    for line in lines:
        if skip:
            skip = False
            continue
        actions.append(line)
        skip = "delete" not in line
    return actions


def mget(index: str, ids: list[str], sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`POST /<index>/_mget` (reference: "Get multiple documents")."""
    docs = []
    for doc_id in ids:
        if doc_id in sources:
            docs.append({"_index": f"{index}-v1", "_id": doc_id, "_version": 1, "_seq_no": 0,
                         "_primary_term": 1, "found": True, "_source": sources[doc_id]})
        else:
            docs.append({"_index": f"{index}-v1", "_id": doc_id, "found": False})
    return {"docs": docs}


def hit(index: str, doc_id: str, source: dict[str, Any], score: float | None = 1.0,
        **extra: Any) -> dict[str, Any]:
    return {"_index": f"{index}-v1", "_id": doc_id, "_score": score, "_source": source, **extra}


def search(hits: list[dict[str, Any]], total: int | None = None,
           aggregations: dict[str, Any] | None = None) -> dict[str, Any]:
    """`POST /<index>/_search` (reference: "Run a search")."""
    scores = [h["_score"] for h in hits if h.get("_score") is not None]
    answer: dict[str, Any] = {
        "took": 5, "timed_out": False, "_shards": SHARDS,
        "hits": {"total": {"value": len(hits) if total is None else total, "relation": "eq"},
                 "max_score": max(scores) if scores else None, "hits": hits},
    }
    if aggregations is not None:
        answer["aggregations"] = aggregations
    return answer


def terms_buckets(counts: list[tuple[str, int]]) -> dict[str, Any]:
    """A `terms` aggregation result (reference: "Terms aggregation")."""
    return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
            "buckets": [{"key": key, "doc_count": n} for key, n in counts]}


def count(n: int) -> dict[str, Any]:
    """`GET /<index>/_count` (reference: "Count search results")."""
    return {"count": n, "_shards": SHARDS}


def created(index: str, doc_id: str) -> Reply:
    """`PUT /<index>/_create/<id>` (reference: "Create a new document in the index")."""
    return Reply(201, {"_index": f"{index}-v1", "_id": doc_id, "_version": 1,
                       "result": "created", "_shards": WRITE_SHARDS, "_seq_no": 0,
                       "_primary_term": 1})


def version_conflict(index: str, doc_id: str) -> Reply:
    """409 of a create on an existing id."""
    return error(409, "version_conflict_engine_exception",
                 f"[{doc_id}]: version conflict, document already exists (current version [1])",
                 index_uuid="Ho3ojs6hRCe8RV0yYdFQ4g", shard="0", index=f"{index}-v1")


def refreshed() -> dict[str, Any]:
    """`POST /<index>/_refresh` (reference: "Refresh an index")."""
    return {"_shards": {"total": 2, "successful": 1, "failed": 0}}


def deleted_by_query(deleted: int = 0) -> dict[str, Any]:
    """`POST /<index>/_delete_by_query` (reference: "Delete documents")."""
    return {"took": 12, "timed_out": False, "total": deleted, "deleted": deleted, "batches": 1,
            "version_conflicts": 0, "noops": 0, "retries": {"bulk": 0, "search": 0},
            "throttled_millis": 0, "requests_per_second": -1.0, "throttled_until_millis": 0,
            "failures": []}


def updated_by_query(updated: int = 0) -> dict[str, Any]:
    """`POST /<index>/_update_by_query` (reference: "Update documents")."""
    return {"took": 9, "timed_out": False, "total": updated, "updated": updated, "deleted": 0,
            "batches": 1, "version_conflicts": 0, "noops": 0,
            "retries": {"bulk": 0, "search": 0}, "throttled_millis": 0,
            "requests_per_second": -1.0, "throttled_until_millis": 0, "failures": []}


def index_not_found(index: str) -> Reply:
    return error(404, "index_not_found_exception", f"no such index [{index}]",
                 **{"index_uuid": "_na_", "resource.type": "index_or_alias",
                    "resource.id": index, "index": index})
