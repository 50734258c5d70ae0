"""The `renewal_alerts` flow under Prefect's test harness: real SMTP and HTTP servers on
loopback, a portfolio extracted from the fixture PDFs, dates pinned with `today`.

As of 2026-11-21 the due reminders are: msa_sla_exhibit 14-day (deadline 2026-11-30),
saas_subscription 14-day (2026-12-02), maintenance_severity 30-day (2026-12-14) and the
mutual NDA's 60-day expiry reminder (2027-01-05).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from prefect.client.orchestration import get_client

from alerts import PASSED_LEAD, AlertKind, DeliveryStatus
from flows.alerts import renewal_alerts
from portfolio.sqlite import SqlitePortfolio
from tests.alert_fixtures import Mailbox, Webhook, free_port

LEADS = [90, 60, 30, 14, 7, 1]
DUE_ON_21ST = [
    "Notice deadline in 9 days: Master Services Agreement (Northwind Cloud Services, Inc.), "
    "2026-11-30",
    "Notice deadline in 11 days: SaaS Subscription Agreement (Litware, Inc.), 2026-12-02",
    "Notice deadline in 23 days: Software Maintenance and Support Agreement (Proseware, Inc.), "
    "2026-12-14",
    "Contract expires in 45 days: Mutual Non-Disclosure Agreement (Trey Research, Inc.), "
    "2027-01-05",
]


def run(store: str, today: str, urls: list[str], **options: object) -> object:
    return renewal_alerts(store=store, today=date.fromisoformat(today), lead_days=LEADS,
                          notify_urls=urls, retries=options.pop("retries", 0),
                          retry_delay_seconds=0, **options)  # type: ignore[arg-type]


def test_alerts_arrive_once_by_email_and_webhook(
    prefect_server: None, fixture_store: str, smtp_server: Mailbox, webhook: Webhook
) -> None:
    report = run(fixture_store, "2026-11-21", [smtp_server.url(), webhook.url])
    assert report.count(DeliveryStatus.sent) == 8 and report.count(DeliveryStatus.failed) == 0
    assert smtp_server.subjects() == DUE_ON_21ST
    assert webhook.titles() == DUE_ON_21ST

    msa_mail = smtp_server.messages[0]
    plain = msa_mail.get_body(preferencelist=("plain",)).get_content()
    html = msa_mail.get_body(preferencelist=("html",)).get_content()
    for text in (" ".join(plain.split()), " ".join(html.split())):
        assert "Northwind Cloud Services, Inc." in text
        assert "2026-11-30 (Monday), 9 days left" in text
        assert "1 year" in text and "90 days" in text
        assert "Notice clause, page 2:" in text
        assert "at least ninety (90) days prior to the end of the then-current term" in text
        assert "fixtures/contracts/msa_sla_exhibit.pdf" in text
    hook = webhook.posts[0]["message"]
    assert isinstance(hook, str) and "Counterparty:    Northwind Cloud Services, Inc." in hook

    with SqlitePortfolio(fixture_store) as portfolio:
        msa = portfolio.find("msa_sla_exhibit.pdf")[0]
        ledger = portfolio.alerts_for(msa.id)
    assert [(e.deadline, e.lead_days) for e in ledger] == [(date(2026, 11, 30), 14)] * 2
    assert {e.channel.split(":")[0] for e in ledger} == {"mailto", "json"}

    again = run(fixture_store, "2026-11-21", [smtp_server.url(), webhook.url])
    assert again.outcomes == []
    assert len(smtp_server.messages) == 4 and len(webhook.posts) == 4

    with get_client(sync_client=True) as client:
        artifacts = [a for a in client.read_artifacts() if a.key == "renewal-alerts"]
    assert any("Master Services Agreement" in str(a.data) for a in artifacts)


def test_catch_up_after_a_20_day_gap(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    first = run(fixture_store, "2026-11-01", [webhook.url])
    assert [(o.alert.row.filename, o.alert.lead_days) for o in first.outcomes] == [
        ("msa_sla_exhibit.pdf", 30), ("saas_subscription.pdf", 60),
        ("maintenance_severity.pdf", 60), ("mutual_nda.pdf", 90)]
    # no runs for 20 days: on the 21st each deadline gets its most urgent reminder, once
    later = run(fixture_store, "2026-11-21", [webhook.url])
    assert [(o.alert.row.filename, o.alert.lead_days) for o in later.outcomes] == [
        ("msa_sla_exhibit.pdf", 14), ("saas_subscription.pdf", 14),
        ("maintenance_severity.pdf", 30), ("mutual_nda.pdf", 60)]
    assert webhook.titles()[4:] == DUE_ON_21ST


def test_failed_delivery_is_retried_and_not_recorded(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    webhook.status = 500
    closed = Mailbox(free_port()).url()  # nothing listens on that port
    report = run(fixture_store, "2026-11-21", [webhook.url, closed], retries=1)
    assert report.count(DeliveryStatus.failed) == 8 and report.count(DeliveryStatus.sent) == 0
    assert webhook.attempts == 2  # the first alert: 1 try + 1 retry; then the channel is down
    assert any("500" in (o.error or "") for o in report.outcomes)
    with SqlitePortfolio(fixture_store) as portfolio:
        assert all(not portfolio.alerts_for(r.id) for r in portfolio.records())

    webhook.status = 200  # the endpoint is back: the next run delivers what failed, once
    retry = run(fixture_store, "2026-11-21", [webhook.url])
    assert retry.count(DeliveryStatus.sent) == 4
    assert webhook.titles() == DUE_ON_21ST
    assert run(fixture_store, "2026-11-21", [webhook.url]).outcomes == []


def test_deadline_passed_message_once(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    run(fixture_store, "2026-11-29", [webhook.url])  # msa 1-day reminder, among others
    report = run(fixture_store, "2026-12-01", [webhook.url])
    titles = [o.subject for o in report.outcomes]
    assert titles[0] == ("Notice deadline passed: Master Services Agreement (Northwind Cloud "
                         "Services, Inc.) renewed until 2028-02-29")
    assert "Notice deadline in 1 day: SaaS Subscription Agreement (Litware, Inc.), 2026-12-02" \
        in titles
    nxt = run(fixture_store, "2026-12-02", [webhook.url])
    assert not any("passed" in o.subject for o in nxt.outcomes)


def test_dry_run_sends_and_records_nothing(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    report = run(fixture_store, "2026-11-21", [webhook.url], dry_run=True)
    assert report.count(DeliveryStatus.preview) == 4
    assert webhook.attempts == 0
    assert {u.state.value for u in report.untracked} == {"evergreen", "perpetual"}
    assert run(fixture_store, "2026-11-21", [webhook.url]).count(DeliveryStatus.sent) == 4


def test_per_contract_lead_days(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    with SqlitePortfolio(fixture_store) as portfolio:
        msa = portfolio.find("msa_sla_exhibit.pdf")[0]
        portfolio.set_lead_days(msa.id, [30, 7])
    report = run(fixture_store, "2026-11-21", [webhook.url])
    [msa_alert] = [o.alert for o in report.outcomes if o.alert.row.record_id == msa.id]
    assert msa_alert.lead_days == 30 and msa_alert.schedule == [30, 7]


def test_a_new_version_of_the_file_does_not_resend_or_move_the_calendar_event(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    """A re-signed copy of the MSA (other bytes, same name, same deadline) replaces the
    record; the reminder already sent for that deadline is not sent again, and the
    calendar event keeps its UID so an import updates it."""
    from alerts.calendar import deadline_event
    from alerts.watchlist import tracked_rows

    run(fixture_store, "2026-11-21", [webhook.url])
    sent = len(webhook.posts)
    with SqlitePortfolio(fixture_store) as portfolio:
        v1 = portfolio.find("msa_sla_exhibit.pdf")[0]
        uid_before = _msa_uid(portfolio, tracked_rows, deadline_event)
        v2 = v1.model_copy(update={"id": "f" * 64, "clauses": v1.clauses[:-1]})
        portfolio.add_many([v2], as_new_versions=True)
        assert portfolio.get(v1.id).superseded_by == v2.id  # type: ignore[union-attr]
        assert [e.lead_days for e in portfolio.alerts_for(v2.id)] == [14]
        assert _msa_uid(portfolio, tracked_rows, deadline_event) == uid_before

    report = run(fixture_store, "2026-11-21", [webhook.url])
    assert report.count(DeliveryStatus.sent) == 0 and len(webhook.posts) == sent
    report = run(fixture_store, "2026-11-24", [webhook.url])  # the 7-day reminder is new
    assert [o.alert.row.record_id for o in report.outcomes] == [v2.id]
    assert report.count(DeliveryStatus.sent) == 1


def _msa_uid(portfolio: SqlitePortfolio, tracked_rows: object, deadline_event: object) -> str:
    rows = portfolio.upcoming_deadlines(date(2026, 11, 21), 30)
    tracked = tracked_rows(portfolio, rows, LEADS)  # type: ignore[operator]
    [msa] = [t for t in tracked if t.row.filename == "msa_sla_exhibit.pdf"]
    return str(deadline_event(msa, datetime.now(UTC))["UID"])  # type: ignore[operator]


def test_a_date_replaced_by_a_correction_is_not_reported_as_passed(
    prefect_server: None, fixture_store: str, webhook: Webhook
) -> None:
    """The MSA's 30-day reminder goes out for 2026-11-30; then its notice period is
    corrected from 90 to 60 days, which moves the deadline of the same term to 2026-12-30.
    On 2026-12-01 nothing has passed: the reminder for the new date goes out, and no
    "deadline passed — renewed until 2027-02-28" message. After 2026-12-30 that one does."""
    run(fixture_store, "2026-11-10", [webhook.url])
    with SqlitePortfolio(fixture_store) as portfolio:
        msa = portfolio.find("msa_sla_exhibit.pdf")[0]
        portfolio.correct(msa.id, "renewal.notice_period", "60 days", by="test")

    def msa_alerts(today: str) -> list[tuple[AlertKind, date, int]]:
        report = run(fixture_store, today, [webhook.url])
        return [(o.alert.kind, o.alert.deadline, o.alert.lead_days) for o in report.outcomes
                if o.alert.row.record_id == msa.id and o.status is DeliveryStatus.sent]

    assert msa_alerts("2026-12-01") == [(AlertKind.reminder, date(2026, 12, 30), 30)]
    assert msa_alerts("2026-12-30") == [(AlertKind.reminder, date(2026, 12, 30), 1)]
    assert msa_alerts("2026-12-31") == [(AlertKind.passed, date(2026, 12, 30), PASSED_LEAD)]
    assert webhook.titles()[-1] == ("Notice deadline passed: Master Services Agreement "
                                    "(Northwind Cloud Services, Inc.) renewed until 2028-02-29")


def test_a_dead_channel_is_tried_once_per_run_and_the_others_still_deliver(
    prefect_server: None, fixture_store: str, smtp_server: Mailbox, webhook: Webhook
) -> None:
    webhook.status = 503
    report = run(fixture_store, "2026-11-21", [webhook.url, smtp_server.url()], retries=2)
    assert webhook.attempts == 3, "one alert's tries (1 + 2 retries), not every alert's"
    failed = [o for o in report.outcomes if o.status is DeliveryStatus.failed]
    assert len(failed) == 4 and report.count(DeliveryStatus.sent) == 4
    assert sum("not tried: this channel failed earlier in this run" in (o.error or "")
               for o in failed) == 3
    assert sorted(smtp_server.subjects()) == sorted(DUE_ON_21ST)

    webhook.status = 200  # back up: the next run sends the webhook's four, and only those
    again = run(fixture_store, "2026-11-21", [webhook.url, smtp_server.url()])
    assert again.count(DeliveryStatus.sent) == 4 and webhook.titles() == DUE_ON_21ST
    assert len(smtp_server.subjects()) == 4
