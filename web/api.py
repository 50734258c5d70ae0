"""The JSON API (documented at /docs): the same data as the pages, as portfolio models."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from portfolio import ClauseHit, DeadlineRow, Facets
from schemas.record import ContractRecord
from web.context import WebContext, web_context
from web.pages import Within, load_record
from web.renewals import StatusLine, status_lines
from web.search import SearchForm, run_search
from web.snippets import plain_snippet

router = APIRouter(prefix="/api", tags=["api"])
Context = Annotated[WebContext, Depends(web_context)]


class ApiHit(BaseModel):
    hit: ClauseHit
    counterparty: str | None


class ApiSearch(BaseModel):
    """One page of clause hits (snippets as plain text) with facet counts."""

    total: int
    page: int
    pages: int
    hits: list[ApiHit]
    facets: Facets


class ApiRenewals(BaseModel):
    deadlines: list[DeadlineRow]
    contracts: list[StatusLine]


@router.get("/search", response_model=ApiSearch)
def api_search(web: Context, form: Annotated[SearchForm, Query()]) -> ApiSearch:
    with web.portfolio() as portfolio:
        view = run_search(portfolio, form, web.today(), web.settings.own_role_set)
    if view.error:
        raise HTTPException(status_code=400, detail=view.error)
    hits = [
        ApiHit(
            hit=item.hit.model_copy(update={"snippet": plain_snippet(item.hit.snippet)}),
            counterparty=item.counterparty,
        )
        for item in view.hits
    ]
    return ApiSearch(
        total=view.total, page=form.page, pages=view.pages, hits=hits, facets=view.facets
    )


@router.get("/contracts/{record_id}", response_model=ContractRecord)
def api_contract(web: Context, record_id: str) -> ContractRecord:
    with web.portfolio() as portfolio:
        return load_record(portfolio, record_id)


@router.get("/renewals", response_model=ApiRenewals)
def api_renewals(web: Context, within: Within = 365) -> ApiRenewals:
    today = web.today()
    with web.portfolio() as portfolio:
        rows = portfolio.upcoming_deadlines(today, within, own_roles=web.settings.own_role_set)
        return ApiRenewals(deadlines=rows, contracts=status_lines(portfolio, today))
