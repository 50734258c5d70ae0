"""Alert wording, on contracts extracted from the fixture PDFs."""

from __future__ import annotations

from datetime import UTC, date, datetime

from alerts.message import compose
from alerts.models import Alert, AlertKind
from alerts.policy import due_reminder, missed_deadline
from alerts.watchlist import track
from portfolio.models import AlertEntry, DeadlineKind
from portfolio.renewals import deadline_row
from schemas.record import ContractRecord

OURS = frozenset({"customer", "subscriber"})
LEADS = [90, 60, 30, 14, 7, 1]


def reminder(record: ContractRecord, today: date) -> Alert:
    row = deadline_row(record, today, OURS)
    assert row is not None
    alert = due_reminder(track(record, row, LEADS), "mail", today)
    assert alert is not None
    return alert


def test_notice_deadline_reminder(fixture_records: dict[str, ContractRecord]) -> None:
    message = compose(reminder(fixture_records["msa_sla_exhibit"], date(2026, 11, 21)))
    assert message.subject == ("Notice deadline in 9 days: Master Services Agreement "
                               "(Northwind Cloud Services, Inc.), 2026-11-30")
    text = message.text
    for expected in (
        "The last day to give notice of non-renewal is Monday 30 November 2026 (9 days left).",
        "renews for 1 year, until 2028-02-29",
        "Counterparty:    Northwind Cloud Services, Inc.",
        "Notice deadline: 2026-11-30 (Monday), 9 days left",
        "Term ends:       2027-02-28",
        "Renewal term:    1 year",
        "Notice period:   90 days",
        "Notice clause, page 2:",
        "PDF: fixtures/contracts/msa_sla_exhibit.pdf",
        "This is the 14-day reminder",
    ):
        assert expected in " ".join(text.split()) or expected in text, expected
    assert "“Upon expiration of the Initial Term" in text
    assert "<" not in text
    assert "“Upon expiration of the Initial Term" in message.html
    assert "then-current term.”</p>" in " ".join(message.html.split())


def test_html_escapes_contract_text(fixture_records: dict[str, ContractRecord]) -> None:
    """A title or clause holding markup is shown as text, never as HTML."""
    msa = fixture_records["msa_sla_exhibit"]
    hostile = msa.model_copy(update={
        "title": "R&D <script>alert(1)</script> Agreement",
        "source": "contracts/<b>msa</b>.pdf",
    })
    message = compose(reminder(hostile, date(2026, 11, 21)))
    assert "<script>" not in message.html and "<b>msa</b>" not in message.html
    assert "R&amp;D &lt;script&gt;alert(1)&lt;/script&gt; Agreement" in message.html
    assert "contracts/&lt;b&gt;msa&lt;/b&gt;.pdf" in message.html
    assert "&quot;Renewal Term&quot;" in message.html  # quotes in the clause, escaped
    assert "R&D <script>alert(1)</script> Agreement" in message.text  # plain text is as is


def test_expiration_and_deadline_today_wording(fixture_records: dict[str, ContractRecord]) -> None:
    nda = compose(reminder(fixture_records["mutual_nda"], date(2027, 1, 5)))
    assert nda.subject.startswith("Contract expires TODAY: Mutual Non-Disclosure Agreement")
    assert "ends on Tuesday 5 January 2027 (today is the last day) and does not renew" in \
        " ".join(nda.text.split())
    assert "Expiry clause, page 2:" in nda.text


def test_deadline_passed_wording(fixture_records: dict[str, ContractRecord]) -> None:
    msa = fixture_records["msa_sla_exhibit"]
    today = date(2026, 12, 1)
    row = deadline_row(msa, today, OURS)
    assert row is not None
    ledger = [AlertEntry(key="k", record_id=msa.id, deadline=date(2026, 11, 30), lead_days=14,
                         channel="mail", sent_at=datetime(2026, 11, 16, tzinfo=UTC))]
    tracked = track(msa, row, LEADS).model_copy(update={"ledger": ledger})
    alert = missed_deadline(tracked, "mail", today)
    assert alert is not None and alert.kind is AlertKind.passed
    assert alert.row.kind is DeadlineKind.notice_deadline
    message = compose(alert)
    assert message.subject == ("Notice deadline passed: Master Services Agreement "
                               "(Northwind Cloud Services, Inc.) renewed until 2028-02-29")
    flat = " ".join(message.text.split())
    assert "Monday 30 November 2026, has passed" in flat
    assert "now runs until Tuesday 29 February 2028" in flat
    assert "The next notice deadline is 2027-12-01 (365 days from today)" in flat
    assert "Missed deadline: 2026-11-30" in flat
