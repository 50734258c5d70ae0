"""The once-only alert ledger the renewal-alert flow writes to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from portfolio.models import AlertEntry
from portfolio.sqlite import SqlitePortfolio
from schemas.record import ContractRecord

SENT = datetime(2025, 9, 1, 7, 30, tzinfo=UTC)


def test_record_once(loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]) -> None:
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
    loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    msa, nda = contracts["msa"].id, contracts["nda"].id
    loaded.record_alert("msa-30", msa, date(2025, 11, 30), 30, "email", SENT + timedelta(days=60))
    loaded.record_alert("msa-90", msa, date(2025, 11, 30), 90, "email", SENT)
    loaded.record_alert("nda-30", nda, date(2026, 1, 14), 30, "email", SENT)
    assert [a.key for a in loaded.alerts_for(msa)] == ["msa-90", "msa-30"]
    assert [a.key for a in loaded.alerts_for(nda)] == ["nda-30"]
    assert loaded.alerts_for("0" * 64) == []


def test_sent_at_keeps_its_timezone(store: SqlitePortfolio) -> None:
    paris = datetime(2025, 9, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    store.record_alert("k", "a" * 64, date(2025, 11, 30), 90, "email", paris)
    assert store.alerts_for("a" * 64)[0].sent_at == paris


def test_ledger_survives_replace_and_remove(
    loaded: SqlitePortfolio, contracts: dict[str, ContractRecord]
) -> None:
    """Re-adding or re-extracting a contract must not send its alerts again."""
    msa = contracts["msa"]
    loaded.record_alert("msa-90", msa.id, date(2025, 11, 30), 90, "email", SENT)
    loaded.add(msa.model_copy(update={"title": "Amended MSA"}))
    assert loaded.alert_already_sent("msa-90")
    loaded.remove(msa.id)
    assert loaded.alert_already_sent("msa-90")
    assert len(loaded.alerts_for(msa.id)) == 1


def test_other_instance_sees_the_ledger(store: SqlitePortfolio, db_path: Path) -> None:
    store.record_alert("k", "a" * 64, date(2025, 11, 30), 90, "email", SENT)
    with SqlitePortfolio(db_path) as other:
        assert other.alert_already_sent("k")
        assert other.record_alert("k", "a" * 64, date(2025, 11, 30), 90, "email", SENT) is False
