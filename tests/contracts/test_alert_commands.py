"""`contracts alerts` and `contracts renewals --ics/--csv` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from icalendar import Calendar
from typer.testing import CliRunner

from contracts.cli import app
from tests.alert_fixtures import Mailbox

runner = CliRunner()
TODAY = "2026-11-21"


def run(*args: str, urls: str | None = None, **env: str | None) -> tuple[int, str, str]:
    environment = {"CONTRACTS_NOTIFY_URLS": urls, "CONTRACTS_ALERT_LEAD_DAYS": None, **env}
    result = runner.invoke(app, list(args), env=environment)
    return result.exit_code, result.stdout, result.stderr


def test_alerts_email_arrives_exactly_once(
    prefect_server: None, fixture_store: str, smtp_server: Mailbox
) -> None:
    home = str(Path(fixture_store).parent)
    code, stdout, stderr = run("alerts", "--today", TODAY, "--home", home, urls=smtp_server.url())
    assert code == 0, stdout + stderr
    assert "4 sent, 0 failed" in stdout
    assert len(smtp_server.messages) == 4
    assert smtp_server.subjects()[0].startswith("Notice deadline in 9 days: Master Services")

    code, stdout, _ = run("alerts", "--today", TODAY, "--home", home, urls=smtp_server.url())
    assert code == 0 and "no alerts due on 2026-11-21" in stdout
    assert len(smtp_server.messages) == 4


def test_dry_run_lists_due_alerts_and_contracts_without_dates(
    prefect_server: None, fixture_store: str
) -> None:
    home = str(Path(fixture_store).parent)
    code, stdout, _ = run("alerts", "--dry-run", "--today", TODAY, "--home", home)
    assert code == 0
    assert "dry run: nothing sent" in stdout and stdout.count("preview") >= 4
    assert "No date to alert on" in stdout
    assert "evergreen" in stdout and "perpetual" in stdout


def test_set_lead_days(prefect_server: None, fixture_store: str) -> None:
    home = str(Path(fixture_store).parent)
    code, stdout, _ = run("alerts", "--set-lead-days", "msa_sla_exhibit.pdf", "30,7",
                          "--home", home)
    assert code == 0 and "30, 7 days" in stdout
    code, stdout, _ = run("alerts", "--dry-run", "--json", "--today", TODAY, "--home", home)
    report = json.loads(stdout)
    leads = {o["alert"]["row"]["filename"]: o["alert"]["lead_days"] for o in report["outcomes"]}
    assert leads["msa_sla_exhibit.pdf"] == 30 and leads["saas_subscription.pdf"] == 14

    code, stdout, _ = run("alerts", "--set-lead-days", "msa_sla_exhibit.pdf", "default",
                          "--home", home)
    assert code == 0 and "the global default" in stdout
    code, _, stderr = run("alerts", "--set-lead-days", "msa_sla_exhibit.pdf", "soon",
                          "--home", home)
    assert code == 2 and "not a whole number" in stderr
    code, _, stderr = run("alerts", "--set-lead-days", "no-such.pdf", "30", "--home", home)
    assert code == 1 and "0 contracts match" in stderr


def test_configuration_mistakes_are_explained(fixture_store: str) -> None:
    home = str(Path(fixture_store).parent)
    code, _, stderr = run("alerts", "--today", TODAY, "--home", home)
    assert code == 2 and "CONTRACTS_NOTIFY_URLS" in stderr
    code, _, stderr = run("alerts", "--today", TODAY, "--home", home, urls="nosuch://x")
    assert code == 2 and "not one apprise understands" in stderr
    code, _, stderr = run("alerts", "--dry-run", "--home", home, CONTRACTS_ALERT_LEAD_DAYS="30,-2")
    assert code == 2 and "outside" in stderr
    code, _, stderr = run("alerts", "--today", "next week", "--home", home)
    assert code == 2 and "not a date" in stderr


def test_renewals_ics_and_csv(fixture_store: str, tmp_path: Path) -> None:
    home = str(Path(fixture_store).parent)
    ics, table = tmp_path / "deadlines.ics", tmp_path / "deadlines.csv"
    code, stdout, stderr = run("renewals", "--today", TODAY, "--within", "60", "--json",
                               "--ics", str(ics), "--csv", str(table), "--home", home)
    assert code == 0, stderr
    assert len(json.loads(stdout)) == 4  # stdout stays pure JSON; file notes go to stderr
    assert "wrote 4 calendar events" in stderr and "wrote 6 rows" in stderr
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [str(e["DTSTART"].to_ical().decode()) for e in events] == [
        "20261130", "20261202", "20261214", "20270105"]
    # alarms still ahead of 2026-11-21 (9, 11, 23 and 45 days left; leads 90..1)
    assert [len(e.walk("VALARM")) for e in events] == [2, 2, 3, 4]
    assert table.read_text(encoding="utf-8-sig").splitlines()[1].startswith("2026-11-30,9,")
