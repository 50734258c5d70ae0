"""The web app in headless Chromium, as a contract admin uses it, over a real data directory.

The data directory is the one the real `ingest-inbox` flow filled from fixtures/contracts
(see `inbox_home`), copied so that these tests may change it; the app is served by uvicorn
on a loopback port. Each step is saved as a full-page screenshot (test-artifacts/
screenshots/, or CONTRACTS_TEST_SCREENSHOTS) and every test fails on a console error,
an uncaught exception or a Content-Security-Policy violation.

Run only these: `make test-browser` (or `.venv/bin/pytest -m browser tests/web`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from contracts.settings import load_settings
from tests.alert_fixtures import EXTRACTED_ON
from tests.web.browser import CHROMIUM, REPORT_CSP_VIOLATIONS, BrowserPage, served
from tests.web.conftest import BAD_NAME, DUPLICATE_NAME, WAITING_NAME
from web import create_app
from web.renewals import urgency

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

HIGHLIGHT = "rgb(255, 229, 138)"  # style.css `mark`
ROW_BACKGROUND = {"overdue": "rgb(253, 232, 230)", "critical": "rgb(253, 232, 230)",
                  "soon": "rgb(255, 244, 214)", "later": "rgba(0, 0, 0, 0)"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                    "(`make browser-tools` does, as root) or set CONTRACTS_TEST_CHROMIUM")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(inbox_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a copy of the inbox-filled data directory, served on loopback."""
    home = tmp_path_factory.mktemp("browser") / "home"
    shutil.copytree(inbox_home, home)
    app = create_app(load_settings(home=home), today=lambda: EXTRACTED_ON)
    with served(app) as base_url:
        yield base_url


@pytest.fixture()
def ui(browser: Browser, site: str, request: pytest.FixtureRequest) -> Iterator[BrowserPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = BrowserPage(context.new_page(), site, request.node.name)
    yield page
    context.close()


def _api(ui: BrowserPage, path: str) -> Any:
    response = ui.page.request.get(ui.base_url + path)
    assert response.ok, f"GET {path}: {response.status}"
    return response.json()


def test_search_open_top_result_see_marked_evidence_and_open_at_page(ui: BrowserPage) -> None:
    page = ui.page
    ui.goto("/search")
    page.get_by_label("Search clauses").fill("service credit")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search?q=service+credit*")
    first = page.locator("li.hit").first
    assert first.locator(".snippet mark").count() > 0
    ui.shot("search-results")

    top = _api(ui, "/api/search?q=service+credit")["hits"][0]["hit"]
    first.locator(".hit-head a").click()
    page.wait_for_url(f"**/contracts/{top['record_id']}?*#found")
    found = page.locator("section.found")
    assert found.is_visible()
    marks = found.locator("blockquote.evidence mark")
    assert marks.count() > 0
    assert all(m.lower().startswith(("servic", "credit")) for m in marks.all_inner_texts())
    assert marks.first.evaluate("m => getComputedStyle(m).backgroundColor") == HIGHLIGHT
    open_at = found.get_by_role("link", name=f"open at page {top['page']}")
    href = open_at.get_attribute("href")
    assert href == f"/contracts/{top['record_id']}/original#page={top['page']}"
    pdf = page.request.get(ui.base_url + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    ui.shot("contract-opened-at-the-hit")
    ui.assert_clean()


def test_renewals_dashboard_colours_rows_by_urgency(ui: BrowserPage) -> None:
    ui.goto("/renewals?within=3650")
    rows = ui.page.locator("table.deadlines tbody tr")
    expected = _api(ui, "/api/renewals?within=3650")["deadlines"]
    assert rows.count() == len(expected) > 0
    levels = set()
    for index, deadline in enumerate(expected):
        row = rows.nth(index)
        level = urgency(deadline["days_left"]).value
        levels.add(level)
        assert row.get_attribute("class") == f"urgency-{level}"
        assert row.locator("td.days").inner_text() == str(deadline["days_left"])
        colour = row.locator("td").first.evaluate("td => getComputedStyle(td).backgroundColor")
        assert colour == ROW_BACKGROUND[level], (deadline["filename"], level, colour)
    assert len(levels) > 1, f"only {levels}: the fixture dates no longer show the colours"
    ui.shot("renewals-dashboard")
    ui.assert_clean()


def test_inbox_status_from_the_navigation(ui: BrowserPage) -> None:
    page = ui.page
    ui.goto("/search")
    page.locator("header nav").get_by_role("link", name="Inbox").click()
    page.wait_for_url("**/inbox")
    body = _api(ui, "/api/inbox")
    assert page.locator("table.inbox tbody tr").count() == body["total"]
    assert page.locator("table.inbox tr.status-waiting td.file").first.inner_text().startswith(
        WAITING_NAME)
    failed = page.locator("table.inbox tr.status-failed")
    assert failed.locator("td.file").inner_text().startswith(BAD_NAME)  # shown as text
    assert "corrupt PDF" in failed.locator(".reason").inner_text()
    assert failed.locator(".hint").inner_text().startswith("What to do: ")
    ui.shot("inbox-all")

    page.locator("nav.filters").get_by_role("link", name="failed").click()
    page.wait_for_url("**/inbox?status=failed")
    assert page.locator("table.inbox tbody tr").count() == 1
    ui.shot("inbox-failed-only")

    page.locator("nav.filters").get_by_role("link", name="duplicate").click()
    duplicate = page.locator("table.inbox tr.status-duplicate")
    assert duplicate.locator("td.file").inner_text().startswith(DUPLICATE_NAME)
    duplicate.locator("td.outcome a").first.click()
    page.wait_for_url("**/contracts/*")
    assert "msa_sla_exhibit.pdf" in page.locator("p.meta").first.inner_text()
    ui.assert_clean()


def _deadline_row(ui: BrowserPage, title: str) -> dict[str, str]:
    """The renewals dashboard's row for `title`: its cells by column name, and its class."""
    table = ui.page.locator("table.deadlines")
    names = [th.strip() for th in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").filter(has=ui.page.get_by_role("link", name=title, exact=True))
    assert row.count() == 1, f"{title} is not on the dashboard once"
    cells = dict(zip(names, row.locator("td").all_inner_texts(), strict=True))
    return {**cells, "class": row.get_attribute("class") or ""}


def test_correct_the_notice_period_and_see_the_new_deadline(ui: BrowserPage) -> None:
    page = ui.page
    title, field = "Master Services Agreement", "renewal-notice_period"
    ui.goto("/renewals")
    before = _deadline_row(ui, title)
    assert before["notice"] == "90 days"
    ui.shot("dashboard-before")

    page.locator("table.deadlines").get_by_role("link", name=title, exact=True).click()
    page.wait_for_url("**/contracts/*")
    row = page.locator(f"tr#field-{field}")
    row.locator("details.correct summary").click()
    page.locator(f"#value-{field}").fill("60 days")
    page.locator(f"#by-{field}").fill("dana.admin")
    page.locator(f"#note-{field}").fill("amendment no. 2 shortens the notice period")
    ui.shot("correction-form")
    page.locator(f"#save-{field}").click()
    page.wait_for_url("**/contracts/*?corrected=renewal.notice_period*")
    assert page.locator("#flash").is_visible()
    stamp = page.locator(f"#corrected-{field}").inner_text()
    assert re.fullmatch(r"corrected by dana\.admin on \d{4}-\d{2}-\d{2}", stamp.strip()), stamp
    assert "60 days" in row.inner_text() and "extracted: 90 days" in row.inner_text()
    ui.shot("contract-corrected")

    page.locator("header nav").get_by_role("link", name="Renewals").click()
    page.wait_for_url("**/renewals")
    after = _deadline_row(ui, title)
    term_end = date.fromisoformat(after["term ends"])
    assert after["term ends"] == before["term ends"]
    assert after["notice"] == "60 days"
    new_deadline = term_end - timedelta(days=60)
    assert after["due"] == new_deadline.isoformat() != before["due"]
    days_left = (new_deadline - EXTRACTED_ON).days
    assert after["days left"] == str(days_left)
    assert after["class"] == f"urgency-{urgency(days_left).value}" != before["class"]
    ui.shot("dashboard-after")
    ui.assert_clean()
