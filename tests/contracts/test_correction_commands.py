"""`contracts correct`, `corrections`, `undo-correction` on a real data directory.

The contract comes in through the watched inbox (so its original is archived), is
corrected, dropped and ingested again, and re-extracted by `contracts reindex`: the
correction must still be there each time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from contracts.cli import app
from portfolio.sqlite_driver import sqlite3
from tests.conftest import FIXTURES

runner = CliRunner()
SAAS = FIXTURES / "saas_subscription.pdf"  # 60 days' notice, 12-month terms ending Jan 31
NOTICE = "renewal.notice_period"


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def run_json(*args: str) -> Any:
    """What a command with --json printed on stdout (logs on stderr left out)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def shown(home: Path) -> dict[str, Any]:
    record: dict[str, Any] = run_json("show", "saas_subscription.pdf", "--json",
                                      "--home", str(home))
    return record


def watch_once(home: Path) -> str:
    code, output = run("watch", "--once", "--stable", "0.2", "--workers", "1",
                       "--home", str(home))
    assert code == 0, output
    return output


@pytest.fixture()
def home(tmp_path: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CONTRACTS_USER", "dana")
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    shutil.copyfile(SAAS, home / "inbox" / SAAS.name)
    assert "saas_subscription.pdf  added" in watch_once(home)
    return home


def test_a_correction_survives_re_ingest_and_reindex(home: Path) -> None:
    code, output = run("correct", "saas_subscription.pdf", NOTICE, "90 days",
                       "--note", "order form, section 4", "--home", str(home))
    assert code == 0, output
    assert "60 days → 90 days (by dana)" in " ".join(output.split())
    assert "notice deadline" in output

    def corrected() -> None:
        record = shown(home)
        assert record["renewal"]["notice_period"] == {"count": 90, "unit": "days"}
        [correction] = record["corrections"]
        assert (correction["by"], correction["extracted"], correction["note"]) == (
            "dana", {"count": 60, "unit": "days"}, "order form, section 4")

    corrected()
    shutil.copyfile(SAAS, home / "inbox" / "saas (copy).pdf")  # the same bytes again
    assert "duplicate" in watch_once(home)
    corrected()
    ingested = run_json("ingest", str(SAAS), "--home", str(home), "--json")
    assert ingested["outcomes"][0]["status"] == "unchanged"
    corrected()
    with sqlite3.connect(home / "portfolio.db") as db:  # as if an older extractor wrote it
        db.execute("UPDATE records SET record_json ="
                   " json_set(record_json, '$.extractor_version', 'older')")
    code, output = run("reindex", "--workers", "1", "--home", str(home))
    assert code == 0 and "replaced" in output, output
    corrected()

    listed = run_json("corrections", "--json", "--home", str(home))
    assert [(c["filename"], c["field"], c["value"]) for c in listed] == [
        ("saas_subscription.pdf", NOTICE, {"count": 90, "unit": "days"})]
    rows = run_json("renewals", "--within", "3650", "--json", "--home", str(home))
    assert [r["notice_period"] for r in rows] == [{"count": 90, "unit": "days"}]

    code, output = run("undo-correction", "saas_subscription.pdf", NOTICE, "--home", str(home))
    assert code == 0 and "the extracted value is used again" in output
    assert shown(home)["renewal"]["notice_period"] == {"count": 60, "unit": "days"}
    assert "corrections" not in shown(home)
    code, output = run("undo-correction", "saas_subscription.pdf", NOTICE, "--home", str(home))
    assert code == 1 and "no correction to undo" in " ".join(output.split())


def test_bad_input_is_named_and_nothing_is_stored(home: Path) -> None:
    code, output = run("correct", "saas_subscription.pdf", NOTICE, "ninety",
                       "--home", str(home))
    assert code == 2
    assert "renewal.notice_period: 'ninety' is not a duration" in " ".join(output.split())
    code, output = run("correct", "saas_subscription.pdf", "sla.1.target", "99.9",
                       "--home", str(home))
    assert code == 2 and "cannot be corrected" in output
    code, output = run("correct", "no-such.pdf", NOTICE, "90 days", "--home", str(home))
    assert code == 1 and "no contract matches" in output
    code, output = run("corrections", "saas_subscription.pdf", "--home", str(home))
    assert code == 0 and "no corrections" in output
    assert "corrections" not in shown(home)


def test_by_overrides_the_configured_user(home: Path) -> None:
    correction = run_json("correct", "saas_subscription.pdf", "parties.2.role", "Customer",
                          "--by", "erin", "--json", "--home", str(home))
    assert (correction["field"], correction["value"], correction["extracted"],
            correction["by"]) == ("parties.2.role", "Customer", "Subscriber", "erin")
    code, output = run("show", "saas_subscription.pdf", "--home", str(home))
    assert code == 0 and "(corrected)" in output and "Corrections" in output and "erin" in output
