"""ICS and CSV exports of the deadlines, parsed back with icalendar and csv."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from alerts.calendar import event_uid, write_ics
from alerts.spreadsheet import COLUMNS, write_csv
from alerts.watchlist import no_date_contracts, tracked_rows
from portfolio.models import DeadlineKind
from portfolio.sqlite import SqlitePortfolio

LEADS = [90, 60, 30, 14, 7, 1]
OURS = frozenset({"customer", "subscriber", "client", "licensee"})


def export_ics(store: str, path: Path, today: date, within: int = 200) -> Calendar:
    with SqlitePortfolio(store) as portfolio:
        rows = portfolio.upcoming_deadlines(today, within, own_roles=OURS)
        tracked = tracked_rows(portfolio, rows, LEADS)
    write_ics(path, tracked, datetime.combine(today, datetime.min.time(), UTC))
    return Calendar.from_ical(path.read_bytes())


def events_by_summary(calendar: Calendar) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_ics_events_dates_alarms_and_uids(fixture_store: str, tmp_path: Path) -> None:
    calendar = export_ics(fixture_store, tmp_path / "deadlines.ics", date(2026, 11, 21))
    assert str(calendar["PRODID"]).startswith("-//contract-intel//")
    assert str(calendar["VERSION"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [
        date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 14), date(2027, 1, 5),
        date(2027, 5, 1)]
    msa = events_by_summary(calendar)[
        "Notice deadline: Master Services Agreement (Northwind Cloud Services, Inc.)"]
    assert msa.decoded("DTSTART") == date(2026, 11, 30)  # type: ignore[attr-defined]
    assert msa.decoded("DTEND") == date(2026, 12, 1)  # type: ignore[attr-defined]
    assert msa["DTSTART"].params["VALUE"] == "DATE"  # type: ignore[index]
    assert msa.decoded("DTSTAMP") == datetime(2026, 11, 21, tzinfo=UTC)  # type: ignore[attr-defined]
    uid = str(msa["UID"])  # type: ignore[index]
    assert uid.endswith("-notice_deadline@contract-intel") and len(uid.split("-")[0]) == 64
    # 9 days left: the 90- to 14-day alarms are behind us and would only show as missed
    alarms = msa.walk("VALARM")  # type: ignore[attr-defined]
    assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-7), timedelta(days=-1)]
    assert all(str(a["ACTION"]) == "DISPLAY" for a in alarms)
    assert "7 days to the notice deadline" in str(alarms[0]["DESCRIPTION"])
    [later] = [e for e in events if e.decoded("DTSTART") == date(2027, 5, 1)]
    alarms = later.walk("VALARM")
    assert [a.decoded("TRIGGER") for a in alarms] == [timedelta(days=-n) for n in LEADS]
    description = str(msa["DESCRIPTION"])  # type: ignore[index]
    assert "renews for 1 year, until 2028-02-29" in description
    assert "Notice clause, page 2:" in description
    assert "PDF: fixtures/contracts/msa_sla_exhibit.pdf" in description
    nda = events_by_summary(calendar)[
        "Contract expires: Mutual Non-Disclosure Agreement (Trey Research, Inc.)"]
    assert str(nda["UID"]).endswith("-expiration@contract-intel")  # type: ignore[index]


def test_reexport_updates_the_same_events(fixture_store: str, tmp_path: Path) -> None:
    """Same UIDs after the deadline rolled to next year; SEQUENCE goes up so it is an update."""
    before = events_by_summary(export_ics(fixture_store, tmp_path / "a.ics", date(2026, 11, 21)))
    after = events_by_summary(export_ics(fixture_store, tmp_path / "b.ics", date(2026, 12, 1),
                                         within=400))
    title = "Notice deadline: Master Services Agreement (Northwind Cloud Services, Inc.)"
    old, new = before[title], after[title]
    assert str(old["UID"]) == str(new["UID"])  # type: ignore[index]
    assert new.decoded("DTSTART") == date(2027, 12, 1)  # type: ignore[attr-defined]
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])  # type: ignore[index]


def test_per_contract_lead_days_set_the_alarms(fixture_store: str, tmp_path: Path) -> None:
    with SqlitePortfolio(fixture_store) as portfolio:
        msa = portfolio.find("msa_sla_exhibit.pdf")[0]
        portfolio.set_lead_days(msa.id, [45, 8, 0])
    calendar = export_ics(fixture_store, tmp_path / "d.ics", date(2026, 11, 21))
    [event] = [e for e in calendar.walk("VEVENT")
               if str(e["UID"]) == event_uid(msa.id, DeadlineKind.notice_deadline)]
    triggers = [a.decoded("TRIGGER") for a in event.walk("VALARM")]
    assert triggers == [timedelta(days=-8), timedelta(0)]  # 9 days left: 45 is past


def test_csv_rows_and_no_date_contracts(fixture_store: str, tmp_path: Path) -> None:
    path = tmp_path / "deadlines.csv"
    today = date(2026, 11, 21)
    with SqlitePortfolio(fixture_store) as portfolio:
        rows = portfolio.upcoming_deadlines(today, 90, own_roles=OURS)
        count = write_csv(path, tracked_rows(portfolio, rows, LEADS),
                          no_date_contracts(portfolio, today))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert count == len(table) == 6
    assert tuple(table[0]) == COLUMNS
    assert [(r["due_date"], r["what"], r["filename"]) for r in table] == [
        ("2026-11-30", "notice_deadline", "msa_sla_exhibit.pdf"),
        ("2026-12-02", "notice_deadline", "saas_subscription.pdf"),
        ("2026-12-14", "notice_deadline", "maintenance_severity.pdf"),
        ("2027-01-05", "expiration", "mutual_nda.pdf"),
        ("", "evergreen", "evergreen_services.pdf"),
        ("", "perpetual", "perpetual_license.pdf"),
    ]
    msa = table[0]
    assert (msa["days_left"], msa["counterparty"], msa["term_ends"], msa["renews_until"]) == (
        "9", "Northwind Cloud Services, Inc.", "2027-02-28", "2028-02-29")
    assert (msa["renewal_term"], msa["notice_period"], msa["clause_page"]) == (
        "1 year", "90 days", "2")
    assert msa["clause"].startswith("Upon expiration of the Initial Term")
    assert "30 days' notice" in table[4]["note"]


def test_csv_cells_never_become_formulas(fixture_store: str, tmp_path: Path) -> None:
    today = date(2026, 11, 21)
    with SqlitePortfolio(fixture_store) as portfolio:
        msa = portfolio.find("msa_sla_exhibit.pdf")[0]
        portfolio.add(msa.model_copy(update={"title": "=HYPERLINK(\"http://x\")"}))
        rows = portfolio.upcoming_deadlines(today, 30, own_roles=OURS)
        write_csv(tmp_path / "x.csv", tracked_rows(portfolio, rows, LEADS))
    with (tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as handle:
        titles = [r["title"] for r in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http://x\")" in titles
