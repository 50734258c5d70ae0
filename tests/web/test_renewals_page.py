"""The renewals dashboard and its calendar/spreadsheet downloads."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from icalendar import Calendar

from schemas.record import ContractRecord
from web.renewals import Urgency, urgency


def test_deadlines_sorted_by_urgency_and_coloured(client: TestClient) -> None:
    api = client.get("/api/renewals", params={"within": 3650}).json()
    days = [row["days_left"] for row in api["deadlines"]]
    assert days and days == sorted(days)
    page = client.get("/renewals", params={"within": 3650})
    assert page.status_code == 200
    for row in api["deadlines"]:
        assert f'class="urgency-{urgency(row["days_left"]).value}"' in page.text
    assert page.text.index(api["deadlines"][0]["record_id"]) < page.text.index(
        api["deadlines"][-1]["record_id"]
    )


def test_urgency_levels() -> None:
    assert [urgency(d) for d in (-1, 0, 14, 15, 60, 61)] == [
        Urgency.overdue, Urgency.critical, Urgency.critical, Urgency.soon, Urgency.soon,
        Urgency.later,
    ]


def test_status_table_names_evergreen_perpetual_and_renewing(
    client: TestClient, fixture_records: dict[str, ContractRecord]
) -> None:
    statuses = client.get("/api/renewals").json()["contracts"]
    by_id = {line["record_id"]: line["state"] for line in statuses}
    assert by_id[fixture_records["evergreen_services"].id] == "evergreen"
    assert by_id[fixture_records["perpetual_license"].id] == "perpetual"
    assert "renewing" in by_id.values()
    page = client.get("/renewals")
    for state in ("evergreen", "perpetual", "renewing"):
        assert f"state-{state}" in page.text
    assert 'href="/renewals.ics?within=365"' in page.text
    assert 'href="/renewals.csv?within=365"' in page.text


def test_ics_export_has_one_event_per_deadline(client: TestClient) -> None:
    rows = client.get("/api/renewals", params={"within": 3650}).json()["deadlines"]
    response = client.get("/renewals.ics", params={"within": 3650})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.content)
    assert len(calendar.walk("VEVENT")) == len(rows)


def test_csv_export_lists_deadlines_then_contracts_without_a_date(client: TestClient) -> None:
    rows = client.get("/api/renewals", params={"within": 3650}).json()["deadlines"]
    response = client.get("/renewals.csv", params={"within": 3650})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    dated = [line for line in table if line["due_date"]]
    assert len(dated) == len(rows)
    assert any(not line["due_date"] for line in table)  # evergreen/perpetual listed as such


def test_within_is_validated(client: TestClient) -> None:
    assert client.get("/renewals", params={"within": -1}).status_code == 422
