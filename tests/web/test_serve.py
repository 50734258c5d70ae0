"""`contracts serve` options, the bind warning, the token, and the API docs."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from contracts.cli import app as cli
from contracts.settings import Settings
from contracts.web_commands import bind_warning
from web import create_app


def test_serve_is_a_command_with_loopback_default() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--port" in result.output


def test_warns_only_when_bound_beyond_loopback_without_token() -> None:
    assert bind_warning("127.0.0.1", None) is None
    assert bind_warning("localhost", None) is None
    assert bind_warning("0.0.0.0", "s3cret") is None
    warning = bind_warning("0.0.0.0", None)
    assert warning is not None and "token" in warning


def test_token_is_required_when_configured(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings, token="s3cret")) as client:
        assert client.get("/api/renewals").status_code == 401
        assert client.get("/api/renewals", headers={"Authorization": "Bearer nope"}).status_code \
            == 401
        assert client.get(
            "/api/renewals", headers={"Authorization": "Bearer s3cret"}
        ).status_code == 200
        assert client.get("/renewals", params={"token": "s3cret"}).status_code == 200
        assert client.get("/renewals").status_code == 200  # the cookie set above


def test_openapi_docs_list_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/search", "/api/contracts/{record_id}", "/api/renewals"} <= set(schema["paths"])
    assert "/search" not in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_home_redirects_to_search_and_static_assets_are_served(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/search"
    assert "mark" in client.get("/static/style.css").text
