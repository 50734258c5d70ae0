"""The watched-folder commands: `watch`, `worker`, `journal`, `versions`, `recover`, `reindex`.

Thin like the rest of the CLI: `watch` hands stable batches of the inbox to the
`ingest-inbox` flow and prints where each file went; `worker` serves the deployments of
`prefect.yaml`; the others read the inbox journal, the portfolio and the archive.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.options import HomeOption, StoreOption
from contracts.settings import Settings, load_settings

if TYPE_CHECKING:
    from flows.ingest import FileOutcome, IngestReport
    from inbox.watcher import WatchOptions

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

WorkersOption = Annotated[int, typer.Option(help="extraction processes (0 = one per core)")]
_MARK = {"added": "[green]✓[/]", "new_version": "[green]↑[/]", "replaced": "[cyan]✓[/]",
         "unchanged": "[dim]=[/]", "duplicate": "[dim]=[/]", "failed": "[red]✗[/]"}


def register(app: typer.Typer) -> None:
    """Add the watched-folder commands to the CLI."""
    for command in (watch, worker, journal, versions, recover, reindex):
        app.command()(command)


def _settings(home: Path | None, store: str | None) -> Settings:
    return load_settings(home=home, store=store)


def _quiet_prefect() -> None:
    from contracts.cli import _quiet_prefect as quiet

    quiet()


def outcome_line(outcome: FileOutcome) -> str:
    """One line per file: mark, name, what happened, where it went."""
    name = escape(Path(outcome.path).name)
    status = outcome.status.value
    where = f" → {escape(outcome.destination)}" if outcome.destination else ""
    if status == "failed":
        return (f"{_MARK[status]} {name}  [red]{escape(outcome.reason or '')}[/]: "
                f"{escape(outcome.message or '')}{where}\n    hint: {escape(outcome.hint or '')}")
    if status == "duplicate":
        return f"{_MARK[status]} {name}  duplicate, {escape(outcome.message or '')}{where}"
    found = [outcome.title or "(no title)"]
    if outcome.parties:
        found.append("; ".join(outcome.parties))
    if outcome.notice_deadline:
        found.append(f"notice deadline {outcome.notice_deadline.isoformat()}")
    label = "new version" if status == "new_version" else status
    return f"{_MARK.get(status, '')} {name}  {label}: {escape(' · '.join(found))}{where}"


def _print_report(report: IngestReport) -> None:
    for outcome in report.outcomes:
        out.print(outcome_line(outcome))


def _stop_on_signals(stop: threading.Event) -> None:
    """First Ctrl-C (or SIGTERM): finish the current batch, then stop. Second: stop now."""

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err.print("stopping after the current batch (Ctrl-C again to stop at once; "
                  "nothing is lost either way)")

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)


def watch(
    folder: Annotated[Path | None, typer.Argument(help="folder to watch (default HOME/inbox)")]
    = None,
    poll: Annotated[float | None, typer.Option(
        "--poll", help="poll every SECONDS instead of OS events (network shares)")] = None,
    stable: Annotated[float | None, typer.Option(
        help="seconds a file must stay unchanged before it is taken")] = None,
    rescan: Annotated[float | None, typer.Option(
        help="seconds between full rescans (catches missed events)")] = None,
    batch: Annotated[int | None, typer.Option(help="files per ingest flow run")] = None,
    once: Annotated[bool, typer.Option(
        "--once", help="take what is stable now (one flow run), then exit (cron, scripts)")]
    = False,
    workers: WorkersOption = 0,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Watch the inbox: each dropped file is ingested and moved to archive/ or failed/."""
    # Per-file logs go to the flow runs (Prefect UI); the terminal gets one line per file.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "ERROR")
    _quiet_prefect()
    from inbox.watcher import WatchOptions

    settings = _settings(home, store)
    home_dir, inbox = _layout(settings, folder)
    poll = poll if poll is not None else settings.watch_poll_seconds
    options = WatchOptions(
        folder=inbox, stable_seconds=stable or settings.watch_stable_seconds,
        poll_seconds=poll, rescan_seconds=rescan or settings.watch_rescan_seconds,
        batch_size=batch or settings.watch_batch_size,
    )
    if once:
        _watch_once(options, home_dir, settings.store_url, workers or settings.workers)
    else:
        _watch_until_stopped(options, home_dir, settings.store_url, workers or settings.workers)


def _layout(settings: Settings, folder: Path | None) -> tuple[Path, Path]:
    """The data directory and the watched folder, created; exit 2 if they overlap."""
    from inbox.paths import InboxLayoutError, InboxPaths

    paths = InboxPaths.under(settings.home, folder)
    try:
        paths.ensure()
    except InboxLayoutError as exc:
        err.print(f"[red]error[/]: {escape(str(exc))}")
        raise typer.Exit(code=2) from exc
    return paths.home, paths.inbox


def _watch_until_stopped(options: WatchOptions, home: Path, store: str, workers: int) -> None:
    from extractors.nlp import contract_pipeline
    from flows.prefect_api import shielded_temporary_api
    from flows.watch import IngestTarget, watch_folder

    stop = threading.Event()
    _stop_on_signals(stop)
    api = shielded_temporary_api()
    contract_pipeline()  # load once now, so the first drop is not the slow one
    mode = (f"polling every {options.poll_seconds:g} s" if options.poll_seconds
            else "filesystem events")
    out.print(f"watching {options.folder} ({mode}; stable after {options.stable_seconds:g} s; "
              f"full rescan every {options.rescan_seconds:g} s)")
    out.print(f"data in {home} · Prefect API {api} · Ctrl-C stops after the current batch")
    target = IngestTarget(home=str(home), store=store, workers=workers)
    try:
        watch_folder(options, target, stop, _print_report,
                     lambda exc: err.print(f"[red]ingest run failed[/]: {escape(str(exc))}; "
                                           "its files are journaled and retried"))
    except KeyboardInterrupt:
        err.print("stopped at once; the next start finishes the interrupted batch")
        raise typer.Exit(code=130) from None
    out.print("stopped")


def _watch_once(options: WatchOptions, home: Path, store: str, workers: int) -> None:
    from flows.inbox import ingest_inbox

    report = ingest_inbox(home=str(home), store=store, inbox=str(options.folder),
                          workers=workers, stable_seconds=options.stable_seconds)
    _print_report(report)
    if not report.outcomes:
        out.print(f"nothing to take in {options.folder}")


def worker(
    interval: Annotated[float | None, typer.Option(
        help="seconds between inbox scans (default: prefect.yaml)")] = None,
    port: Annotated[int, typer.Option(help="port of the local Prefect server, if started")] = 4200,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Serve every deployment in prefect.yaml on this machine (inbox scans, renewal alerts,
    reindex), with a local Prefect server if PREFECT_API_URL is not set."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from prefect import serve

    from flows.deployments import load_specs, runner_deployments
    from flows.prefect_api import configured_api_url, local_server

    settings = _settings(home, store)
    settings.home.mkdir(parents=True, exist_ok=True)
    overrides = {"home": str(settings.home.resolve()), "store": settings.store_url}
    shared_server = configured_api_url() is not None
    with local_server(port) as api:
        out.print(f"Prefect API {api} (dashboard: {api.removesuffix('/api')}); "
                  f"data in {overrides['home']}")
        deployments = runner_deployments(load_specs(), overrides, interval)
        # On a shared server, Ctrl-C pauses the schedules (Prefect's default) so runs do
        # not pile up late for a worker that is gone. A server started here stops with
        # the worker, and the next start schedules afresh, so pausing would only be one
        # API call per deployment between Ctrl-C and exit.
        serve(*deployments, print_starting_message=True, pause_on_shutdown=shared_server)


def journal(
    limit: Annotated[int, typer.Option(min=1, help="entries to show, newest first")] = 30,
    json_out: Annotated[bool, typer.Option("--json", help="one JSON entry per line")] = False,
    home: HomeOption = None,
) -> None:
    """What happened to each file dropped in the inbox (newest first)."""
    from inbox.journal import Journal
    from inbox.paths import InboxPaths

    paths = InboxPaths.under(_settings(home, None).home)
    if not paths.journal.exists():
        out.print("nothing dropped yet: the inbox journal is empty")
        return
    with Journal(paths.journal) as book:
        drops = book.recent(limit)
    if json_out:
        for drop in drops:
            sys.stdout.write(drop.model_dump_json(exclude={"record_json"}) + "\n")
        return
    table = Table(title=f"Inbox journal ({paths.journal})", expand=True)
    for column in ("when", "file", "state", "outcome", "now at"):
        table.add_column(column, overflow="fold")
    for drop in drops:
        table.add_row(drop.updated_at.strftime("%Y-%m-%d %H:%M:%S"), escape(drop.name),
                      drop.state.value, drop.outcome.value if drop.outcome else "",
                      escape(drop.dest or paths.shown(Path(drop.path))))
    out.print(table)


def versions(
    filename: Annotated[str, typer.Argument(help="file name (as dropped)")],
    json_out: Annotated[bool, typer.Option("--json")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Every version of a contract file name, oldest first; the last is current."""
    from portfolio import open_portfolio

    settings = _settings(home, store)
    with open_portfolio(settings.store_url) as portfolio:
        records = portfolio.versions(filename)
    if not records:
        err.print(f"[red]error[/]: no contract file named {filename!r}")
        raise typer.Exit(code=1)
    if json_out:
        out.print_json(json.dumps([json.loads(r.model_dump_json(exclude={"clauses"}))
                                   for r in records]))
        return
    table = Table(title=f"Versions of {escape(filename)}", expand=True)
    for column in ("version", "id", "title", "notice deadline", "status"):
        table.add_column(column)
    for record in records:
        status = (f"superseded by {record.superseded_by[:12]}" if record.superseded_by
                  else "[green]current[/]")
        deadline = record.renewal.notice_deadline
        table.add_row(str(record.version), record.id[:12], escape(record.title or "—"),
                      deadline.isoformat() if deadline else "—", status)
    out.print(table)


def recover(
    id_or_filename: Annotated[str, typer.Argument(help="record id (or prefix) or file name")],
    to: Annotated[Path, typer.Option("--to", help="folder to copy the original into")]
    = Path("."),
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Copy an archived original out of archive/ under its original file name."""
    from inbox.moves import free_name
    from inbox.paths import InboxPaths
    from portfolio import open_portfolio

    settings = _settings(home, store)
    paths = InboxPaths.under(settings.home)
    with open_portfolio(settings.store_url) as portfolio:
        matches = portfolio.find(id_or_filename)
    if len(matches) != 1:
        err.print(f"[red]error[/]: {len(matches)} contracts match {id_or_filename!r}"
                  + ("; use the id (see `contracts versions NAME`)" if matches else ""))
        raise typer.Exit(code=1)
    record = matches[0]
    original = paths.archived_original(record.id)
    if not original.is_file():
        err.print(f"[red]error[/]: {record.filename} is not in {paths.archive} "
                  "(it was ingested from elsewhere with `contracts ingest`)")
        raise typer.Exit(code=1)
    to.mkdir(parents=True, exist_ok=True)
    target = free_name(to, record.filename)
    shutil.copy2(original, target)
    out.print(f"{escape(record.filename)} (version {record.version}) → {escape(str(target))}")


def reindex(
    workers: WorkersOption = 0,
    json_out: Annotated[bool, typer.Option("--json", help="print the run report as JSON")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Re-extract every archived original into the portfolio, replacing its record."""
    _quiet_prefect()
    from flows.reindex import reindex as reindex_flow

    settings = _settings(home, store)
    report = reindex_flow(home=str(settings.home), store=settings.store_url,
                          workers=workers or settings.workers)
    if json_out:
        out.print_json(report.model_dump_json())
    else:
        _print_report(report)
        out.print(f"{len(report.outcomes)} originals in {report.seconds:.1f} s")
    if any(o.status.value == "failed" for o in report.outcomes):
        raise typer.Exit(code=1)
