"""`create_app`: the FastAPI application, its pages, API, static files and headers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import RequestResponseEndpoint
from starlette.responses import Response

from contracts.settings import Settings
from web import api, corrections, inbox_status, pages
from web.auth import TokenMiddleware
from web.context import STATIC, WebContext, templates
from web.originals import OriginalFiles

CSP = "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-ancestors 'self'"
"""Pages load nothing from elsewhere and run no inline script (defence in depth)."""

_DOC_PATHS = ("/docs", "/redoc", "/openapi.json")


async def security_headers(request: Request, call_next: RequestResponseEndpoint) -> Response:
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.url.path.startswith(_DOC_PATHS):
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def create_app(
    settings: Settings,
    *,
    today: Callable[[], date] = date.today,
    token: str | None = None,
) -> FastAPI:
    """The web app over `settings.store_url`; `token`, if given, is required on every request."""
    app = FastAPI(
        title="contract-intel",
        summary="Clause search, contract evidence and renewal deadlines across a portfolio.",
        version="0.1.0",
    )
    app.state.web = WebContext(
        settings=settings,
        today=today,
        originals=OriginalFiles(archive=settings.archive),
        pages=templates(),
    )
    app.middleware("http")(security_headers)
    if token:
        app.add_middleware(TokenMiddleware, token=token)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(inbox_status.pages)
    app.include_router(api.router)
    app.include_router(inbox_status.api)
    app.include_router(corrections.pages)
    app.include_router(corrections.api)
    return app
