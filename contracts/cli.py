"""The `contracts` command: ingest, extract, search, show, renewals.

Thin by design: each command parses its options, calls the flow/portfolio/extractor
that does the work, and hands the result to `contracts.render`.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from contracts import render
from contracts.options import HomeOption, StoreOption
from contracts.settings import Settings, load_settings
from flows.prefect_api import allow_slow_temporary_server
from portfolio.errors import InvalidSetting, PortfolioError, UnsupportedStore
from schemas import ClauseType

if TYPE_CHECKING:
    from alerts.models import Untracked
    from portfolio import Portfolio


class _Commands(TyperGroup):
    """The command group: a problem the admin can fix (a bad setting, an unknown store, a
    cluster that refuses) ends the command with one line on stderr, not a traceback.

    Exit status 2 for a bad setting or store URL (like a bad option), 1 for the store's
    other errors (e.g. a cluster that does not answer).
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PortfolioError as exc:
            Console(stderr=True, soft_wrap=True).print(
                f"error: {exc}", markup=False, highlight=False
            )
            usage = isinstance(exc, InvalidSetting | UnsupportedStore)
            raise typer.Exit(2 if usage else 1) from None


app = typer.Typer(
    cls=_Commands,
    help="Contract intelligence: extract parties, terms, renewal deadlines, SLAs and penalties "
    "from contract PDFs, and search them across your portfolio.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

TodayOption = Annotated[
    str | None, typer.Option("--today", help="treat this date (YYYY-MM-DD) as today")
]


class OutputFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    table = "table"


def _settings(home: Path | None, store: str | None) -> Settings:
    return load_settings(home=home, store=store)


def _today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2026-11-21", param_hint="--today"
        ) from None


def _quiet_prefect() -> None:
    """Prefect's per-task INFO lines drown the summary a terminal user wants to read."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")
    # The temporary server would otherwise phone home (and log an error when offline).
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # nor Prefect's client (SDK telemetry)
    allow_slow_temporary_server()


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="contract PDFs or folders of them")],
    home: HomeOption = None,
    store: StoreOption = None,
    workers: Annotated[int, typer.Option(help="extraction processes (0 = one per core)")] = 0,
    today: TodayOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="print the run report as JSON")] = False,
) -> None:
    """Extract contracts and add them to the portfolio (a Prefect flow run)."""
    _quiet_prefect()
    from flows.ingest import FileStatus
    from flows.ingest import ingest as ingest_flow

    settings = _settings(home, store)
    settings.home.mkdir(parents=True, exist_ok=True)
    report = ingest_flow(
        paths=[str(p) for p in paths], store=settings.store_url,
        workers=workers or settings.workers, today=_today(today) if today else None,
        text_layer=settings.text_layer, show_progress=not json_out and sys.stderr.isatty(),
        ocr=settings.ocr_options(),
    )
    if json_out:
        out.print_json(report.model_dump_json())
    else:
        render.ingest_report(out, report)
    if report.count(FileStatus.failed):
        raise typer.Exit(code=1)


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="contract PDFs")],
    output: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.json,
    today: TodayOption = None,
    text_layer: Annotated[str, typer.Option(help="pdfium (fast) or pdfplumber")] = "pdfium",
) -> None:
    """Extract records without storing them (JSON contract on stdout, errors on stderr)."""
    from extractors.batch import ExtractionJob, extract_job
    from extractors.pipeline import file_sha256

    failed = 0
    records = []
    as_of = _today(today)
    ocr = load_settings().ocr_options()
    for path in files:
        if not path.is_file():
            err.print(f"[red]error[/]: {path}: no such file")
            failed += 1
            continue
        job = ExtractionJob(path=path, record_id=file_sha256(path), source=str(path))
        result = extract_job(job, as_of, text_layer, ocr)
        if result.record is None:
            err.print(f"[red]error[/]: {path}: {result.reason}: {result.message}")
            failed += 1
            continue
        if output is OutputFormat.jsonl:
            sys.stdout.write(result.record.model_dump_json() + "\n")
            sys.stdout.flush()
        elif output is OutputFormat.table:
            render.record_summary(out, result.record)
        else:
            records.append(json.loads(result.record.model_dump_json()))
    if output is OutputFormat.json and records:
        sys.stdout.write(json.dumps(records[0] if len(files) == 1 else records, indent=2) + "\n")
    if failed:
        raise typer.Exit(code=1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='words, "phrases", OR, NOT, prefix*')],
    clause_type: Annotated[ClauseType | None, typer.Option("--type", help="clause type")] = None,
    party: Annotated[str | None, typer.Option(help="party name (substring)")] = None,
    law: Annotated[str | None, typer.Option("--law", help="governing law")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="also search superseded versions")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """BM25-ranked clause search across the portfolio, with highlighted snippets."""
    from portfolio import ClauseQuery, Highlight, QuerySyntaxError, open_portfolio

    settings = _settings(home, store)
    request = ClauseQuery(text=query, clause_type=clause_type, party=party, governing_law=law,
                          limit=limit, offset=offset, all_versions=all_versions)
    with open_portfolio(settings.store_url) as portfolio:
        try:
            result = portfolio.search(request, Highlight(start="\x01", end="\x02"))
        except QuerySyntaxError as exc:
            err.print(f"[red]error[/]: {exc}")
            raise typer.Exit(code=2) from exc
    if json_out:
        out.print_json(result.model_dump_json())
    else:
        render.search_result(out, result)


@app.command()
def show(
    id_or_filename: Annotated[str, typer.Argument(help="record id (or prefix) or file name")],
    json_out: Annotated[bool, typer.Option("--json")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """The whole record, every value with its evidence (page + quote)."""
    from portfolio import open_portfolio

    settings = _settings(home, store)
    with open_portfolio(settings.store_url) as portfolio:
        matches = portfolio.find(id_or_filename)
    if not matches:
        err.print(f"[red]error[/]: no contract matches {id_or_filename!r}")
        raise typer.Exit(code=1)
    if len(matches) > 1:
        err.print(f"[yellow]{len(matches)} contracts match {id_or_filename!r}; be more specific:")
        for record in matches:
            err.print(f"  {record.id[:12]}  {record.filename}  {record.title or ''}")
        raise typer.Exit(code=1)
    if json_out:
        out.print_json(matches[0].model_dump_json())
    else:
        render.record_detail(out, matches[0])


@app.command(name="list")
def list_records(
    json_out: Annotated[bool, typer.Option("--json", help="one JSON record per line")] = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Every contract in the portfolio: parties, dates, renewal and notice deadline."""
    from portfolio import open_portfolio

    settings = _settings(home, store)
    with open_portfolio(settings.store_url) as portfolio:
        records = sorted(portfolio.records(), key=lambda r: (r.title or r.filename).lower())
    for record in records:
        if json_out:
            sys.stdout.write(record.model_dump_json() + "\n")
        else:
            render.record_summary(out, record)
            out.print()
    if not records and not json_out:
        out.print("the portfolio is empty: add contracts with `contracts ingest PATH`")


SHOWN_DAYS = 90
"""`contracts renewals` lists this many days ahead unless --within says otherwise."""
EVERY_NEXT_DATE = 36_525
"""Days ahead that reach every contract's next date (one per contract): what the calendar
and spreadsheet exports hold unless --within is given, so no alarm is left out."""


@app.command()
def renewals(
    within: Annotated[int | None, typer.Option(
        help=f"days ahead to look [default: {SHOWN_DAYS}; for --ics/--csv: every "
             "contract's next date]", show_default=False)] = None,
    today: TodayOption = None,
    json_out: Annotated[bool, typer.Option("--json")] = False,
    ics: Annotated[Path | None, typer.Option("--ics", metavar="FILE", help="also write an "
                   "iCalendar file: one event per date, alarms at the lead times")] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", metavar="FILE",
                        help="also write a CSV file for a spreadsheet")] = None,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Upcoming notice deadlines and expirations, soonest first (rolling renewals applied)."""
    from portfolio import open_portfolio

    settings = _settings(home, store)
    as_of = _today(today)
    days = SHOWN_DAYS if within is None else within
    with open_portfolio(settings.store_url) as portfolio:
        rows = portfolio.upcoming_deadlines(as_of, days, own_roles=settings.own_role_set)
        if ics or csv_file:
            from contracts.alert_commands import export_renewals

            exported = rows if within is not None else portfolio.upcoming_deadlines(
                as_of, EVERY_NEXT_DATE, own_roles=settings.own_role_set)
            export_renewals(portfolio, exported, settings, as_of, today is not None, ics,
                            csv_file)
        no_date = [] if json_out else _no_date_contracts(portfolio, as_of)
    if json_out:
        out.print_json(json.dumps([json.loads(row.model_dump_json()) for row in rows]))
    else:
        render.deadlines(out, rows, as_of, days)
        render.no_date_contracts(out, no_date)


def _no_date_contracts(portfolio: Portfolio, as_of: date) -> list[Untracked]:
    """The contracts with no date to act on, with the reasons the alerts and CSV give."""
    from alerts.watchlist import no_date_contracts

    return no_date_contracts(portfolio, as_of)


def main() -> None:  # pragma: no cover - console entry point
    app()


# Feature command groups live in their own modules; each registers its commands here.
# (Keep one line per module, in the order the help should list them.)
__import__("contracts.alert_commands", fromlist=["register"]).register(app)
__import__("contracts.correction_commands", fromlist=["register"]).register(app)
__import__("contracts.inbox_commands", fromlist=["register"]).register(app)
__import__("contracts.es_commands", fromlist=["register"]).register(app)
__import__("contracts.web_commands", fromlist=["register"]).register(app)
__import__("contracts.doctor_commands", fromlist=["register"]).register(app)
