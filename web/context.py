"""What every route needs: settings, the day it is, templates, and the portfolio to open."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from contracts.settings import Settings
from portfolio import Portfolio, open_portfolio
from web.csrf import CsrfTokens
from web.formatting import quantity
from web.originals import OriginalFiles

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"


def url_with(params: dict[str, str], **changes: str | int | None) -> str:
    """A query string: `params` with `changes` applied (None or "" drops a key)."""
    merged: dict[str, str] = dict(params)
    for key, value in changes.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = str(value)
    return "?" + urlencode(sorted(merged.items())) if merged else "?"


def templates() -> Jinja2Templates:
    """Jinja2 with autoescaping on for every template, whatever its file name."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.globals["url_with"] = url_with
    env.globals["quantity"] = quantity
    return Jinja2Templates(env=env)


@dataclass
class WebContext:
    """Shared by the routes of one app instance (kept in `app.state.web`)."""

    settings: Settings
    today: Callable[[], date]
    originals: OriginalFiles
    pages: Jinja2Templates
    csrf: CsrfTokens = field(init=False)

    def __post_init__(self) -> None:
        self.csrf = CsrfTokens(self.settings.web_secret)

    @contextmanager
    def portfolio(self) -> Iterator[Portfolio]:
        """The configured portfolio, opened for one request."""
        with open_portfolio(self.settings.store_url) as portfolio:
            yield portfolio


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context
