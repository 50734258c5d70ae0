"""`contracts correct`, `contracts corrections` and `contracts undo-correction`.

A contract admin who finds a wrong value fixes it here once, e.g.
`contracts correct saas.pdf renewal.notice_period "90 days" --note "§12.2"`; the
portfolio keeps the correction apart from the extraction, re-applies it when the file is
extracted again, and every deadline, export and alert uses it at once
(`schemas.corrections`). Thin, like the rest of the CLI.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from contracts.options import HomeOption, StoreOption
from contracts.settings import Settings, load_settings
from portfolio import Portfolio, UnknownRecord, open_portfolio
from portfolio.errors import UnknownCorrection
from schemas.corrections import InvalidCorrection, describe
from schemas.record import ContractRecord

out = Console()
err = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]
FIELD_HELP = (
    "title, agreement_date, effective_date, expiration_date, perpetual, initial_term, "
    "renewal.auto_renews, renewal.renewal_term, renewal.notice_period, renewal.evergreen, "
    "governing_law, parties.N.name, parties.N.role (N = 1 for the first party)"
)


def register(app: typer.Typer) -> None:
    """Add the correction commands to the CLI."""
    app.command("correct")(correct)
    app.command("corrections")(corrections)
    app.command("undo-correction")(undo_correction)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error[/]: {escape(message)}")
    return typer.Exit(code=code)


def _one(portfolio: Portfolio, id_or_filename: str) -> ContractRecord:
    """The one record a person means, or exit naming the candidates (as `show` does)."""
    matches = portfolio.find(id_or_filename)
    if not matches:
        raise _fail(f"no contract matches {id_or_filename!r}")
    if len(matches) > 1:
        err.print(f"[yellow]{len(matches)} contracts match {escape(id_or_filename)!r}; "
                  "be more specific:")
        for record in matches:
            err.print(f"  {record.id[:12]}  {escape(record.filename)}  "
                      f"{escape(record.title or '')}")
        raise typer.Exit(code=1)
    return matches[0]


def _status_line(portfolio: Portfolio, record: ContractRecord) -> str:
    status = portfolio.term_status(record, date.today())
    if status.due_date is None or status.kind is None:
        return f"term: {status.state.value}" + (f" ({status.note})" if status.note else "")
    what = status.kind.value.replace("_", " ")
    return f"{what}: {status.due_date.isoformat()} ({status.days_left} days)"


def _who(record: ContractRecord) -> str:
    return f"{record.title or record.filename} ({record.filename}, {record.id[:12]})"


def correct(
    id_or_filename: Annotated[str, typer.Argument(help="record id (or prefix) or file name")],
    field: Annotated[str, typer.Argument(help=FIELD_HELP)],
    value: Annotated[str, typer.Argument(help='e.g. "90 days", 2027-02-28, true; "" clears')],
    by: Annotated[str | None, typer.Option(
        "--by", help="who corrects (default: CONTRACTS_USER, else your login name)")] = None,
    note: Annotated[str | None, typer.Option("--note", help="why, or where it says so")] = None,
    json_out: JsonOption = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Correct one extracted value of a contract; deadlines and alerts use it at once."""
    settings = _settings(home, store)
    with open_portfolio(settings.store_url) as portfolio:
        record = _one(portfolio, id_or_filename)
        try:
            corrected = portfolio.correct(record.id, field, value, by=by or settings.user_name,
                                          note=note)
        except InvalidCorrection as exc:
            raise _fail(str(exc), code=2) from exc
        status = _status_line(portfolio, corrected)
    correction = next(c for c in corrected.corrections if c.field == field.strip())
    if json_out:
        sys.stdout.write(correction.model_dump_json() + "\n")
        return
    out.print(f"corrected [bold]{escape(correction.field)}[/] of {escape(_who(corrected))}: "
              f"{escape(describe(correction.extracted))} → "
              f"[bold]{escape(describe(correction.value))}[/] (by {escape(correction.by)})")
    out.print(f"  {escape(status)}")


def corrections(
    id_or_filename: Annotated[str | None, typer.Argument(
        help="record id (or prefix) or file name; every corrected contract if left out")] = None,
    json_out: JsonOption = False,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """List corrections: field, corrected and extracted value, who, when, note."""
    settings = _settings(home, store)
    with open_portfolio(settings.store_url) as portfolio:
        if id_or_filename is not None:
            record = _one(portfolio, id_or_filename)
            listed = [(record, portfolio.corrections(record.id))]
        else:
            listed = [(r, list(r.corrections)) for r in portfolio.records() if r.corrections]
    if json_out:
        rows = [{"record_id": r.id, "filename": r.filename,
                 **json.loads(c.model_dump_json())} for r, found in listed for c in found]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if not any(found for _, found in listed):
        out.print("no corrections" + (f" of {escape(_who(listed[0][0]))}" if listed else ""))
        return
    table = Table(title="Corrections", expand=True)
    for column in ("contract", "field", "value", "extracted", "by", "when (UTC)", "note"):
        table.add_column(column)
    for record, found in listed:
        for c in found:
            table.add_row(escape(record.filename), escape(c.field), escape(describe(c.value)),
                          escape(describe(c.extracted)), escape(c.by),
                          c.at.strftime("%Y-%m-%d %H:%M"), escape(c.note or ""))
    out.print(table)


def undo_correction(
    id_or_filename: Annotated[str, typer.Argument(help="record id (or prefix) or file name")],
    field: Annotated[str, typer.Argument(help="the corrected field")],
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Undo the correction of one field: the extracted value is used again."""
    settings = _settings(home, store)
    with open_portfolio(settings.store_url) as portfolio:
        record = _one(portfolio, id_or_filename)
        try:
            restored = portfolio.undo_correction(record.id, field.strip())
        except (UnknownCorrection, UnknownRecord) as exc:
            raise _fail(str(exc)) from exc
        status = _status_line(portfolio, restored)
    out.print(f"undid the correction of [bold]{escape(field.strip())}[/] of "
              f"{escape(_who(restored))}: the extracted value is used again")
    out.print(f"  {escape(status)}")


def _settings(home: Path | None, store: str | None) -> Settings:
    return load_settings(home=home, store=store)
