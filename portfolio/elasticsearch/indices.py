"""Finding, creating and checking the indices behind the aliases.

Opening a portfolio makes one request to see what exists (`GET /<aliases>`): each alias
must point at exactly one index whose `_meta.mapping_version` is the code's. A missing
kind is created at generation 1 from the code's index template, so pointing the program
at an empty cluster is enough to start. Two processes starting at once both install the
(same) templates; the second index creation answers `resource_already_exists_exception`
and is treated as done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch

from portfolio.elasticsearch.connection import EsRequestFailed, Retrying
from portfolio.elasticsearch.errors import IndexOutdated
from portfolio.elasticsearch.mappings import KINDS, MAPPING_VERSION, IndexNames, index_template
from portfolio.errors import SchemaTooNew


@dataclass(frozen=True)
class LiveIndex:
    """The concrete index an alias points at, and the mapping version it was made with."""

    kind: str
    alias: str
    index: str
    mapping_version: int | None


def live_indices(client: Elasticsearch, names: IndexNames, retry: Retrying) -> dict[str, LiveIndex]:
    """kind -> the index behind its alias, for the kinds whose alias exists."""
    answer = retry(
        "look up the portfolio indices",
        lambda: client.indices.get(
            index=names.aliases, ignore_unavailable=True, allow_no_indices=True
        ),
    )
    by_alias = {names.alias(kind): kind for kind in KINDS}
    found: dict[str, LiveIndex] = {}
    for index, description in dict(answer).items():
        for alias in description.get("aliases", {}):
            kind = by_alias.get(alias)
            if kind is None:
                continue
            if kind in found:
                raise EsRequestFailed(
                    f"the alias {alias} points at several indices ({found[kind].index}, {index}):"
                    " point it at one (POST _aliases) or run `contracts es reindex`"
                )
            meta = description.get("mappings", {}).get("_meta", {})
            version = meta.get("mapping_version")
            number = version if isinstance(version, int) else None
            found[kind] = LiveIndex(kind, alias, index, number)
    return found


def install_template(client: Elasticsearch, names: IndexNames, kind: str, retry: Retrying) -> None:
    """`PUT _index_template/<alias>` with the code's current mapping for `kind`."""
    body = index_template(names, kind)
    retry(
        f"install the index template {names.alias(kind)}",
        lambda: client.indices.put_index_template(name=names.alias(kind), **body),
    )


def create_index(
    client: Elasticsearch,
    names: IndexNames,
    kind: str,
    generation: int,
    retry: Retrying,
    *,
    with_alias: bool,
    settings: dict[str, Any] | None = None,
    exist_ok: bool = True,
) -> str:
    """Create `<alias>-v<generation>` (mappings from the template); the index name.

    `exist_ok`: another process creating the same index at the same time is fine.
    """
    index = names.index(kind, generation)
    options: dict[str, Any] = {}
    if with_alias:
        options["aliases"] = {names.alias(kind): {}}
    if settings:
        options["settings"] = settings
    try:
        retry(f"create the index {index}", lambda: client.indices.create(index=index, **options))
    except EsRequestFailed as exc:
        if not exist_ok or "resource_already_exists_exception" not in str(exc):
            raise
    return index


def check_versions(live: dict[str, LiveIndex]) -> None:
    """Refuse to work on indices whose mappings are not the code's."""
    for index in live.values():
        if index.mapping_version is None or index.mapping_version < MAPPING_VERSION:
            raise IndexOutdated(
                f"the index {index.index} (alias {index.alias}) has mapping version "
                f"{index.mapping_version}, this program writes version {MAPPING_VERSION}: run "
                "`contracts es reindex` to rebuild it (searches keep working meanwhile)"
            )
        if index.mapping_version > MAPPING_VERSION:
            raise SchemaTooNew(
                f"the index {index.index} was made by a newer contract-intel (mapping version "
                f"{index.mapping_version}, this one knows {MAPPING_VERSION}): upgrade to use it"
            )


def ensure_indices(client: Elasticsearch, names: IndexNames, retry: Retrying) -> dict[str, str]:
    """kind -> concrete index, creating what is missing; raises if mappings are outdated."""
    live = live_indices(client, names, retry)
    missing = [kind for kind in KINDS if kind not in live]
    for kind in missing:
        install_template(client, names, kind, retry)
        create_index(client, names, kind, 1, retry, with_alias=True)
    if missing:
        live = live_indices(client, names, retry)
        absent = [names.alias(kind) for kind in KINDS if kind not in live]
        if absent:
            raise EsRequestFailed(
                f"the aliases {', '.join(absent)} could not be created (an index of that name "
                "exists without its alias?): run `contracts es reindex`"
            )
    check_versions(live)
    return {kind: index.index for kind, index in live.items()}
