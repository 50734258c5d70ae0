"""The search page and /api/search over the fixture portfolio."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from schemas.record import ContractRecord
from web.snippets import MARK_END, MARK_START, snippet_html


def test_search_page_shows_highlighted_hits_with_contract_and_page(client: TestClient) -> None:
    page = client.get("/search", params={"q": '"service credit"'})
    assert page.status_code == 200
    assert "matching clause" in page.text
    assert re.search(r"<mark>service credits?</mark>", page.text, re.IGNORECASE)
    assert re.search(r'href="/contracts/[0-9a-f]{64}/original#page=\d+">page \d+</a>', page.text)
    assert 'value="&#34;service credit&#34;"' in page.text  # the URL's query refills the box


def test_facets_count_and_filter_by_clause_type(client: TestClient) -> None:
    api = client.get("/api/search", params={"q": "credit"}).json()
    types = {f["value"]: f["count"] for f in api["facets"]["clause_types"]}
    assert types and sum(types.values()) == api["total"]
    chosen = next(iter(types))
    narrowed = client.get("/api/search", params={"q": "credit", "type": chosen}).json()
    assert narrowed["total"] == types[chosen]
    assert {h["hit"]["clause_type"] for h in narrowed["hits"]} == {chosen}
    page = client.get("/search", params={"q": "credit"})
    assert f"type={chosen}" in page.text  # facet links keep the query and add the filter


def test_party_and_governing_law_filters(client: TestClient) -> None:
    api = client.get("/api/search", params={"q": "agreement"}).json()
    law = api["facets"]["governing_law"][0]
    by_law = client.get("/api/search", params={"q": "agreement", "law": law["value"]}).json()
    assert by_law["total"] == law["count"]
    party = api["facets"]["parties"][0]
    by_party = client.get("/api/search", params={"q": "agreement", "party": party["value"]})
    assert by_party.json()["total"] >= party["count"]


def test_pagination_keeps_the_query_in_the_url(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "the"}).json()
    assert first["pages"] > 1
    page = client.get("/search", params={"q": "the"})
    assert 'rel="next"' in page.text and "page=2" in page.text and "q=the" in page.text
    second = client.get("/api/search", params={"q": "the", "page": 2}).json()
    first_ids = {(h["hit"]["record_id"], h["hit"]["ordinal"]) for h in first["hits"]}
    second_ids = {(h["hit"]["record_id"], h["hit"]["ordinal"]) for h in second["hits"]}
    assert second["page"] == 2 and not first_ids & second_ids


def test_boolean_query_excludes_a_word(client: TestClient) -> None:
    both = client.get("/api/search", params={"q": "credit"}).json()["total"]
    without = client.get("/api/search", params={"q": "credit -availability"}).json()["total"]
    assert without < both


def test_query_with_nothing_searchable_is_a_plain_error(client: TestClient) -> None:
    page = client.get("/search", params={"q": "NOT cap"})
    assert page.status_code == 400 and 'class="error"' in page.text
    assert client.get("/api/search", params={"q": "NOT cap"}).status_code == 400


def test_empty_query_shows_the_facets_of_every_clause(client: TestClient) -> None:
    page = client.get("/search")
    assert page.status_code == 200 and "Type words to search" in page.text
    assert "sla" in page.text


def test_api_snippets_are_plain_text(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "credit"}).json()["hits"][0]["hit"]
    assert MARK_START not in hit["snippet"] and MARK_END not in hit["snippet"]


def test_snippet_html_escapes_text_and_marks_matches() -> None:
    html = snippet_html(f"a <script>{MARK_START}x{MARK_END}</script> & b")
    assert str(html) == "a &lt;script&gt;<mark>x</mark>&lt;/script&gt; &amp; b"
    assert str(snippet_html(f"{MARK_START}open")) == "<mark>open</mark>"
    assert str(snippet_html(f"stray{MARK_END}")) == "stray"


def test_search_snippets_escape_script_from_a_clause(
    client: TestClient, hostile_record: ContractRecord
) -> None:
    page = client.get("/search", params={"q": "zebracredit"})
    assert hostile_record.id in page.text
    assert "<mark>zebracredit</mark>" in page.text
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_home_keeps_a_shared_query_on_its_way_to_the_search_page(client: TestClient) -> None:
    response = client.get("/?q=%22service+credit%22&type=penalty", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/search?q=%22service+credit%22&type=penalty"
    assert client.get("/", follow_redirects=False).headers["location"] == "/search"
