"""The alert ledger and lead times on the wire: create-once, reads by search, refresh waits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from portfolio.elasticsearch.connection import CREATE_ALIAS_ONLY
from portfolio.elasticsearch.ledger import alert_id
from portfolio.elasticsearch.store import ElasticsearchPortfolio
from portfolio.errors import UnknownRecord
from tests.portfolio.es import es_answers as answers
from tests.portfolio.es.conftest import serve_mget, serve_search
from tests.portfolio.es.fake_es_api import RecordingEsApi, Reply

SENT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)
RID = "a" * 64
KEY = f"{RID}:2025-11-30:90:mailtos:3fa2c19d0e"


def test_record_alert_creates_once(opened: ElasticsearchPortfolio, fake: RecordingEsApi) -> None:
    fake.route("PUT", f"/contracts-alerts/_create/{KEY}",
               answers.created("contracts-alerts", KEY),
               answers.version_conflict("contracts-alerts", KEY))
    assert opened.record_alert(KEY, RID, date(2025, 11, 30), 90, "mailtos:3fa2c19d0e", SENT)
    assert not opened.record_alert(KEY, RID, date(2025, 11, 30), 90, "mailtos:3fa2c19d0e", SENT)
    first = fake.sent("PUT")[0]
    # the 8.13 client's create has no require_alias; the pinned 9.x client's has
    assert first.query == {"refresh": "wait_for",
                           **({"require_alias": "true"} if CREATE_ALIAS_ONLY else {})}
    assert first.json() == {"key": KEY, "record_id": RID, "deadline": "2025-11-30",
                            "lead_days": 90, "channel": "mailtos:3fa2c19d0e",
                            "sent_at": "2025-09-01T07:30:00+00:00"}


def test_already_sent_is_a_head_request(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    fake.route("HEAD", f"/contracts-alerts/_doc/{KEY}", Reply(200))
    fake.route("HEAD", "/contracts-alerts/_doc/other", Reply(404))
    assert opened.alert_already_sent(KEY) is True
    assert opened.alert_already_sent("other") is False


def test_long_keys_use_a_digest_id() -> None:
    assert alert_id("k" * 512) == "k" * 512
    assert alert_id("k" * 513).startswith("sha256:") and len(alert_id("k" * 513)) == 71
    assert alert_id("sha256:abc") != "sha256:abc", "a key cannot pose as a digest"


def test_alerts_for_reads_the_ledger_in_order(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    paris = timezone(timedelta(hours=2))

    def entry(key: str, sent: datetime) -> dict[str, object]:
        return answers.hit("contracts-alerts", key, {
            "key": key, "record_id": RID, "deadline": "2025-11-30", "lead_days": 30,
            "channel": "slack:9c1", "sent_at": sent.isoformat()}, None,
            sort=[int(sent.timestamp() * 1000), key])

    serve_search(fake, "alerts", answers.search([
        entry("b", SENT), entry("a", SENT + timedelta(days=1)),
        entry("c", datetime(2025, 9, 1, 9, 30, tzinfo=paris))]))
    entries = opened.alerts_for(RID)
    assert [e.key for e in entries] == ["b", "c", "a"]
    assert entries[1].sent_at.utcoffset() == timedelta(hours=2), "its time zone is kept"
    request = fake.sent("POST", "/contracts-alerts/_search")[0].json()
    assert request["query"] == {"term": {"record_id": RID}}
    assert request["sort"] == [{"sent_at": "asc"}, {"key": "asc"}]


def test_ledger_records_are_read_by_one_range_search(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    """The alert flow asks which contracts it warned before today: one query, not one per
    contract."""
    other = "b" * 64
    serve_search(fake, "alerts", answers.search([
        answers.hit("contracts-alerts", key, {"record_id": rid}, None, sort=[key])
        for key, rid in [("k1", RID), ("k2", other), ("k3", RID)]]))
    assert opened.ledger_records(before=date(2026, 11, 22)) == {RID, other}
    request = fake.sent("POST", "/contracts-alerts/_search")[0].json()
    assert request["query"] == {"range": {"deadline": {"lt": "2026-11-22"}}}
    assert request["_source"] == {"includes": ["record_id"]}


def test_lead_days(opened: ElasticsearchPortfolio, fake: RecordingEsApi) -> None:
    serve_mget(fake, {RID: {}})
    fake.route("PUT", f"/contracts-lead-days/_doc/{RID}", answers.created("contracts-lead-days",
                                                                         RID))
    fake.route("DELETE", f"/contracts-lead-days/_doc/{RID}",
               answers.error(404, "not_found", "not found"))
    opened.set_lead_days(RID, [7, 30, 7])
    stored = fake.sent("PUT")[0]
    assert stored.query == {"refresh": "wait_for", "require_alias": "true"}
    assert stored.json()["lead_days"] == [30, 7]
    opened.set_lead_days(RID, None)  # no override to remove: fine
    assert fake.sent("DELETE")[0].query == {"refresh": "wait_for"}


def test_lead_days_of_an_unknown_contract(
    opened: ElasticsearchPortfolio, fake: RecordingEsApi
) -> None:
    serve_mget(fake, {})
    with pytest.raises(UnknownRecord, match="no contract"):
        opened.set_lead_days(RID, [30])
    assert fake.sent("PUT") == []


def test_overrides_are_read_by_scan(opened: ElasticsearchPortfolio, fake: RecordingEsApi) -> None:
    serve_search(fake, "lead-days", answers.search([answers.hit(
        "contracts-lead-days", RID, {"record_id": RID, "lead_days": [120, 60],
                                     "updated_at": "2026-01-01T00:00:00+00:00"},
        None, sort=[RID])]))
    assert opened.lead_days_overrides() == {RID: [120, 60]}
