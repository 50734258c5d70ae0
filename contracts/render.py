"""Terminal rendering of records, search hits, deadlines and ingest reports (rich)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from schemas import ContractRecord, Evidence

if TYPE_CHECKING:
    from alerts.models import Untracked
    from flows.ingest import IngestReport
    from portfolio import DeadlineRow, SearchResult

_STATUS_STYLE = {"added": "green", "new_version": "green", "replaced": "cyan",
                 "unchanged": "dim", "duplicate": "dim", "failed": "red"}



def counted(count: int, noun: str) -> str:
    """'1 clause', '3 clauses'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"

def _evidence(evidence: Evidence | None, width: int = 110) -> str:
    if evidence is None:
        return ""
    quote = evidence.text if len(evidence.text) <= width else evidence.text[: width - 1] + "…"
    confidence = evidence.ocr_confidence
    ocr = f" [dim](OCR {confidence:.0f}%)[/]" if confidence is not None else ""
    return f"[dim]p.{evidence.page}[/] [italic]“{escape(quote)}”[/]{ocr}"


def _date(value: date | None) -> str:
    return value.isoformat() if value else "—"


def renewal_line(record: ContractRecord) -> str:
    renewal = record.renewal
    if renewal.evergreen:
        notice = f" on {renewal.notice_period}' notice" if renewal.notice_period else " on notice"
        return f"evergreen (runs until terminated{notice})"
    if record.perpetual:
        return "perpetual"
    if renewal.auto_renews:
        parts = ["auto-renews"]
        if renewal.renewal_term:
            parts.append(f"for {renewal.renewal_term}")
        if renewal.notice_period:
            parts.append(f"unless {renewal.notice_period}' notice")
        if renewal.notice_deadline:
            parts.append(f"→ notice deadline {renewal.notice_deadline.isoformat()}")
        return " ".join(parts)
    if record.expiration_date:
        return f"expires {record.expiration_date.isoformat()} (no auto-renewal)"
    return "term not found"


def record_summary(console: Console, record: ContractRecord) -> None:
    parties = "; ".join(
        f"{p.name}" + (f" ({p.role})" if p.role else "") for p in record.parties
    ) or "—"
    console.print(
        f"[bold]{escape(record.title or record.filename)}[/]  [dim]{escape(record.filename)}"
        f" · {record.pages} pages · {record.id[:12]}[/]\n"
        f"  parties   {escape(parties)}\n"
        f"  dates     agreement {_date(record.agreement_date)} · effective "
        f"{_date(record.effective_date)} · expires {_date(record.expiration_date)}"
        f"{' · term ' + str(record.initial_term) if record.initial_term else ''}\n"
        f"  renewal   {escape(renewal_line(record))}\n"
        f"  law       {escape(record.governing_law or '—')} · "
        f"{counted(len(record.sla), 'SLA commitment')} · "
        f"{counted(len(record.penalties), 'penalty term')} · "
        f"{counted(len(record.clauses), 'clause')}"
        + version_line(record)
    )


def version_line(record: ContractRecord) -> str:
    """Where the record stands among the versions of its file name ('' for a lone v1)."""
    parts = []
    if record.supersedes:
        parts.append(f"supersedes {record.supersedes[:12]}")
    if record.superseded_by:
        parts.append(f"[yellow]superseded by {record.superseded_by[:12]}[/]")
    if not parts and record.version == 1:
        return ""
    return f"\n  version   {record.version}" + "".join(f" · {p}" for p in parts)


def _mark(record: ContractRecord, *fields: str) -> str:
    """' (corrected)' after a value a person corrected (the table below says by whom)."""
    corrected = {c.field for c in record.corrections}
    return " [cyan](corrected)[/]" if corrected.intersection(fields) else ""


def corrections_table(console: Console, record: ContractRecord) -> None:
    """Each correction: the value in use, the extracted one it replaced, who, when, why."""
    if not record.corrections:
        return
    from schemas.corrections import describe

    table = Table(title="Corrections (these values replace the extracted ones)", expand=True)
    for column in ("field", "value", "extracted", "by", "when (UTC)", "note"):
        table.add_column(column)
    for c in record.corrections:
        table.add_row(escape(c.field), escape(describe(c.value)), escape(describe(c.extracted)),
                      escape(c.by), c.at.strftime("%Y-%m-%d %H:%M"), escape(c.note or ""))
    console.print(table)


def record_detail(console: Console, record: ContractRecord) -> None:
    record_summary(console, record)
    fields = Table(title="Values and evidence", show_lines=False, expand=True)
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value")
    fields.add_column("evidence (page, quote)")
    ev = record.evidence
    mark = partial(_mark, record)
    fields.add_row("title", escape(record.title or "—") + mark("title"), _evidence(ev.title))
    for number, party in enumerate(record.parties, start=1):
        label = f"party ({party.role})" if party.role else "party"
        aliases = f" aka {', '.join(party.aliases)}" if party.aliases else ""
        fields.add_row(label, escape(party.name + aliases)
                       + mark(f"parties.{number}.name", f"parties.{number}.role"),
                       _evidence(party.evidence))
    fields.add_row("agreement date", _date(record.agreement_date) + mark("agreement_date"),
                   _evidence(ev.agreement_date))
    fields.add_row("effective date", _date(record.effective_date) + mark("effective_date"),
                   _evidence(ev.effective_date))
    fields.add_row("initial term", str(record.initial_term or "—") + mark("initial_term"),
                   _evidence(ev.initial_term))
    expiry = _date(record.expiration_date)
    if record.perpetual:
        expiry = "none (evergreen)" if record.renewal.evergreen else "perpetual"
    fields.add_row("expiration", expiry + mark("expiration_date", "perpetual"),
                   _evidence(ev.expiration_date))
    fields.add_row("renewal", escape(renewal_line(record)) + mark(
        "renewal.auto_renews", "renewal.renewal_term", "renewal.evergreen"),
        _evidence(record.renewal.evidence))
    fields.add_row("notice period", str(record.renewal.notice_period or "—")
                   + mark("renewal.notice_period"), _evidence(record.renewal.notice_evidence))
    fields.add_row("current term end", _date(record.renewal.current_term_end), "")
    fields.add_row("governing law", escape(record.governing_law or "—") + mark("governing_law"),
                   _evidence(ev.governing_law))
    for sla in record.sla:
        what = f"{sla.metric.value} {sla.target:g} {sla.unit}"
        window = f"per {sla.window}" if sla.window else None
        extra = ", ".join(x for x in (sla.severity, window) if x)
        what += f" ({extra})" if extra else ""
        fields.add_row("SLA", escape(what), _evidence(sla.evidence))
    for penalty in record.penalties:
        what = penalty.kind.value
        if penalty.amount is not None:
            what += f" {penalty.amount:g} {penalty.unit or ''}"
        if penalty.trigger:
            what += f" when {penalty.trigger}"
        if penalty.cap:
            what += f" (cap {penalty.cap.amount:g} {penalty.cap.unit})"
        fields.add_row("penalty", escape(what), _evidence(penalty.evidence))
    console.print(fields)
    corrections_table(console, record)
    clauses = Table(title=f"{len(record.clauses)} clauses", expand=True)
    for column in ("page", "type", "heading"):
        clauses.add_column(column)
    for clause in record.clauses:
        clauses.add_row(str(clause.page), clause.type.value, escape(clause.heading or "(preamble)"))
    console.print(clauses)
    if record.warnings:
        console.print(Panel("\n".join(escape(w) for w in record.warnings), title="warnings",
                            border_style="yellow"))


def _highlighted(snippet: str) -> str:
    """Snippet with \\x01…\\x02 match markers turned into rich styling, text escaped."""
    return escape(snippet).replace("\x01", "[bold black on yellow]").replace("\x02", "[/]")


def search_result(console: Console, result: SearchResult) -> None:
    if not result.hits:
        console.print(f"no clause matches {escape(result.query.text)!r}")
        return
    first = result.query.offset + 1
    console.print(f"[bold]{result.total}[/] clauses match; showing {first}–"
                  f"{result.query.offset + len(result.hits)}\n")
    for rank, hit in enumerate(result.hits, start=first):
        console.print(
            f"[bold]{rank}. {escape(hit.title or hit.filename)}[/] [dim]— "
            f"{escape('; '.join(hit.parties))} · {escape(hit.filename)} · page {hit.page} · "
            f"{hit.clause_type.value}{' · ' + escape(hit.heading) if hit.heading else ''}"
            f"{f' · v{hit.version}' if hit.version > 1 or hit.superseded else ''}"
            f"{' (superseded)' if hit.superseded else ''}[/]"
        )
        console.print("   " + _highlighted(" ".join(hit.snippet.split())) + "\n")


def deadlines(console: Console, rows: list[DeadlineRow], today: date, within: int) -> None:
    if not rows:
        console.print(f"no notice deadlines or expirations in the {within} days from "
                      f"{today.isoformat()}")
        return
    table = Table(title=f"Deadlines within {within} days of {today.isoformat()}", expand=True)
    table.add_column("act by", no_wrap=True)
    table.add_column("days", justify="right", no_wrap=True)
    table.add_column("what", no_wrap=True)
    table.add_column("contract", ratio=3)
    table.add_column("counterparty", ratio=2)
    table.add_column("renews for / notice", ratio=2)
    for row in rows:
        style = "bold red" if row.days_left <= 14 else "yellow" if row.days_left <= 30 else ""
        what = {"notice_deadline": "notice", "expiration": "expires"}.get(row.kind.value,
                                                                            row.kind.value)
        terms = " / ".join(str(x) for x in (row.renewal_term, row.notice_period) if x) or "—"
        table.add_row(
            row.due_date.isoformat(), str(row.days_left), what,
            escape(row.title or row.filename), escape(row.counterparty or "—"), terms,
            style=style,
        )
    console.print(table)


NO_DATE_SHOWN = 20
"""Contracts with no date to act on listed by name under the deadlines; more are counted."""


def no_date_contracts(console: Console, contracts: list[Untracked]) -> None:
    """The contracts `deadlines` cannot list: nothing to act by, and why (evergreen,
    perpetual, undated; the reasons the alerts and the CSV give), so an admin sees every
    contract is accounted for."""
    if not contracts:
        return
    table = Table(title=f"No date to act on ({len(contracts)})", expand=True)
    table.add_column("term", no_wrap=True)
    table.add_column("contract", ratio=3)
    table.add_column("why", ratio=3)
    ordered = sorted(contracts, key=lambda c: (c.state.value, (c.title or c.filename).lower()))
    for contract in ordered[:NO_DATE_SHOWN]:
        table.add_row(contract.state.value, escape(contract.title or contract.filename),
                      escape(contract.note or ""))
    console.print(table)
    if len(ordered) > NO_DATE_SHOWN:
        counts = Counter(c.state.value for c in ordered)
        console.print(f"… and {len(ordered) - NO_DATE_SHOWN} more ("
                      + ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
                      + " in all): `contracts renewals --csv FILE` lists every one")


def ingest_report(console: Console, report: IngestReport) -> None:
    table = Table(title="Ingest summary", expand=True)
    table.add_column("file", overflow="fold", ratio=3)
    table.add_column("status", no_wrap=True)
    table.add_column("title", ratio=3)
    table.add_column("notice deadline", no_wrap=True)
    table.add_column("warnings", justify="right", no_wrap=True)
    for o in report.outcomes:
        style = _STATUS_STYLE.get(o.status.value, "")
        status = f"[{style}]{o.status.value}[/]" if style else o.status.value
        table.add_row(
            escape(o.path.rsplit("/", 1)[-1]), status,
            escape(o.title or (o.reason or "")), _date(o.notice_deadline) if o.notice_deadline
            else "", str(len(o.warnings)) if o.warnings else "",
        )
    console.print(table)
    counts = ", ".join(
        f"{n} {status}" for status in ("added", "new_version", "replaced", "unchanged",
                                        "duplicate", "failed")
        if (n := sum(1 for o in report.outcomes if o.status.value == status))
    )
    rate = report.pages / report.seconds if report.seconds else 0.0
    console.print(f"{len(report.outcomes)} files: {counts} · {report.pages} pages in "
                  f"{report.seconds:.1f} s ({rate:.0f} pages/s)")
    for o in report.outcomes:
        if o.status.value == "failed":
            console.print(f"[red]✗ {escape(o.path)}[/]: {escape(o.reason or '')} — "
                          f"{escape(o.message or '')}\n  hint: {escape(o.hint or '')}")
