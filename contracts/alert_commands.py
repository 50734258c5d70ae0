"""The `contracts alerts` command, and the `--ics`/`--csv` exports of `contracts renewals`.

Thin like the rest of the CLI: `alerts` runs the `renewal_alerts` flow (or stores a
contract's lead times) and prints what happened; the exports hand the rows `renewals`
already listed to `alerts.calendar` and `alerts.spreadsheet`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.options import HomeOption, StoreOption
from contracts.settings import Settings, load_settings
from flows.prefect_api import allow_slow_temporary_server

if TYPE_CHECKING:
    from alerts import AlertRunReport
    from portfolio import DeadlineRow, Portfolio

out = Console()
err = Console(stderr=True)

_STATUS_STYLE = {"sent": "green", "failed": "red", "preview": "cyan"}


def register(app: typer.Typer) -> None:
    """Add `contracts alerts` to the CLI."""
    app.command(name="alerts")(alerts)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2026-11-21", param_hint="--today"
        ) from None


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error[/]: {escape(message)}")
    return typer.Exit(code=code)


def alerts(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show the alerts due, send and record nothing")
    ] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="treat this date (YYYY-MM-DD) as today")
    ] = None,
    set_lead_days: Annotated[
        tuple[str, str] | None,
        typer.Option("--set-lead-days", metavar="ID DAYS",
                     help="store one contract's lead times (e.g. 30,7; 'default' to reset)"),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="print the run report as JSON")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Send today's renewal-notice alerts (email, Slack, Teams, webhooks), each exactly once."""
    from alerts import AlertError, DeliveryStatus
    from alerts.delivery import open_channels
    from alerts.policy import parse_lead_days

    settings = load_settings(home=home, store=store)
    as_of = _day(today)
    if set_lead_days is not None:
        _set_lead_days(settings, *set_lead_days)
        return
    try:
        parse_lead_days(settings.alert_lead_days)
        if not open_channels(settings.notify_urls) and not dry_run:
            raise _fail("no notification URLs configured: set CONTRACTS_NOTIFY_URLS (e.g. "
                        "mailtos://user:password@smtp.example.com?to=admin@example.com) or "
                        "notify_urls in contracts.toml; --dry-run shows what would be sent")
    except AlertError as exc:
        raise _fail(str(exc)) from exc
    report = _run_flow(settings, as_of, dry_run)
    if json_out:
        out.print_json(report.model_dump_json())
    else:
        show_report(out, report)
    if report.count(DeliveryStatus.failed):
        raise typer.Exit(code=1)


def _run_flow(settings: Settings, as_of: date | None, dry_run: bool) -> AlertRunReport:
    """The flow on Prefect's temporary local server, quiet like `contracts ingest`."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    allow_slow_temporary_server()
    from flows.alerts import renewal_alerts

    settings.home.mkdir(parents=True, exist_ok=True)
    return renewal_alerts(store=settings.store_url, today=as_of, dry_run=dry_run,
                          lead_days=settings.alert_lead_days, own_roles=settings.own_roles,
                          home=str(settings.home))


def _set_lead_days(settings: Settings, id_or_filename: str, days: str) -> None:
    from alerts import InvalidLeadDays
    from alerts.policy import parse_lead_days
    from portfolio import open_portfolio

    try:
        lead_days = None if days.strip().lower() == "default" else parse_lead_days(days)
    except InvalidLeadDays as exc:
        raise _fail(str(exc)) from exc
    with open_portfolio(settings.store_url) as portfolio:
        matches = portfolio.find(id_or_filename)
        if len(matches) != 1:
            found = ", ".join(f"{r.id[:12]} {r.filename}" for r in matches)
            raise _fail(f"{len(matches)} contracts match {id_or_filename!r}"
                        + (f" ({found}): be more specific" if matches else ""), code=1)
        record = matches[0]
        portfolio.set_lead_days(record.id, lead_days)
    shown = ", ".join(map(str, lead_days or settings.alert_lead_days))
    origin = "" if lead_days else " (the global default)"
    out.print(f"alert lead times for {escape(record.title or record.filename)} "
              f"[dim]{record.id[:12]}[/]: {shown} days{origin}")


def show_report(console: Console, report: AlertRunReport) -> None:
    """The run as a table, then the contracts that have no date to alert on."""
    from alerts import AlertKind, DeliveryStatus
    from alerts.message import who

    if report.outcomes:
        title = "Alerts due (dry run: nothing sent)" if report.dry_run else "Alerts"
        table = Table(title=f"{title}, {report.today.isoformat()}", expand=True)
        for column in ("status", "date", "days", "alert", "contract", "channel"):
            table.add_column(column, no_wrap=column in ("status", "date", "days"))
        for o in report.outcomes:
            style = _STATUS_STYLE.get(o.status.value, "")
            alert = ("deadline passed" if o.alert.kind is AlertKind.passed
                     else f"{o.alert.lead_days}-day {o.alert.row.kind.value.replace('_', ' ')}")
            table.add_row(f"[{style}]{o.status.value}[/]", o.alert.deadline.isoformat(),
                          str(o.alert.days_left), alert, escape(who(o.alert.row)),
                          escape(o.alert.channel))
        console.print(table)
    else:
        console.print(f"no alerts due on {report.today.isoformat()}")
    for o in report.outcomes:
        if o.error:
            console.print(f"[red]✗[/] {escape(o.error)}")
    if report.untracked:
        console.print("\n[bold]No date to alert on[/]")
        for u in report.untracked:
            console.print(f"  {escape(u.title or u.filename)} [dim]{u.record_id[:12]}[/]: "
                          f"{u.state.value}" + (f" — {escape(u.note)}" if u.note else ""))
    sent, failed = report.count(DeliveryStatus.sent), report.count(DeliveryStatus.failed)
    if not report.dry_run:
        console.print(f"\n{sent} sent, {failed} failed"
                      + (" (not recorded: the next run retries them)" if failed else ""))


def export_renewals(
    portfolio: Portfolio,
    rows: list[DeadlineRow],
    settings: Settings,
    as_of: date,
    pinned: bool,
    ics: Path | None = None,
    csv_file: Path | None = None,
) -> None:
    """`contracts renewals --ics/--csv`: the listed rows as a calendar and/or spreadsheet.

    `pinned` (a `--today` was given) makes the calendar's DTSTAMP that day at midnight UTC,
    so the file is byte-for-byte reproducible; otherwise it is the current time.
    """
    from alerts import AlertError
    from alerts.calendar import write_ics
    from alerts.policy import parse_lead_days
    from alerts.spreadsheet import write_csv
    from alerts.watchlist import no_date_contracts, tracked_rows

    try:
        lead_days = parse_lead_days(settings.alert_lead_days)
    except AlertError as exc:
        raise _fail(str(exc)) from exc
    tracked = tracked_rows(portfolio, rows, lead_days, settings.home)
    if ics is not None:
        stamp = datetime.combine(as_of, time(), UTC) if pinned else datetime.now(UTC)
        events = write_ics(ics, tracked, stamp.replace(microsecond=0))
        err.print(f"wrote {events} calendar events to {escape(str(ics))}")
    if csv_file is not None:
        count = write_csv(csv_file, tracked, no_date_contracts(portfolio, as_of))
        err.print(f"wrote {count} rows to {escape(str(csv_file))}")
