"""Correcting a contract's values: the contract page's forms and the JSON API.

Only POST changes anything, and only with this app's CSRF token (`web.csrf`); a GET of
any of these URLs corrects nothing. Values are checked by `schemas.corrections` with the
record's own pydantic types: a bad one comes back as the contract page with the form
error next to the field (422), or as a 422 naming the field, and nothing is stored.
Whoever corrects is the form's or the request's `by`, else the configured user
(`CONTRACTS_USER`, else the OS login name of the server).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, JsonValue
from starlette.concurrency import run_in_threadpool

from portfolio import TermStatus, UnknownRecord
from portfolio.errors import UnknownCorrection
from schemas.corrections import InvalidCorrection, field_kind
from schemas.record import ContractRecord, Correction
from web.context import WebContext, web_context
from web.csrf import FORM_FIELD, HEADER, set_cookie
from web.fields import slug
from web.originals import RECORD_ID
from web.pages import contract_response

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["corrections"])
Context = Annotated[WebContext, Depends(web_context)]
CsrfHeader = Annotated[
    str | None,
    Header(alias=HEADER, description="the token of GET /api/csrf (with the cookie it sets)"),
]

MAX_FORM_BYTES = 16_384
"""A correction form is a few short fields; anything larger is not one."""


async def read_form(request: Request) -> dict[str, str]:
    """The fields of an url-encoded form (first value of each), size-limited."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(status_code=415, detail="send the form url-encoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(status_code=413, detail="the form is too large")
    form: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        form.setdefault(key, value)
    return form


def _record_id(record_id: str) -> str:
    if not RECORD_ID.match(record_id):
        raise HTTPException(status_code=404, detail="no contract with this id")
    return record_id


def _save(web: WebContext, action: str, record_id: str, field: str, value: JsonValue = None,
           by: str | None = None, note: str | None = None) -> ContractRecord:
    """Correct (`action` "correct") or undo, in the portfolio; 404 for what is not there."""
    try:
        with web.portfolio() as portfolio:
            if action == "correct":
                return portfolio.correct(record_id, field, value,
                                         by=(by or "").strip() or web.settings.user_name,
                                         note=note)
            return portfolio.undo_correction(record_id, field)
    except UnknownRecord as exc:
        raise HTTPException(status_code=404, detail="no contract with this id") from exc
    except UnknownCorrection as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


# --- the contract page's forms -------------------------------------------------------------


@pages.post("/contracts/{record_id}/corrections")
async def correct_from_form(request: Request, web: Context, record_id: str) -> Response:
    form = await read_form(request)
    web.csrf.check(request, form.get(FORM_FIELD))
    record_id, field = _record_id(record_id), form.get("field", "").strip()
    try:
        await run_in_threadpool(_save, web, "correct", record_id, field, form.get("value", ""),
                                form.get("by"), form.get("note"))
    except InvalidCorrection as exc:
        submitted = {key: form.get(key, "") for key in ("value", "by", "note")}
        return await run_in_threadpool(
            contract_response, request, web, record_id,
            form_error=(exc.field, str(exc), submitted), status_code=422)
    return RedirectResponse(
        f"/contracts/{record_id}?corrected={quote(field)}#field-{slug(field)}", status_code=303)


@pages.post("/contracts/{record_id}/corrections/undo")
async def undo_from_form(request: Request, web: Context, record_id: str) -> Response:
    form = await read_form(request)
    web.csrf.check(request, form.get(FORM_FIELD))
    record_id, field = _record_id(record_id), form.get("field", "").strip()
    await run_in_threadpool(_save, web, "undo", record_id, field)
    return RedirectResponse(
        f"/contracts/{record_id}?undone={quote(field)}#field-{slug(field)}", status_code=303)


# --- the JSON API ------------------------------------------------------------------------


class CsrfToken(BaseModel):
    token: str = Field(description=f"send it in the {HEADER} header, with the cookie")
    header: str = HEADER


class CorrectionRequest(BaseModel):
    """A correction as an API client sends it."""

    field: str = Field(examples=["renewal.notice_period"], description=(
        "title, agreement_date, effective_date, expiration_date, perpetual, initial_term, "
        "renewal.auto_renews, renewal.renewal_term, renewal.notice_period, "
        "renewal.evergreen, governing_law, parties.N.name, parties.N.role (N from 1)"))
    value: JsonValue = Field(examples=["90 days"], description=(
        'text as typed ("90 days", "2027-02-28", "true", "" to clear) or the JSON value '
        '({"count": 90, "unit": "days"})'))
    by: str | None = Field(default=None, description="who corrects; default the app's user")
    note: str | None = None


class UndoRequest(BaseModel):
    field: str = Field(examples=["renewal.notice_period"])


class CorrectionResult(BaseModel):
    """The record as it now reads, and where its term stands today."""

    correction: Correction | None = Field(description="the correction stored (None on undo)")
    record: ContractRecord
    status: TermStatus


def _invalid(exc: InvalidCorrection) -> JSONResponse:
    """422 in FastAPI's own shape, naming the field (`loc` says which input was bad)."""
    try:
        field_kind(exc.field)
        where = "value"
    except InvalidCorrection:
        where = "field"
    return JSONResponse(status_code=422, content={"detail": [
        {"loc": ["body", where], "msg": str(exc), "type": "value_error", "field": exc.field}]})


def _result(web: WebContext, record: ContractRecord, field: str | None) -> CorrectionResult:
    with web.portfolio() as portfolio:
        status = portfolio.term_status(record, web.today())
    correction = next((c for c in record.corrections if c.field == field), None)
    return CorrectionResult(correction=correction, record=record, status=status)


@api.get("/csrf", response_model=CsrfToken)
def api_csrf(request: Request, web: Context) -> Response:
    """A CSRF token for the POST requests below (also set as the `contracts_csrf` cookie)."""
    token, fresh = web.csrf.for_page(request)
    response = JSONResponse(CsrfToken(token=token).model_dump())
    if fresh:
        set_cookie(response, token)
    return response


@api.get("/contracts/{record_id}/corrections", response_model=list[Correction])
def api_corrections(web: Context, record_id: str) -> list[Correction]:
    """The corrections of one contract, each with the extracted value it replaced."""
    try:
        with web.portfolio() as portfolio:
            return portfolio.corrections(_record_id(record_id))
    except UnknownRecord as exc:
        raise HTTPException(status_code=404, detail="no contract with this id") from exc


@api.post("/contracts/{record_id}/corrections", response_model=CorrectionResult,
          responses={403: {"description": "missing or wrong CSRF token"},
                     422: {"description": "unknown field or bad value (named in `msg`)"}})
def api_correct(
    request: Request, web: Context, record_id: str, body: CorrectionRequest,
    csrf: CsrfHeader = None,
) -> Response | CorrectionResult:
    """Correct one field; deadlines, exports and alerts use the new value at once.

    Needs the `X-CSRF-Token` header with the token of `GET /api/csrf` and its cookie.
    """
    web.csrf.check(request, csrf)
    try:
        record = _save(web, "correct", _record_id(record_id), body.field.strip(), body.value,
                        body.by, body.note)
    except InvalidCorrection as exc:
        return _invalid(exc)
    return _result(web, record, body.field.strip())


@api.post("/contracts/{record_id}/corrections/undo", response_model=CorrectionResult,
          responses={403: {"description": "missing or wrong CSRF token"},
                     404: {"description": "no such contract, or the field is not corrected"}})
def api_undo(
    request: Request, web: Context, record_id: str, body: UndoRequest, csrf: CsrfHeader = None,
) -> CorrectionResult:
    """Undo the correction of one field: the extracted value is back."""
    web.csrf.check(request, csrf)
    record = _save(web, "undo", _record_id(record_id), body.field.strip())
    return _result(web, record, None)
