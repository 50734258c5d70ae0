"""The alert ledger and per-contract lead times, each in its own index.

Once-only is the store's job: an alert's document id is derived from its key and it is
written with the create operation (`PUT <index>/_create/<id>`), which Elasticsearch
refuses with 409 when the id exists. Two runs racing on the same alert: exactly one
create wins, as with the embedded store's primary key. Ledger entries are never deleted
with their record (history must outlive re-extraction, or alerts would go out again).

Lead-time overrides go with their contract: `writes.remove` deletes them, a new version
inherits them (`writes._copy_lead_days`).

Both are read back by search (`alerts_for`, `lead_days_overrides`), so their writes wait
for the next refresh (`refresh=wait_for`): once `record_alert` returns, the next reader
sees the entry. They are few (a handful of alerts a day), so the wait costs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime

from elasticsearch import ConflictError, Elasticsearch, NotFoundError

from portfolio.elasticsearch.connection import ALIAS_ONLY, CREATE_ALIAS_ONLY, Retrying
from portfolio.elasticsearch.mappings import IndexNames
from portfolio.elasticsearch.reads import Reader
from portfolio.errors import UnknownRecord
from portfolio.models import AlertEntry

MAX_ID_BYTES = 512
"""Elasticsearch's limit on a document id."""


def alert_id(key: str) -> str:
    """The document id of an alert key: the key itself, or its digest when too long."""
    if len(key.encode()) <= MAX_ID_BYTES and not key.startswith("sha256:"):
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class Ledger:
    """`Portfolio`'s alert-ledger and lead-time methods, on the alerts/lead-days aliases."""

    def __init__(self, client: Elasticsearch, names: IndexNames, retry: Retrying) -> None:
        self.client = client
        self.alerts = names.alias("alerts")
        self.lead_days = names.alias("lead-days")
        self.reader = Reader(client, names, retry)
        self.retry = retry

    def already_sent(self, key: str) -> bool:
        return bool(self.retry(
            "look up the alert ledger",
            lambda: self.client.exists(index=self.alerts, id=alert_id(key)),
        ))

    def record(
        self, key: str, record_id: str, deadline: date, lead_days: int, channel: str,
        sent_at: datetime,
    ) -> bool:
        document = {
            "key": key,
            "record_id": record_id,
            "deadline": deadline.isoformat(),
            "lead_days": lead_days,
            "channel": channel,
            "sent_at": sent_at.isoformat(),
        }
        try:
            self.retry("record a sent alert", lambda: self.client.create(
                index=self.alerts, id=alert_id(key), document=document, refresh="wait_for",
                **CREATE_ALIAS_ONLY), expect=(ConflictError,))
        except ConflictError:
            return False
        return True

    def entries_for(self, record_id: str) -> list[AlertEntry]:
        hits = self.reader.scan(
            "alerts", {"term": {"record_id": record_id}}, [{"sent_at": "asc"}, {"key": "asc"}]
        )
        entries = [
            AlertEntry(
                key=s["key"], record_id=s["record_id"], deadline=date.fromisoformat(s["deadline"]),
                lead_days=s["lead_days"], channel=s["channel"],
                sent_at=datetime.fromisoformat(s["sent_at"]),
            )
            for s in (hit["_source"] for hit in hits)
        ]
        entries.sort(key=lambda e: (e.sent_at.isoformat(), e.key))  # as the embedded store
        return entries

    def records_before(self, before: date) -> set[str]:
        """Ids of the records with an alert about a date before `before`."""
        hits = self.reader.scan(
            "alerts", {"range": {"deadline": {"lt": before.isoformat()}}}, [{"key": "asc"}],
            source=["record_id"],
        )
        return {hit["_source"]["record_id"] for hit in hits}

    def set_lead_days(self, record_id: str, lead_days: Sequence[int] | None) -> None:
        if not self.reader.existing_ids([record_id]):
            raise UnknownRecord(f"no contract with id {record_id} in the portfolio")
        if lead_days is None:
            with contextlib.suppress(NotFoundError):  # no override: nothing to remove
                self.retry("remove alert lead times", lambda: self.client.delete(
                    index=self.lead_days, id=record_id, refresh="wait_for"),
                    expect=(NotFoundError,))
            return
        document = {
            "record_id": record_id,
            "lead_days": sorted(set(lead_days), reverse=True),
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self.retry("store alert lead times", lambda: self.client.index(
            index=self.lead_days, id=record_id, document=document, refresh="wait_for",
            **ALIAS_ONLY))

    def overrides(self) -> dict[str, list[int]]:
        hits = self.reader.scan("lead-days", {"match_all": {}}, [{"record_id": "asc"}])
        return {hit["_source"]["record_id"]: list(hit["_source"]["lead_days"]) for hit in hits}
