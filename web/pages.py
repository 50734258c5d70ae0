"""Server-rendered pages: search, contract, renewals, and the original PDF behind them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from alerts import AlertError
from alerts.policy import parse_lead_days
from portfolio import Portfolio
from schemas.record import ClauseType, ContractRecord
from web.context import WebContext, web_context
from web.csrf import set_cookie
from web.fields import field_label, field_rows
from web.highlight import marked_clauses
from web.originals import RECORD_ID
from web.renewals import csv_bytes, ics_bytes, status_lines, urgency
from web.search import SearchForm, run_search
from web.snippets import snippet_html

router = APIRouter(include_in_schema=False)
Context = Annotated[WebContext, Depends(web_context)]
Within = Annotated[int, Query(ge=0, le=3660, description="days ahead to list")]


def load_record(portfolio: Portfolio, record_id: str) -> ContractRecord:
    """The record with exactly this id, or 404 (ids are never paths or name patterns)."""
    record = portfolio.get(record_id) if RECORD_ID.match(record_id) else None
    if record is None:
        raise HTTPException(status_code=404, detail="no contract with this id")
    return record


@router.get("/")
def home(request: Request) -> RedirectResponse:
    """The search page; a shared link such as `/?q=...` keeps its query."""
    query = request.url.query
    return RedirectResponse("/search" + (f"?{query}" if query else ""), status_code=302)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request, web: Context, form: Annotated[SearchForm, Query()]
) -> Response:
    with web.portfolio() as portfolio:
        view = run_search(portfolio, form, web.today(), web.settings.own_role_set)
    return web.pages.TemplateResponse(
        request,
        "search.html",
        {
            "view": view,
            "params": form.params(),
            "clause_types": [t.value for t in ClauseType],
            "snippet_html": snippet_html,
        },
        status_code=400 if view.error else 200,
    )


@router.get("/contracts/{record_id}", response_class=HTMLResponse)
def contract_page(
    request: Request,
    web: Context,
    record_id: str,
    q: Annotated[str, Query(max_length=2000, description="search words to mark")] = "",
    hit: Annotated[int | None, Query(ge=0, description="the clause a search hit opened")] = None,
    corrected: Annotated[str, Query(max_length=100)] = "",
    undone: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The record; opened from a search hit (`q`, `hit`), that clause first, words marked."""
    flash = None
    if label := field_label(corrected):
        flash = f"Saved: the {label} is corrected."
    elif label := field_label(undone):
        flash = f"Correction undone: the {label} is the extracted value again."
    return contract_response(request, web, record_id, q=q, hit=hit, flash=flash)


def contract_response(
    request: Request,
    web: WebContext,
    record_id: str,
    *,
    q: str = "",
    hit: int | None = None,
    flash: str | None = None,
    form_error: tuple[str, str, dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    """The contract page; `form_error` is (field, message, the values submitted)."""
    today = web.today()
    with web.portfolio() as portfolio:
        record = load_record(portfolio, record_id)
        status = portfolio.term_status(record, today)
    counterparty = record.counterparty(web.settings.own_role_set)
    marked = marked_clauses(record.clauses, q)
    found = hit if hit is not None and hit < len(record.clauses) else None
    token, fresh = web.csrf.for_page(request)
    response = web.pages.TemplateResponse(
        request,
        "contract.html",
        {
            "record": record,
            "status": status,
            "counterparty": counterparty,
            "has_original": web.originals.locate(record) is not None,
            "q": q,
            "marked": marked,
            "found": found,
            "fields": field_rows(record, counterparty.name if counterparty else None),
            "csrf_token": token,
            "default_user": web.settings.user_name,
            "flash": flash,
            "form_error": form_error,
        },
        status_code=status_code,
    )
    if fresh:
        set_cookie(response, token)
    return response


@router.get("/contracts/{record_id}/original")
def original_pdf(web: Context, record_id: str) -> FileResponse:
    """The original PDF, inline (append `#page=N` to open it at a page)."""
    with web.portfolio() as portfolio:
        record = load_record(portfolio, record_id)
    path = web.originals.locate(record)
    if path is None:
        raise HTTPException(status_code=404, detail="the original file is not available")
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=record.filename,
        content_disposition_type="inline",
    )


def _lead_days(web: WebContext) -> list[int]:
    try:
        return parse_lead_days(web.settings.alert_lead_days)
    except AlertError as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc


@router.get("/renewals", response_class=HTMLResponse)
def renewals_page(request: Request, web: Context, within: Within = 365) -> Response:
    today = web.today()
    with web.portfolio() as portfolio:
        rows = portfolio.upcoming_deadlines(today, within, own_roles=web.settings.own_role_set)
        statuses = status_lines(portfolio, today)
    return web.pages.TemplateResponse(
        request,
        "renewals.html",
        {
            "today": today,
            "within": within,
            "rows": [(row, urgency(row.days_left).value) for row in rows],
            "statuses": statuses,
        },
    )


@router.get("/renewals.ics")
def renewals_ics(web: Context, within: Within = 365) -> Response:
    today = web.today()
    with web.portfolio() as portfolio:
        rows = portfolio.upcoming_deadlines(today, within, own_roles=web.settings.own_role_set)
        body = ics_bytes(portfolio, rows, _lead_days(web), datetime.now(UTC), web.settings.home)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="contract-deadlines.ics"'},
    )


@router.get("/renewals.csv")
def renewals_csv(web: Context, within: Within = 365) -> Response:
    today = web.today()
    with web.portfolio() as portfolio:
        rows = portfolio.upcoming_deadlines(today, within, own_roles=web.settings.own_role_set)
        body = csv_bytes(portfolio, rows, _lead_days(web), today, web.settings.home)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="contract-deadlines.csv"'},
    )
