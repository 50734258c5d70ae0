"""The inbox status page and /api/inbox over a journal the real `ingest-inbox` flow wrote."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from contracts.settings import load_settings
from extractors.pipeline import file_sha256
from inbox.status import parse_quarantine_note
from tests.alert_fixtures import EXTRACTED_ON
from tests.conftest import FIXTURES
from tests.web.conftest import BAD_NAME, DUPLICATE_NAME, NEW_VERSION_NAME, WAITING_NAME
from web import create_app


@pytest.fixture()
def inbox_client(inbox_home: Path) -> Iterator[TestClient]:
    with TestClient(create_app(load_settings(home=inbox_home), today=lambda: EXTRACTED_ON)) as c:
        yield c


def _all(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/api/inbox", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _by_status(items: list[dict[str, Any]], status: str) -> list[dict[str, Any]]:
    return [item for item in items if item["entry"]["status"] == status]


def test_every_drop_is_listed_with_what_became_of_it(inbox_client: TestClient) -> None:
    body = _all(inbox_client)
    fixtures = sorted(p.name for p in FIXTURES.glob("*.pdf"))
    assert body["journal_found"] is True
    assert body["counts"] == {"ingested": len(fixtures), "new_version": 1, "duplicate": 1,
                              "failed": 1, "waiting": 1}
    assert body["total"] == len(fixtures) + 4 == len(body["items"])
    ingested = _by_status(body["items"], "ingested")
    assert sorted(i["entry"]["name"] for i in ingested) == fixtures
    for item in ingested:
        sha = file_sha256(FIXTURES / item["entry"]["name"])
        assert item["entry"]["record_id"] == sha == item["contract"]["record_id"]
        assert item["entry"]["location"] == f"archive/{sha[:2]}/{sha}.pdf"
    saas = next(i for i in ingested if i["entry"]["name"] == NEW_VERSION_NAME)
    assert saas["contract"]["current"] is False  # the second run superseded it


def test_duplicates_and_new_versions_name_the_contract_they_concern(
    inbox_client: TestClient,
) -> None:
    items = _all(inbox_client)["items"]
    (duplicate,) = _by_status(items, "duplicate")
    assert duplicate["entry"]["name"] == DUPLICATE_NAME
    assert duplicate["contract"]["filename"] == "msa_sla_exhibit.pdf"
    assert duplicate["contract"]["record_id"] == file_sha256(FIXTURES / "msa_sla_exhibit.pdf")
    (new,) = _by_status(items, "new_version")
    assert new["entry"]["name"] == NEW_VERSION_NAME
    assert new["contract"]["version"] == 2 and new["contract"]["current"] is True
    assert new["previous"]["version"] == 1
    assert new["previous"]["record_id"] == file_sha256(FIXTURES / NEW_VERSION_NAME)


def test_failure_shows_the_reason_file_words_and_waiting_files_are_listed_first(
    inbox_client: TestClient, inbox_home: Path
) -> None:
    items = _all(inbox_client)["items"]
    (failed,) = _by_status(items, "failed")
    assert failed["entry"]["name"] == BAD_NAME and failed["contract"] is None
    assert failed["entry"]["location"] == f"failed/{BAD_NAME}"
    note = parse_quarantine_note(
        (inbox_home / "failed" / f"{BAD_NAME}.reason.txt").read_text(encoding="utf-8"))
    assert note.reason == "corrupt PDF" and note.hint
    entry = failed["entry"]
    assert (entry["reason"], entry["message"], entry["hint"]) == (
        note.reason, note.message, note.hint)
    assert items[0]["entry"]["name"] == WAITING_NAME  # still in the inbox: the newest
    assert items[0]["entry"]["status"] == "waiting"
    assert items[0]["entry"]["location"] == f"inbox/{WAITING_NAME}"
    assert items[1]["entry"]["status"] == "new_version"  # then the journal, newest first


def test_page_shows_outcomes_with_links_and_escapes_file_names(inbox_client: TestClient) -> None:
    body = _all(inbox_client)
    page = inbox_client.get("/inbox")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/inbox">Inbox</a>' in html  # in the navigation of every page
    for item in body["items"]:
        if item["contract"]:
            assert f'href="/contracts/{item["contract"]["record_id"]}"' in html
    (failed,) = _by_status(body["items"], "failed")
    assert "What to do: " + failed["entry"]["hint"] in html
    assert "<img src=x" not in html and "scan of NDA &lt;img src=x onerror=alert(1)&gt;.pdf" in html
    assert "a new version of <a href=" in html and "same bytes as <a href=" in html
    assert html.count('<tr class="status-') == body["total"]


@pytest.mark.parametrize("status", ["ingested", "new_version", "duplicate", "failed", "waiting"])
def test_filter_by_status(inbox_client: TestClient, status: str) -> None:
    body = _all(inbox_client, status=status)
    assert body["total"] == body["counts"][status] == len(body["items"]) > 0
    assert {item["entry"]["status"] for item in body["items"]} == {status}
    html = inbox_client.get("/inbox", params={"status": status}).text
    assert html.count('<tr class="status-') == body["total"]
    assert html.count(f'<tr class="status-{status}"') == body["total"]
    assert 'class="status-' + status + ' active"' in html


def test_pages_of_the_feed_join_up_to_the_whole_feed(inbox_client: TestClient) -> None:
    whole = [(i["entry"]["name"], i["entry"]["status"]) for i in _all(inbox_client)["items"]]
    paged: list[tuple[str, str]] = []
    for offset in range(0, len(whole) + 3, 3):
        body = inbox_client.get("/api/inbox", params={"limit": 3, "offset": offset}).json()
        assert body["total"] == len(whole)
        paged += [(i["entry"]["name"], i["entry"]["status"]) for i in body["items"]]
    assert paged == whole
    assert inbox_client.get("/api/inbox", params={"status": "lost"}).status_code == 422
    assert inbox_client.get("/api/inbox", params={"limit": 0}).status_code == 422


def _tree(home: Path) -> dict[str, str]:
    """Every file under home but SQLite's -wal/-shm side files, with its content hash."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


def test_reading_the_status_moves_and_changes_nothing(
    inbox_client: TestClient, inbox_home: Path
) -> None:
    before = _tree(inbox_home)
    for url in ("/inbox", "/inbox?status=failed", "/api/inbox", "/api/inbox?offset=5"):
        assert inbox_client.get(url).status_code == 200
    assert _tree(inbox_home) == before
    assert (inbox_home / "inbox" / WAITING_NAME).is_file()


def test_a_data_directory_with_no_inbox_yet(tmp_path: Path) -> None:
    home = tmp_path / "not created yet"
    with TestClient(create_app(load_settings(home=home))) as client:
        page = client.get("/inbox")
        assert page.status_code == 200
        assert "Nothing has been dropped yet" in page.text
        body = client.get("/api/inbox").json()
    assert body["journal_found"] is False and body["total"] == 0 and body["items"] == []
    assert not home.exists(), "showing the inbox created nothing"


def test_inbox_api_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/inbox" in spec["paths"]
    assert {p["name"] for p in spec["paths"]["/api/inbox"]["get"]["parameters"]} == {
        "status", "limit", "offset"}
