"""The `contracts` command as a user runs it, on real PDFs and a real portfolio file."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.cli import app
from schemas import ContractRecord

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_extract_jsonl_prints_one_valid_record_per_line(sample_pdf: Path, make_pdf) -> None:
    second = make_pdf("nda.pdf", ["MUTUAL NON-DISCLOSURE AGREEMENT\nThis Agreement is governed "
                                  "by the laws of the State of Texas."])
    code, stdout, _ = run("extract", str(sample_pdf), str(second), "--format", "jsonl",
                          "--today", "2026-11-21")
    assert code == 0
    lines = stdout.strip().splitlines()
    assert len(lines) == 2
    records = [ContractRecord.model_validate_json(line) for line in lines]
    assert records[0].filename == "sample msa.pdf"
    assert records[0].renewal.notice_deadline is not None
    assert records[1].governing_law == "Texas"
    assert set(json.loads(lines[0])) >= {
        "id", "source", "filename", "pages", "title", "parties", "agreement_date",
        "effective_date", "expiration_date", "perpetual", "initial_term", "renewal",
        "governing_law", "sla", "penalties", "clauses", "warnings", "extractor_version"}


def test_extract_names_bad_files_and_goes_on(sample_pdf: Path, bad_files: dict[str, Path]) -> None:
    code, stdout, stderr = run("extract", str(bad_files["encrypted"]), str(sample_pdf),
                               "--format", "jsonl")
    assert code == 1
    assert "locked.pdf" in stderr and "encrypted" in stderr
    assert len(stdout.strip().splitlines()) == 1


@pytest.fixture()
def home(tmp_path: Path, sample_pdf: Path, prefect_server: None) -> Path:
    home = tmp_path / "home"
    code, stdout, stderr = run("ingest", str(sample_pdf), "--home", str(home),
                               "--today", "2026-11-21")
    assert code == 0, stdout + stderr
    assert "1 added" in stdout
    return home


def test_search_show_list_renewals(home: Path) -> None:
    code, stdout, _ = run("search", '"non-renewal"', "--home", str(home))
    assert code == 0 and "sample msa.pdf" in stdout and "page 1" in stdout

    code, stdout, _ = run("search", "availability", "--json", "--home", str(home))
    hits = json.loads(stdout)["hits"]
    assert hits and hits[0]["page"] == 2

    code, stdout, _ = run("search", "nothing-like-this-anywhere", "--home", str(home))
    assert code == 0 and "no clause matches" in stdout

    code, stdout, _ = run("show", "sample msa.pdf", "--home", str(home))
    assert code == 0 and "New York" in stdout and "p.1" in stdout

    code, stdout, _ = run("show", "nope.pdf", "--home", str(home))
    assert code == 1

    code, stdout, _ = run("list", "--home", str(home))
    assert code == 0 and "auto-renews" in stdout

    # Effective 2024-03-01, 3 years -> term ends 2027-02-28, 90 days' notice -> 2026-11-30.
    code, stdout, _ = run("renewals", "--within", "30", "--today", "2026-11-21", "--json",
                          "--home", str(home))
    rows = json.loads(stdout)
    assert [(r["due_date"], r["days_left"]) for r in rows] == [("2026-11-30", 9)]
    code, stdout, _ = run("renewals", "--within", "5", "--today", "2026-11-21", "--home", str(home))
    assert "no notice deadlines" in stdout


def test_bad_today_is_a_clear_usage_error(home: Path) -> None:
    code, _, stderr = run("renewals", "--today", "tomorrow", "--home", str(home))
    assert code == 2 and "not a date" in stderr


def test_renewals_accounts_for_contracts_with_no_date_to_act_on(
    tmp_path: Path, prefect_server: None
) -> None:
    """Evergreen and perpetual contracts have no deadline, but an admin must see them."""
    home = tmp_path / "home"
    fixtures = Path(__file__).resolve().parents[2] / "fixtures" / "contracts"
    code, stdout, stderr = run("ingest", str(fixtures / "evergreen_services.pdf"),
                               str(fixtures / "perpetual_license.pdf"), "--home", str(home),
                               "--today", "2026-11-21")
    assert code == 0, stdout + stderr
    code, stdout, _ = run("renewals", "--today", "2026-11-21", "--home", str(home))
    assert code == 0 and "no notice deadlines" in stdout
    assert "No date to act on (2)" in stdout
    assert "evergreen" in stdout and "terminated on 30" in stdout and "days' notice" in stdout
    assert "perpetual" in stdout and "no end date" in stdout
    code, stdout, _ = run("renewals", "--today", "2026-11-21", "--json", "--home", str(home))
    assert json.loads(stdout) == [], "the JSON stays the list of dated rows"


def test_calendar_export_holds_every_next_date_unless_within_is_given(
    home: Path, tmp_path: Path
) -> None:
    """The notice deadline 2026-11-30 is 182 days after 2026-06-01: past the table's 90
    days, but a calendar imported today must already hold it (and its 90-day alarm)."""
    everything, window = tmp_path / "all.ics", tmp_path / "90.ics"
    code, stdout, _ = run("renewals", "--today", "2026-06-01", "--ics", str(everything),
                          "--home", str(home))
    assert code == 0 and "no notice deadlines" in stdout  # the table keeps its 90 days
    assert everything.read_text().count("BEGIN:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20261130" in everything.read_text()
    code, _, _ = run("renewals", "--today", "2026-06-01", "--within", "90", "--ics",
                     str(window), "--home", str(home))
    assert code == 0 and window.read_text().count("BEGIN:VEVENT") == 0
