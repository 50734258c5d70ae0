"""`contracts doctor` names what scanned contracts need and how to install it."""

import json

import pytest
from typer.testing import CliRunner

from contracts.cli import app
from extractors import ocr_engine
from tests.ocr_fixtures import needs_tesseract

runner = CliRunner()


@needs_tesseract
def test_ready_machine(tmp_path) -> None:
    result = runner.invoke(app, ["doctor", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Ready" in result.output


def test_missing_tesseract_says_what_to_install(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_engine.shutil, "which", lambda name: None)
    result = runner.invoke(app, ["doctor", "--json", "--home", str(tmp_path)])
    assert result.exit_code == 1
    checks = {check["name"]: check for check in json.loads(result.output)}
    program = checks["tesseract (OCR program)"]
    assert not program["ok"] and "tesseract-ocr" in program["fix"]
    assert "tesseract-ocr-eng" in program["fix"]


def test_reports_the_sqlite_the_portfolio_runs_on(tmp_path) -> None:
    from portfolio.sqlite_driver import sqlite3

    result = runner.invoke(app, ["doctor", "--json", "--home", str(tmp_path)])
    checks = {check["name"]: check for check in json.loads(result.output)}
    store = checks["sqlite (portfolio store)"]
    assert store["ok"], store
    assert store["detail"].startswith(f"SQLite {sqlite3.sqlite_version}, ")
