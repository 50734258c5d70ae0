"""The once-only alert ledger the renewal-alert flow writes to, and per-contract lead times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from portfolio.base import Portfolio
from portfolio.errors import UnknownRecord
from portfolio.models import AlertEntry
from schemas.record import ContractRecord

SENT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)


def test_record_once(loaded: Portfolio, contracts: dict[str, ContractRecord]) -> None:
    msa = contracts["msa"].id
    key = f"{msa}:2025-11-30:90:email"
    assert loaded.alert_already_sent(key) is False
    assert loaded.record_alert(key, msa, date(2025, 11, 30), 90, "email", SENT) is True
    assert loaded.alert_already_sent(key) is True
    # the same key again (a second run, a retry): not recorded twice, first entry kept
    assert (
        loaded.record_alert(key, msa, date(2025, 11, 30), 90, "slack", SENT + timedelta(hours=1))
        is False
    )
    assert loaded.alerts_for(msa) == [
        AlertEntry(
            key=key,
            record_id=msa,
            deadline=date(2025, 11, 30),
            lead_days=90,
            channel="email",
            sent_at=SENT,
        )
    ]


def test_alerts_for_lists_oldest_first(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa, nda = contracts["msa"].id, contracts["nda"].id
    loaded.record_alert("msa-30", msa, date(2025, 11, 30), 30, "email", SENT + timedelta(days=60))
    loaded.record_alert("msa-90", msa, date(2025, 11, 30), 90, "email", SENT)
    loaded.record_alert("nda-30", nda, date(2026, 1, 14), 30, "email", SENT)
    assert [a.key for a in loaded.alerts_for(msa)] == ["msa-90", "msa-30"]
    assert [a.key for a in loaded.alerts_for(nda)] == ["nda-30"]
    assert loaded.alerts_for("0" * 64) == []


def test_sent_at_keeps_its_timezone(store: Portfolio) -> None:
    paris = datetime(2025, 9, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    store.record_alert("k", "a" * 64, date(2025, 11, 30), 90, "email", paris)
    assert store.alerts_for("a" * 64)[0].sent_at == paris


def test_ledger_survives_replace_and_remove(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    """Re-adding or re-extracting a contract must not send its alerts again."""
    msa = contracts["msa"]
    loaded.record_alert("msa-90", msa.id, date(2025, 11, 30), 90, "email", SENT)
    loaded.add(msa.model_copy(update={"title": "Amended MSA"}))
    assert loaded.alert_already_sent("msa-90")
    loaded.remove(msa.id)
    assert loaded.alert_already_sent("msa-90")
    assert len(loaded.alerts_for(msa.id)) == 1


def test_sent_alerts_follow_a_contract_to_its_new_version(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    """A re-signed copy (new version) must not bring the reminders already sent again."""
    msa = contracts["msa"]
    loaded.record_alert("msa-90", msa.id, date(2025, 11, 30), 90, "email", SENT)
    v2 = msa.model_copy(update={"id": "c" * 64, "title": "MSA, countersigned"})
    loaded.add_many([v2], as_new_versions=True)
    assert [(e.key, e.record_id) for e in loaded.alerts_for(v2.id)] == [("msa-90", v2.id)]
    assert loaded.alerts_for(msa.id) == []
    assert loaded.ledger_records(before=date(2026, 1, 1)) == {v2.id}
    assert loaded.alert_already_sent("msa-90")


# --- per-contract lead times -------------------------------------------------------------------


def test_lead_days_override_set_replace_clear(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa = contracts["msa"].id
    assert loaded.lead_days_overrides() == {}
    loaded.set_lead_days(msa, [7, 30, 7])
    assert loaded.lead_days_overrides() == {msa: [30, 7]}  # most distant first, no repeats
    loaded.set_lead_days(msa, [120, 60])
    assert loaded.lead_days_overrides() == {msa: [120, 60]}
    loaded.set_lead_days(msa, None)
    assert loaded.lead_days_overrides() == {}


def test_lead_days_for_an_unknown_contract_is_refused(store: Portfolio) -> None:
    with pytest.raises(UnknownRecord, match="no contract"):
        store.set_lead_days("b" * 64, [30])


def test_lead_days_follow_their_record(
    loaded: Portfolio, contracts: dict[str, ContractRecord]
) -> None:
    """Re-extraction keeps the override; removing the contract drops it."""
    msa = contracts["msa"]
    loaded.set_lead_days(msa.id, [30])
    loaded.add(msa.model_copy(update={"title": "Amended MSA"}))
    assert loaded.lead_days_overrides() == {msa.id: [30]}
    loaded.remove(msa.id)
    assert loaded.lead_days_overrides() == {}


def test_very_long_keys_are_still_once_only(store: Portfolio) -> None:
    key = "k" * 2000  # longer than any document id may be: stored under a digest
    assert store.record_alert(key, "a" * 64, date(2025, 11, 30), 90, "email", SENT) is True
    assert store.alert_already_sent(key)
    assert store.record_alert(key, "a" * 64, date(2025, 11, 30), 90, "email", SENT) is False
    assert [a.key for a in store.alerts_for("a" * 64)] == [key]
