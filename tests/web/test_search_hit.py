"""A search hit opens its contract at the clause found, the search words marked."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from schemas.record import ContractRecord


def _first_hit_link(client: TestClient, query: str) -> str:
    page = client.get("/search", params={"q": query})
    match = re.search(r'<li class="hit">\s*<div class="hit-head">\s*<a href="([^"]+)"', page.text)
    assert match, page.text
    return html.unescape(match.group(1))


def test_top_hit_opens_the_clause_found_with_words_marked(client: TestClient) -> None:
    top = client.get("/api/search", params={"q": "service credit"}).json()["hits"][0]["hit"]
    link = _first_hit_link(client, "service credit")
    assert link == f"/contracts/{top['record_id']}?hit={top['ordinal']}&q=service+credit#found"
    page = client.get(link.split("#")[0])
    assert page.status_code == 200
    found = page.text.split('<section class="found"', 1)[1].split("</section>", 1)[0]
    quote = found.split('<blockquote class="evidence clause-text">', 1)[1]
    assert re.search(r"<mark>service</mark> <mark>credits?</mark>", quote, re.IGNORECASE)
    open_at = f'href="/contracts/{top["record_id"]}/original#page={top["page"]}"'
    assert f'<a class="open-at-page" {open_at}>open at page {top["page"]}</a>' in found
    assert client.get(f"/contracts/{top['record_id']}/original").headers[
        "content-type"] == "application/pdf"


def test_marks_follow_the_search_meaning_stems_and_prefixes(
    client: TestClient, fixture_records: dict[str, ContractRecord]
) -> None:
    record = fixture_records["msa_sla_exhibit"]
    page = client.get(f"/contracts/{record.id}", params={"q": "terminat*"}).text
    assert re.search(r"<mark>termination</mark>", page, re.IGNORECASE)
    assert 'class="found"' not in page  # no hit named: no panel, only the marks
    plain = client.get(f"/contracts/{record.id}", params={"q": "NOT"}).text
    assert "<mark>" not in plain  # nothing searchable: nothing marked, no error


def test_marked_clause_text_stays_escaped(
    client: TestClient, hostile_record: ContractRecord
) -> None:
    link = _first_hit_link(client, "zebracredit")
    assert link.startswith(f"/contracts/{hostile_record.id}?")
    page = client.get(link.split("#")[0]).text
    assert "<mark>zebracredit</mark> of &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_a_hit_out_of_range_shows_the_contract_without_a_panel(
    client: TestClient, fixture_records: dict[str, ContractRecord]
) -> None:
    record = fixture_records["saas_subscription"]
    page = client.get(f"/contracts/{record.id}", params={"q": "fees", "hit": 10_000})
    assert page.status_code == 200 and 'class="found"' not in page.text
    assert client.get(f"/contracts/{record.id}", params={"hit": -1}).status_code == 422
