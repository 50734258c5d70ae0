"""The inbox status page (`/inbox`) and its JSON twin (`/api/inbox`).

What a contract admin asks after dropping files: did they go in, which failed and why
(with the hint the reason file gives), which were duplicates or new versions of a
contract already held. Read-only: the feed comes from `inbox.status` (journal, `failed/`
reason files, the watched folder); the portfolio only adds each contract's title and, for
a new version, the version it replaced. Nothing here moves a file or takes the inbox lock.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from inbox.history import DropStatus
from inbox.paths import InboxPaths
from inbox.status import InboxEntry, read_feed
from portfolio import Portfolio
from schemas.record import ContractRecord
from web.context import WebContext, web_context

PAGE_SIZE = 50

Context = Annotated[WebContext, Depends(web_context)]
StatusFilter = Annotated[DropStatus | None, Query(description="only drops with this status")]

STATUS_LABELS = {
    DropStatus.ingested: "ingested",
    DropStatus.new_version: "new version",
    DropStatus.duplicate: "duplicate",
    DropStatus.failed: "failed",
    DropStatus.waiting: "waiting",
}

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])


class ContractLink(BaseModel):
    """Enough of a contract to name it and link to its page."""

    record_id: str
    title: str
    filename: str
    version: int
    current: bool = Field(description="no newer version of the file supersedes it")


class InboxItem(BaseModel):
    entry: InboxEntry
    contract: ContractLink | None = Field(
        default=None, description="the contract it became (or, for a duplicate, repeats)")
    previous: ContractLink | None = Field(
        default=None, description="for a new version: the version it superseded")


class InboxReport(BaseModel):
    """One page of the inbox feed, newest first, with the count of every status."""

    total: int
    offset: int
    limit: int
    counts: dict[DropStatus, int]
    items: list[InboxItem]
    journal_found: bool
    inbox: str


def _link(record: ContractRecord) -> ContractLink:
    return ContractLink(record_id=record.id, title=record.title or record.filename,
                        filename=record.filename, version=record.version,
                        current=record.superseded_by is None)


def _item(portfolio: Portfolio, entry: InboxEntry) -> InboxItem:
    """The entry with its contract (if the portfolio still holds it) and, for a new version,
    the version before it."""
    record = portfolio.get(entry.record_id) if entry.record_id else None
    if record is None:
        return InboxItem(entry=entry)
    previous = None
    if entry.status is DropStatus.new_version:
        earlier = [r for r in portfolio.versions(record.filename) if r.version < record.version]
        previous = _link(earlier[-1]) if earlier else None
    return InboxItem(entry=entry, contract=_link(record), previous=previous)


def inbox_report(web: WebContext, status: DropStatus | None, limit: int, offset: int
                 ) -> InboxReport:
    """The feed for the web app's data directory, each entry joined to its contract."""
    paths = InboxPaths.under(web.settings.home)
    feed = read_feed(paths, status, limit=limit, offset=offset)
    items = [InboxItem(entry=entry) for entry in feed.entries]
    if any(entry.record_id for entry in feed.entries):
        with web.portfolio() as portfolio:
            items = [_item(portfolio, entry) for entry in feed.entries]
    return InboxReport(total=feed.total, offset=offset, limit=limit, counts=feed.counts,
                       items=items, journal_found=feed.journal_found, inbox=feed.inbox)


@api.get("/inbox", response_model=InboxReport)
def api_inbox(
    web: Context,
    status: StatusFilter = None,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> InboxReport:
    """Recent drops in the watched inbox: ingested, new versions, duplicates, failures
    (reason and hint), and files still waiting; newest first."""
    return inbox_report(web, status, limit, offset)


@pages.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    web: Context,
    status: StatusFilter = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    report = inbox_report(web, status, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    params = {"status": status.value} if status else {}
    return web.pages.TemplateResponse(
        request,
        "inbox.html",
        {
            "report": report,
            "status": status,
            "labels": STATUS_LABELS,
            "params": params,
            "page": page,
            "pages": max(1, (report.total + PAGE_SIZE - 1) // PAGE_SIZE),
        },
    )
