"""The indices this program owns: names, analysis, explicit mappings, index templates.

Five kinds of index, each behind an alias that every read and write goes through:

| alias (prefix `contracts`) | one document per | concrete index          |
|----------------------------|------------------|-------------------------|
| `contracts-records`        | contract         | `contracts-records-v1`  |
| `contracts-clauses`        | clause           | `contracts-clauses-v1`  |
| `contracts-alerts`         | alert sent       | `contracts-alerts-v1`   |
| `contracts-lead-days`      | lead-time override | `contracts-lead-days-v1` |
| `contracts-corrections`    | corrected field  | `contracts-corrections-v1` |

Mappings are explicit and `dynamic: strict`: a field the code does not know is an error at
write time, not a silently guessed type. They are installed as index templates (patterns
`<alias>-v*`), so `contracts es reindex` creates the next generation (`-v2`) from the
code's current templates and swaps the alias. `MAPPING_VERSION` goes up whenever a mapping
changes; it is stored in each index's `_meta` and checked on opening.

Text analysis mirrors the embedded store (SQLite FTS5 `porter unicode61`, diacritics
removed): `contract_english` is Elasticsearch's `english` analyzer rebuilt *without stop
words* ("not", "no", "any" change a clause's meaning) and with `asciifolding`; the Porter
stemmer is the same algorithm as FTS5's. `.exact` sub-fields keep unstemmed words for
prefix queries (`terminat*` must find "termination", which Porter stores as "termin"),
searched with `phrase_prefix` (not an "expensive" query, so clusters that disallow those
still run it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAPPING_VERSION = 1
"""Bump when any mapping or analysis below changes; run `contracts es reindex` after."""

OWNER = "contract-intel"
TEMPLATE_PRIORITY = 200
"""Above the built-in templates (100), so `<prefix>-*` indices always get ours."""

KINDS = ("records", "clauses", "alerts", "lead-days", "corrections")

_DATE = {"type": "date", "format": "strict_date"}
_TIMESTAMP = {"type": "date", "format": "strict_date_optional_time"}
_KEYWORD = {"type": "keyword"}
_FOLDED_KEYWORD = {"type": "keyword", "fields": {"folded": {"type": "keyword",
                                                            "normalizer": "contract_folded"}}}

ANALYSIS: dict[str, Any] = {
    "filter": {
        "contract_possessive": {"type": "stemmer", "language": "possessive_english"},
        "contract_stemmer": {"type": "stemmer", "language": "english"},
    },
    "analyzer": {
        "contract_english": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["contract_possessive", "lowercase", "asciifolding", "contract_stemmer"],
        },
        "contract_exact": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        },
    },
    "normalizer": {"contract_folded": {"type": "custom", "filter": ["lowercase"]}},
}


def _searchable_text() -> dict[str, Any]:
    return {
        "type": "text",
        "analyzer": "contract_english",
        "index_options": "offsets",  # highlighting reads offsets instead of re-analysing
        "fields": {
            "exact": {
                "type": "text",
                "analyzer": "contract_exact",
                "index_options": "offsets",
            }
        },
    }


def _contract_filters() -> dict[str, Any]:
    """Fields of a contract that clause documents repeat, to filter without a join."""
    return {
        "record_id": _KEYWORD,
        "title": {"type": "keyword", "ignore_above": 1024},
        "filename": _FOLDED_KEYWORD,
        "parties": _KEYWORD,
        "party_match": {"type": "wildcard"},
        "governing_law": _FOLDED_KEYWORD,
        "version": {"type": "integer"},
        "current": {"type": "boolean"},
    }


def records_mapping() -> dict[str, Any]:
    """One document per contract: filter/facet fields plus the whole record (not indexed)."""
    properties: dict[str, Any] = _contract_filters() | {
        "id_match": {"type": "wildcard"},  # id prefixes (`prefix` is cheap on wildcard)
        "filename_match": {"type": "wildcard"},  # lower-cased file name, for substrings
        "party_roles": _KEYWORD,
        "clause_types": _KEYWORD,
        "agreement_date": _DATE,
        "effective_date": _DATE,
        "expiration_date": _DATE,
        "initial_term_end": _DATE,
        "current_term_end": _DATE,
        "notice_deadline": _DATE,
        "due_dates": _DATE,
        "due_dates_complete_until": _DATE,
        "perpetual": {"type": "boolean"},
        "auto_renews": {"type": "boolean"},
        "evergreen": {"type": "boolean"},
        "sla": {"type": "nested", "properties": {
            "metric": _KEYWORD, "target": {"type": "double"}, "unit": _KEYWORD,
            "window": _KEYWORD, "severity": _KEYWORD,
        }},
        "penalties": {"type": "nested", "properties": {
            "kind": _KEYWORD, "amount": {"type": "double"}, "unit": _KEYWORD,
            "cap_amount": {"type": "double"}, "cap_unit": _KEYWORD,
        }},
        "supersedes": _KEYWORD,
        "superseded_by": _KEYWORD,
        "extractor_version": _KEYWORD,
        "added_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
        "record": {"type": "object", "enabled": False},
    }
    return _mapping("records", properties)


def clauses_mapping() -> dict[str, Any]:
    """One document per clause: searchable heading and text, where it is, its contract."""
    properties = _contract_filters() | {
        "ordinal": {"type": "integer"},
        "clause_type": _KEYWORD,
        "heading": _searchable_text(),
        "text": _searchable_text(),
        "page": {"type": "integer"},
        "start": {"type": "integer"},
        "end": {"type": "integer"},
    }
    return _mapping("clauses", properties)


def alerts_mapping() -> dict[str, Any]:
    """The once-only alert ledger: one document per alert, id derived from its key."""
    return _mapping("alerts", {
        "key": _KEYWORD,
        "record_id": _KEYWORD,
        "deadline": _DATE,
        "lead_days": {"type": "integer"},
        "channel": _KEYWORD,
        "sent_at": _TIMESTAMP,
    })


def lead_days_mapping() -> dict[str, Any]:
    """Per-contract alert lead times: one document per contract that overrides them."""
    return _mapping("lead-days", {
        "record_id": _KEYWORD,
        "lead_days": {"type": "integer"},
        "updated_at": _TIMESTAMP,
    })


def corrections_mapping() -> dict[str, Any]:
    """Corrections of extracted fields: one document per contract and field (`key`).

    `value` and `extracted` are a field's JSON value of any shape (a date string, a
    duration object, a boolean, null), kept in `_source` only.
    """
    return _mapping("corrections", {
        "key": _KEYWORD,
        "record_id": _KEYWORD,
        "field": _KEYWORD,
        "value": {"type": "object", "enabled": False},
        "extracted": {"type": "object", "enabled": False},
        "by": _KEYWORD,
        "at": _TIMESTAMP,
        "note": {"type": "text"},
    })


def _mapping(kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "_meta": {"owner": OWNER, "kind": kind, "mapping_version": MAPPING_VERSION},
        "properties": properties,
    }


MAPPINGS = {
    "records": records_mapping,
    "clauses": clauses_mapping,
    "alerts": alerts_mapping,
    "lead-days": lead_days_mapping,
    "corrections": corrections_mapping,
}


def index_settings() -> dict[str, Any]:
    """One primary shard (exact facet counts and BM25 statistics; ample for millions of
    clauses), a replica whenever a second node exists, and the analysis chain above."""
    return {
        "number_of_shards": 1,
        "auto_expand_replicas": "0-1",
        "analysis": ANALYSIS,
    }


@dataclass(frozen=True)
class IndexNames:
    """The names derived from one prefix (`CONTRACTS_ES_INDEX_PREFIX`, default `contracts`)."""

    prefix: str = "contracts"

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    def index(self, kind: str, generation: int) -> str:
        return f"{self.alias(kind)}-v{generation}"

    def pattern(self, kind: str) -> str:
        return f"{self.alias(kind)}-v*"

    def generation(self, kind: str, index: str) -> int | None:
        """The generation number of a concrete index name of this kind, else None."""
        head = f"{self.alias(kind)}-v"
        rest = index.removeprefix(head)
        return int(rest) if index.startswith(head) and rest.isdigit() else None

    @property
    def aliases(self) -> list[str]:
        return [self.alias(kind) for kind in KINDS]


def index_template(names: IndexNames, kind: str) -> dict[str, Any]:
    """The body of `PUT _index_template/<alias>` for one kind (keyword arguments of the client)."""
    return {
        "index_patterns": [names.pattern(kind)],
        "priority": TEMPLATE_PRIORITY,
        "version": MAPPING_VERSION,
        "meta": {"owner": OWNER, "kind": kind, "mapping_version": MAPPING_VERSION},
        "template": {"settings": index_settings(), "mappings": MAPPINGS[kind]()},
    }
