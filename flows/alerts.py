"""The `renewal_alerts` flow: today's due reminders out to every channel, each exactly once.

read the portfolio (`alerts.watchlist`) -> decide (`alerts.policy`) -> for each alert:
write it (`alerts.message`), deliver it (`alerts.delivery`, retried), record it in the
ledger (retried) -> table artifact of what went out.

An alert is recorded only after its channel accepted it, so a delivery that still fails
after the retries stays unsent and the next run (tomorrow's, or a re-run) finds it due
again. A channel whose alert failed every attempt is not tried again in the same run: its
other alerts are reported failed at once (a dead mail server must not cost each alert all
its retries) and are retried next run, while the other channels deliver as usual.
The order "send, then record" means a crash between the two can repeat one alert;
the other order could lose one, which is worse for a deadline. Notification URLs are read
from the settings (`CONTRACTS_NOTIFY_URLS` or `contracts.toml`) unless passed in: flow
parameters are stored by the Prefect server, and the URLs hold passwords and tokens.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from alerts import AlertOutcome, AlertRunReport, DeliveryStatus, Watchlist, plan_alerts
from alerts.delivery import Channel, open_channels, send
from alerts.message import compose, who
from alerts.models import Alert, AlertKind, Message
from alerts.originals import with_original_locations
from alerts.policy import parse_lead_days
from alerts.watchlist import due_watchlist
from contracts.settings import load_settings
from portfolio import open_portfolio

PREVIEW_CHANNEL = "preview"
"""Channel id a dry run without any configured URL plans for (shows what a new channel gets)."""


@task(name="read-watchlist", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def read_watchlist(
    store: str, today: date, lead_days: list[int], own_roles: list[str]
) -> Watchlist:
    """The contracts due an alert today, with their ledgers, and those with no date.

    Retried: a locked database is transient.
    """
    with open_portfolio(store) as portfolio:
        roles = frozenset(r.lower() for r in own_roles)
        return due_watchlist(portfolio, today, lead_days, roles)


@task(name="deliver-alert", retries=3, retry_delay_seconds=10, cache_policy=NO_CACHE)
def deliver(channel: Channel, message: Message) -> None:
    """Send one alert on one channel; raises `DeliveryFailed` so Prefect retries it."""
    send(channel, message)


@task(name="record-alert", retries=3, retry_delay_seconds=1, cache_policy=NO_CACHE)
def record(store: str, alert: Alert) -> bool:
    """Put a delivered alert in the ledger; False if another run recorded it first."""
    with open_portfolio(store) as portfolio:
        return portfolio.record_alert(
            alert.key, alert.row.record_id, alert.deadline, alert.lead_days, alert.channel,
            datetime.now(UTC),
        )


def _deliver_and_record(
    alert: Alert, channel: Channel, store: str, retries: int, retry_delay_seconds: float
) -> AlertOutcome:
    message = compose(alert)
    attempt = deliver.with_options(retries=retries, retry_delay_seconds=retry_delay_seconds)
    state = attempt(channel, message, return_state=True)
    if state.is_failed():
        try:
            state.result()
            error = "delivery failed"
        except Exception as exc:  # the last attempt's error is the one worth showing
            error = str(exc)
        return AlertOutcome(alert=alert, subject=message.subject, status=DeliveryStatus.failed,
                            error=error)
    if record(store, alert, return_state=True).is_failed():  # sent; say it may come again
        return AlertOutcome(alert=alert, subject=message.subject, status=DeliveryStatus.sent,
                            error="delivered, but the ledger could not be written: the next "
                            "run may send this alert again")
    return AlertOutcome(alert=alert, subject=message.subject, status=DeliveryStatus.sent)


def _not_tried(alert: Alert, why: str) -> AlertOutcome:
    """An alert for a channel that already failed every attempt in this run.

    A dead mail server or webhook would otherwise cost each due alert all its retries
    (about 30 s apiece with the defaults): hundreds of alerts would take hours. The alert
    is unsent and not in the ledger, so the next run tries it again, like any failure.
    """
    return AlertOutcome(alert=alert, subject=compose(alert).subject,
                        status=DeliveryStatus.failed,
                        error=f"not tried: this channel failed earlier in this run ({why})")


def _publish(report: AlertRunReport, labels: dict[str, str]) -> None:
    rows = [
        {
            "status": o.status.value,
            "contract": who(o.alert.row),
            "alert": ("deadline passed" if o.alert.kind is AlertKind.passed
                      else f"{o.alert.lead_days}-day reminder"),
            "date": o.alert.deadline.isoformat(),
            "days left": o.alert.days_left,
            "channel": labels.get(o.alert.channel, o.alert.channel),
            "error": o.error or "",
        }
        for o in report.outcomes
    ]
    day = report.today.isoformat()
    description = (
        f"{day}: {report.count(DeliveryStatus.preview)} alerts due (dry run: nothing sent)"
        if report.dry_run
        else f"{day}: {report.count(DeliveryStatus.sent)} alerts sent, "
        f"{report.count(DeliveryStatus.failed)} failed (retried next run)"
    )
    create_table_artifact(key="renewal-alerts", table=rows, description=description)


@flow(name="renewal_alerts", log_prints=False)
def renewal_alerts(
    store: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
    lead_days: list[int] | None = None,
    own_roles: list[str] | None = None,
    notify_urls: list[str] | None = None,
    retries: int = 3,
    retry_delay_seconds: float = 10.0,
    home: str | None = None,
) -> AlertRunReport:
    """Send today's due renewal-notice alerts; parameters left out come from the settings.

    `today` pins the date (tests, re-running a missed day); `dry_run` decides and reports
    without sending or recording anything; `home` (the data directory) is where archived
    originals are found for the messages' "PDF:" line.
    """
    logger = get_run_logger()
    settings = load_settings()
    store = store or settings.store_url
    today = today or date.today()
    leads = parse_lead_days(lead_days if lead_days is not None else settings.alert_lead_days)
    channels = open_channels(notify_urls if notify_urls is not None else settings.notify_urls)
    if not channels and not dry_run:
        logger.warning("no notification URLs configured (CONTRACTS_NOTIFY_URLS): nothing sent")
    by_id = {c.id: c for c in channels}
    plan_for = list(by_id) or ([PREVIEW_CHANNEL] if dry_run else [])
    found = read_watchlist(store, today, leads, own_roles or settings.own_roles)
    found.tracked = with_original_locations(found.tracked, Path(home) if home else settings.home)
    report = AlertRunReport(today=today, dry_run=dry_run, channels=plan_for,
                            untracked=found.untracked)
    down: dict[str, str] = {}  # channel id -> why its last alert failed every attempt
    for alert in plan_alerts(found.tracked, plan_for, today):
        if dry_run:
            report.outcomes.append(AlertOutcome(alert=alert, subject=compose(alert).subject,
                                                status=DeliveryStatus.preview))
            continue
        if alert.channel in down:
            outcome = _not_tried(alert, down[alert.channel])
        else:
            outcome = _deliver_and_record(alert, by_id[alert.channel], store, retries,
                                          retry_delay_seconds)
            if outcome.status is DeliveryStatus.failed:
                down[alert.channel] = outcome.error or "delivery failed"
        if outcome.error:
            logger.warning("%s: %s", outcome.subject, outcome.error)
        report.outcomes.append(outcome)
    logger.info("%d alerts sent, %d failed, %d previewed for %s",
                report.count(DeliveryStatus.sent), report.count(DeliveryStatus.failed),
                report.count(DeliveryStatus.preview), today.isoformat())
    _publish(report, {c.id: c.label for c in channels})
    return report
