"""`contracts journal`, `versions`, `recover`, `watch --once` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.cli import app
from extractors.pipeline import file_sha256
from tests.inbox.conftest import contract_pdf

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture()
def home(tmp_path: Path, prefect_server: None) -> Path:
    """Two versions of msa.pdf and an unreadable file, taken in by `watch --once`."""
    home = tmp_path / "home"
    contract_pdf(home / "inbox" / "msa.pdf", 1)
    (home / "inbox" / "notes.pdf").write_text("not a contract")
    code, output = run("watch", "--once", "--stable", "0.2", "--workers", "1", "--home", str(home))
    assert code == 0, output
    assert "✓ msa.pdf  added" in output and "✗ notes.pdf  not a PDF" in output
    contract_pdf(home / "inbox" / "msa.pdf", 1, notice_days=30)
    code, output = run("watch", "--once", "--stable", "0.2", "--workers", "1", "--home", str(home))
    assert code == 0 and "msa.pdf  new version" in output, output
    return home


def test_versions_and_recover_the_original_by_name(home: Path, tmp_path: Path) -> None:
    code, output = run("versions", "msa.pdf", "--json", "--home", str(home))
    assert code == 0
    chain = json.loads(output)
    assert [v["version"] for v in chain] == [1, 2]
    assert chain[0]["superseded_by"] == chain[1]["id"]

    code, output = run("recover", "msa.pdf", "--to", str(tmp_path / "out"), "--home", str(home))
    assert code == 0, output
    recovered = tmp_path / "out" / "msa.pdf"
    assert file_sha256(recovered) == chain[1]["id"], "a name recovers its current version"
    code, output = run("recover", chain[0]["id"][:12], "--to", str(tmp_path / "out"),
                       "--home", str(home))
    assert code == 0 and "version 1" in output
    assert file_sha256(tmp_path / "out" / "msa (2).pdf") == chain[0]["id"]


def test_journal_lists_every_drop(home: Path) -> None:
    code, output = run("journal", "--json", "--home", str(home))
    assert code == 0
    entries = [json.loads(line) for line in output.strip().splitlines()]
    assert [(e["name"], e["outcome"]) for e in entries] == [
        ("msa.pdf", "new_version"), ("notes.pdf", "failed"), ("msa.pdf", "added")]
    assert entries[1]["dest"] == "failed/notes.pdf"
    assert "record_json" not in entries[0]


def test_watch_refuses_a_folder_holding_the_archive(tmp_path: Path) -> None:
    code, output = run("watch", str(tmp_path), "--home", str(tmp_path))
    assert code == 2 and "contains" in output
