"""`contracts serve`: the web app (search, contract pages, renewals) on a local port."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from contracts.options import HomeOption, StoreOption
from contracts.settings import load_settings

err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add `contracts serve` to the CLI."""
    app.command("serve")(serve)


def bind_warning(host: str, token: str | None) -> str | None:
    """What to tell the user before serving the portfolio beyond this machine."""
    from web.auth import is_loopback

    if is_loopback(host) or token:
        return None
    return (
        f"serving on {host} without a token: anyone who can reach this address can read "
        "every contract. Set --token (or CONTRACTS_WEB_TOKEN), or bind to 127.0.0.1."
    )


def serve(
    host: Annotated[str, typer.Option(help="address to bind (loopback by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(envvar="CONTRACTS_WEB_TOKEN", help="require this token on every request"),
    ] = None,
    home: HomeOption = None,
    store: StoreOption = None,
) -> None:
    """Web app: clause search, contract pages with evidence, renewals dashboard (API at /docs)."""
    import uvicorn

    from web import create_app

    settings = load_settings(home=home, store=store)
    if warning := bind_warning(host, token):
        err.print(f"[yellow]warning[/]: {warning}")
    err.print(f"serving {settings.store_url} at http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(create_app(settings, token=token), host=host, port=port, log_level="warning")
