"""Correcting a value in the browser and through the API, on a real SQLite portfolio."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from typer.testing import CliRunner

from alerts import plan_alerts
from alerts.watchlist import watchlist
from contracts.cli import app as cli
from contracts.settings import Settings
from portfolio.sqlite import SqlitePortfolio
from schemas.record import ContractRecord
from tests.alert_fixtures import EXTRACTED_ON
from web import create_app
from web.csrf import COOKIE, CsrfTokens

NOTICE = "renewal.notice_period"


def saas_id(records: dict[str, ContractRecord]) -> str:
    """The SaaS subscription: 60 days' notice before each 12-month term ends (Jan 31)."""
    return records["saas_subscription"].id


def form_token(client: TestClient, record_id: str) -> str:
    """The CSRF token the contract page puts in its forms (its cookie is now set too)."""
    page = client.get(f"/contracts/{record_id}")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def post_correction(client: TestClient, record_id: str, **form: str) -> httpx.Response:
    return client.post(f"/contracts/{record_id}/corrections", data=form,
                       follow_redirects=False)


def stored(settings: Settings, record_id: str) -> ContractRecord:
    with SqlitePortfolio(settings.store_url) as portfolio:
        record = portfolio.get(record_id)
    assert record is not None
    return record


def test_a_correction_is_stored_and_shown_with_user_and_date(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    token = form_token(client, rid)
    day_before = datetime.now(UTC).date().isoformat()
    response = client.post(f"/contracts/{rid}/corrections", follow_redirects=False, data={
        "csrf_token": token, "field": NOTICE, "value": "90 days", "by": "alice",
        "note": "order form says <b>ninety</b>"})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == f"/contracts/{rid}?corrected={NOTICE}#field-renewal-notice_period"

    page = client.get(location).text
    # the stamp is the server's UTC day; a run that straddles midnight may see either day
    days = {day_before, datetime.now(UTC).date().isoformat()}
    assert any(f'<span class="corrected" id="corrected-renewal-notice_period">corrected by '
               f"alice on {day}</span>" in page for day in days), days
    row = page[page.index('<tr id="field-renewal-notice_period"'):]
    row = row[: row.index("</tr>")]
    assert '<span class="value">90 days</span>' in row
    assert "extracted: 60 days" in row, "the extracted value stays visible"
    assert "sixty (60) days" in row, "and so does its evidence"
    assert "&lt;b&gt;ninety&lt;/b&gt;" in row and "<b>ninety" not in page
    assert 'id="undo-renewal-notice_period"' in row and "Undo correction" in row
    flash = '<p class="flash" id="flash" role="status">Saved: the notice period is corrected.'
    assert flash in page

    record = stored(web_settings, rid)
    assert str(record.renewal.notice_period) == "90 days"
    [correction] = record.corrections
    assert (correction.field, correction.by, correction.note) == (
        NOTICE, "alice", "order form says <b>ninety</b>")
    assert correction.at.utcoffset() == timedelta(0)
    api = client.get(f"/api/contracts/{rid}/corrections").json()
    assert [(c["field"], c["value"], c["extracted"], c["by"]) for c in api] == [
        (NOTICE, {"count": 90, "unit": "days"}, {"count": 60, "unit": "days"}, "alice")]


def test_a_notice_correction_moves_the_deadline_everywhere_at_once(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    saas = fixture_records["saas_subscription"]

    def deadline_in_api() -> str:
        rows = client.get("/api/renewals", params={"within": 365}).json()["deadlines"]
        return next(r["due_date"] for r in rows if r["record_id"] == rid)

    def planned() -> list[tuple[str, int]]:
        with SqlitePortfolio(web_settings.store_url) as portfolio:
            found = watchlist(portfolio, EXTRACTED_ON, [90, 60, 30, 14, 7, 1])
        return [(a.deadline.isoformat(), a.lead_days)
                for a in plan_alerts(found.tracked, ["email"], EXTRACTED_ON)
                if a.row.record_id == rid]

    assert deadline_in_api() == "2026-12-02"  # 60 days before 2027-01-31
    assert planned() == [("2026-12-02", 14)]
    token = form_token(client, rid)
    assert post_correction(client, rid, csrf_token=token, field=NOTICE,
                           value="30 days").status_code == 303

    assert deadline_in_api() == "2027-01-01"
    page = client.get("/renewals", params={"within": 365}).text
    row = page[page.index(rid) - 400: page.index(rid) + 400]
    assert "2027-01-01" in row and "2026-12-02" not in page
    assert client.get(f"/contracts/{rid}").text.count("notice deadline 2027-01-01") == 1

    calendar = Calendar.from_ical(client.get("/renewals.ics", params={"within": 365}).content)
    events = [e for e in calendar.walk("VEVENT") if str(saas.title) in str(e.get("SUMMARY"))]
    assert [e.decoded("DTSTART") for e in events] == [date(2027, 1, 1)]
    text = client.get("/renewals.csv", params={"within": 365}).content.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if rid in r]
    assert len(rows) == 1 and "2027-01-01" in rows[0] and "30 days" in rows[0]

    result = CliRunner().invoke(cli, ["renewals", "--json", "--within", "365", "--today",
                                      EXTRACTED_ON.isoformat(), "--home",
                                      str(web_settings.home)])
    assert result.exit_code == 0, result.output
    cli_rows = [r for r in json.loads(result.stdout) if r["record_id"] == rid]
    assert [(r["due_date"], r["notice_period"]) for r in cli_rows] == [
        ("2027-01-01", {"count": 30, "unit": "days"})]

    assert planned() == [("2027-01-01", 60)], "the alert pass plans for the new deadline"


def test_posts_without_the_right_csrf_token_are_refused_and_store_nothing(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    token = form_token(client, rid)
    form = {"field": NOTICE, "value": "90 days", "by": "mallory"}
    other_app = CsrfTokens("another server's secret").new()
    # flip the signature's last hex digit; always a change, whatever the token ends with
    tampered = token[:-1] + ("1" if token.endswith("0") else "0")
    assert tampered != token
    for sent in ({}, {"csrf_token": ""}, {"csrf_token": tampered},
                 {"csrf_token": other_app}):
        response = post_correction(client, rid, **form, **sent)
        assert response.status_code == 403, sent
    # a token of this app, but not the one in this browser's cookie (double submit)
    same_app: CsrfTokens = client.app.state.web.csrf  # type: ignore[attr-defined]
    assert same_app.valid(token)
    assert post_correction(client, rid, **form, csrf_token=same_app.new()).status_code == 403
    client.cookies.set(COOKIE, other_app)
    assert post_correction(client, rid, **form, csrf_token=other_app).status_code == 403
    client.cookies.clear()
    assert post_correction(client, rid, **form, csrf_token=token).status_code == 403, (
        "no cookie: a cross-site form cannot send one")
    undo = client.post(f"/contracts/{rid}/corrections/undo", data={"field": NOTICE},
                       follow_redirects=False)
    assert undo.status_code == 403
    api = client.post(f"/api/contracts/{rid}/corrections",
                      json={"field": NOTICE, "value": "90 days"})
    assert api.status_code == 403 and "CSRF" in api.json()["detail"]
    assert stored(web_settings, rid) == fixture_records["saas_subscription"]


def test_get_cannot_correct(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    token = form_token(client, rid)
    params = {"csrf_token": token, "field": NOTICE, "value": "90 days"}
    assert client.get(f"/contracts/{rid}/corrections", params=params).status_code == 405
    assert client.get(f"/contracts/{rid}/corrections/undo", params=params).status_code == 405
    assert client.get(f"/api/contracts/{rid}/corrections", params=params).json() == []
    page = client.get(f"/contracts/{rid}", params={"corrected": NOTICE, **params})
    assert page.status_code == 200
    assert stored(web_settings, rid) == fixture_records["saas_subscription"]


@pytest.mark.parametrize(("field", "value", "message"), [
    (NOTICE, "ninety", "renewal.notice_period: &#39;ninety&#39; is not a duration"),
    ("expiration_date", "2025-02-30", "expiration_date: &#39;2025-02-30&#39; is not valid"),
    ("agreement_date", "15/01/2024", "agreement_date: &#39;15/01/2024&#39; is not a date like"),
])
def test_a_bad_value_is_a_form_error_naming_the_field(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord],
    field: str, value: str, message: str,
) -> None:
    rid = saas_id(fixture_records)
    token = form_token(client, rid)
    response = post_correction(client, rid, csrf_token=token, field=field, value=value,
                               by="alice")
    assert response.status_code == 422
    slug = field.replace(".", "-")
    error = re.search(rf'<p class="form-error" id="error-{slug}" role="alert">([^<]*)</p>',
                      response.text)
    assert error is not None and error.group(1).startswith(message)
    assert f'id="value-{slug}" name="value" value="{value}"' in response.text, "kept as typed"
    assert '<details class="correct" open>' in response.text
    assert stored(web_settings, rid) == fixture_records["saas_subscription"]


def test_the_api_corrects_with_a_token_and_names_bad_input(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    token = client.get("/api/csrf").json()["token"]
    headers = {"X-CSRF-Token": token}
    bad = client.post(f"/api/contracts/{rid}/corrections", headers=headers,
                      json={"field": NOTICE, "value": "ninety"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "value"]
    assert bad.json()["detail"][0]["msg"].startswith("renewal.notice_period: 'ninety'")
    unknown = client.post(f"/api/contracts/{rid}/corrections", headers=headers,
                          json={"field": "renewal.notice_deadline", "value": "2027-01-01"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "field"]
    assert client.post("/api/contracts/" + "0" * 64 + "/corrections", headers=headers,
                       json={"field": NOTICE, "value": "30 days"}).status_code == 404
    assert stored(web_settings, rid).corrections == []

    good = client.post(f"/api/contracts/{rid}/corrections", headers=headers, json={
        "field": NOTICE, "value": {"count": 30, "unit": "days"}, "by": "api-bot"})
    assert good.status_code == 200, good.text
    body = good.json()
    assert body["correction"]["by"] == "api-bot"
    assert body["status"]["due_date"] == "2027-01-01"
    assert body["record"]["renewal"]["notice_period"] == {"count": 30, "unit": "days"}
    assert client.get(f"/api/contracts/{rid}").json()["corrections"][0]["field"] == NOTICE

    undone = client.post(f"/api/contracts/{rid}/corrections/undo", headers=headers,
                         json={"field": NOTICE})
    assert undone.status_code == 200 and undone.json()["status"]["due_date"] == "2026-12-02"
    again = client.post(f"/api/contracts/{rid}/corrections/undo", headers=headers,
                        json={"field": NOTICE})
    assert again.status_code == 404 and "no correction" in again.json()["detail"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/csrf", "/api/contracts/{record_id}/corrections",
            "/api/contracts/{record_id}/corrections/undo"} <= set(paths)


def test_undo_restores_the_extracted_value(
    client: TestClient, web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    token = form_token(client, rid)
    post_correction(client, rid, csrf_token=token, field="parties.1.name", value="Litware GmbH")
    assert stored(web_settings, rid).parties[0].name == "Litware GmbH"
    response = client.post(f"/contracts/{rid}/corrections/undo", follow_redirects=False,
                           data={"csrf_token": token, "field": "parties.1.name"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("?undone=parties.1.name#field-parties-1-name")
    assert stored(web_settings, rid) == fixture_records["saas_subscription"]
    page = client.get(response.headers["location"]).text
    assert "Correction undone: the party 1 name is the extracted value again." in page
    assert 'id="corrected-parties-1-name"' not in page


def test_the_user_comes_from_the_settings_unless_the_form_names_one(
    web_settings: Settings, fixture_records: dict[str, ContractRecord]
) -> None:
    rid = saas_id(fixture_records)
    settings = web_settings.model_copy(update={"user": "contracts-team"})
    with TestClient(create_app(settings, today=lambda: EXTRACTED_ON)) as client:
        token = form_token(client, rid)
        assert 'id="by-title" name="by" value="contracts-team"' in client.get(
            f"/contracts/{rid}").text
        post_correction(client, rid, csrf_token=token, field="title", value="SaaS Terms",
                        by="")
        post_correction(client, rid, csrf_token=token, field="governing_law", value="Texas",
                        by="dana")
    by = {c.field: c.by for c in stored(web_settings, rid).corrections}
    assert by == {"title": "contracts-team", "governing_law": "dana"}
