"""Clause search on the fixture portfolio: ranking, syntax, filters, highlighting, paging.

The same expectations for every backend: what matches, in which order, how snippets read.
"""

from __future__ import annotations

import pytest

from portfolio.base import Portfolio
from portfolio.errors import QuerySyntaxError
from portfolio.models import ClauseQuery, Highlight, SearchResult
from schemas.record import ClauseType


def search(store: Portfolio, text: str, **filters: object) -> SearchResult:
    return store.search(ClauseQuery(text=text, **filters))  # type: ignore[arg-type]


def headings(result: SearchResult) -> list[str | None]:
    return [hit.heading for hit in result.hits]


# --- ranking -----------------------------------------------------------------------------


def test_phrase_ranks_above_words_apart(loaded: Portfolio) -> None:
    result = search(loaded, "service credit")
    assert set(headings(result)) == {
        "7. Service Levels",
        "8. Service Credits",
        "Schedule 2 - Support",
    }
    assert headings(result)[-1] == "Schedule 2 - Support"  # "Service ... credit", words apart
    assert [hit.phrase_match for hit in result.hits] == [True, True, False]


def test_scores_are_higher_for_better_hits(loaded: Portfolio) -> None:
    result = search(loaded, "availability OR warranty")
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)


def test_heading_weighs_more_than_text(loaded: Portfolio) -> None:
    result = search(loaded, "warranty")
    assert headings(result) == ["7. Warranty", "12. Limitation of Liability"]


def test_hit_carries_contract_and_location(loaded: Portfolio) -> None:
    hit = search(loaded, '"99.9%"', clause_type="sla").hits[0]
    assert hit.title == "Master Services Agreement"
    assert hit.filename == "northwind-msa.pdf"
    assert hit.parties == ["Acme Holdings, Inc.", "Northwind Cloud Services LLC"]
    assert hit.clause_type is ClauseType.sla
    assert hit.heading == "7. Service Levels"
    assert hit.page == 7
    assert hit.ordinal == 1
    stored = loaded.get(hit.record_id)
    assert stored is not None
    clause = stored.clauses[hit.ordinal]
    assert (hit.start, hit.end) == (clause.start, clause.end)


# --- syntax ------------------------------------------------------------------------------


def test_stemming_matches_plural(loaded: Portfolio) -> None:
    assert "Schedule 2 - Support" in headings(search(loaded, "credits"))


def test_quoted_phrase_requires_adjacent_words(loaded: Portfolio) -> None:
    result = search(loaded, '"service credit"')
    assert set(headings(result)) == {"7. Service Levels", "8. Service Credits"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("99.9%", {"7. Service Levels"}),
        ("credit-cap", {"8. Service Credits"}),
        ("1.5%", {"5. Fees and Payment"}),
        ('"unbalanced quote', set()),
        ("Section 11", {"12. Limitation of Liability"}),
        ("heading:warranty", set()),  # no column filter: the phrase "heading warranty"
    ],
)
def test_hostile_input_searches_literally(
    loaded: Portfolio, text: str, expected: set[str]
) -> None:
    assert set(headings(search(loaded, text))) == expected


def test_or(loaded: Portfolio) -> None:
    result = search(loaded, "escrow OR indemnify OR confidence")
    assert set(headings(result)) == {"8. Indemnification", "2. Confidentiality Obligations"}


def test_not_and_minus(loaded: Portfolio) -> None:
    with_cap = set(headings(search(loaded, "monthly fees")))
    assert with_cap == {"7. Service Levels", "8. Service Credits"}
    assert set(headings(search(loaded, "monthly fees NOT exceed"))) == {"7. Service Levels"}
    assert set(headings(search(loaded, "monthly fees -exceed"))) == {"7. Service Levels"}


def test_grouping(loaded: Portfolio) -> None:
    result = search(loaded, "(indemnify OR infringes) patent")
    assert headings(result) == ["8. Indemnification"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("terminat*", {"2. Subscription Term", "4. Termination", "9. Termination for Convenience"}),
        ("indemn*", {"8. Indemnification", "12. Limitation of Liability"}),
        (
            '"written notic"*',
            {
                "3. Term and Renewal",
                "2. Subscription Term",
                "4. Termination",
                "9. Termination for Convenience",
            },
        ),
        ("Availab*", {"7. Service Levels"}),
    ],
)
def test_prefix_finds_stemmed_words(loaded: Portfolio, text: str, expected: set[str]) -> None:
    """`terminat*` must find "terminate"/"termination", stored by Porter as "termin"."""
    assert set(headings(search(loaded, text))) == expected


@pytest.mark.parametrize("text", ["", "NOT credit", "-credit", "OR", '"'])
def test_nothing_searchable_raises(loaded: Portfolio, text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        search(loaded, text)


def test_no_match_is_empty(loaded: Portfolio) -> None:
    result = search(loaded, "blockchain")
    assert result.total == 0 and result.hits == []


# --- filters ------------------------------------------------------------------------------


def test_clause_type_filter(loaded: Portfolio) -> None:
    result = search(loaded, "credit", clause_type=ClauseType.penalty)
    assert headings(result) == ["8. Service Credits"]
    assert {hit.clause_type for hit in search(loaded, "provider", clause_type="sla").hits} == {
        ClauseType.sla
    }


@pytest.mark.parametrize(
    ("party", "filenames"),
    [
        ("northwind", {"northwind-msa.pdf"}),
        ("NORTHWIND cloud", {"northwind-msa.pdf"}),
        ("ncs", {"northwind-msa.pdf"}),  # an alias only
        ("hooli", {"hooli-support-evergreen.pdf"}),
        ("muller", {"umbrella-perpetual-license.pdf"}),  # "Müller", without the umlaut
        ("MÜLLER", {"umbrella-perpetual-license.pdf"}),
        (
            "acme",
            {"northwind-msa.pdf", "hooli-support-evergreen.pdf", "umbrella-perpetual-license.pdf"},
        ),
        ("   ", None),  # blank filter: no filter
        ("Wayne Enterprises", set()),
    ],
)
def test_party_filter(loaded: Portfolio, party: str, filenames: set[str] | None) -> None:
    result = search(loaded, "provider OR licensor OR customer OR supplier", party=party)
    everything = search(loaded, "provider OR licensor OR customer OR supplier")
    expected = {h.filename for h in everything.hits} if filenames is None else filenames
    assert {hit.filename for hit in result.hits} == expected


def test_party_filter_does_not_match_across_names(loaded: Portfolio) -> None:
    assert search(loaded, "provider", party="inc. northwind").total == 0


@pytest.mark.parametrize(
    ("law", "filenames"),
    [
        ("New York", {"northwind-msa.pdf"}),
        ("new york", {"northwind-msa.pdf"}),
        ("england and wales", {"initech-saas-subscription.pdf"}),
        ("York", set()),  # whole value, not a substring
    ],
)
def test_governing_law_filter(loaded: Portfolio, law: str, filenames: set[str]) -> None:
    assert {
        hit.filename for hit in search(loaded, "agreement OR customer", governing_law=law).hits
    } == filenames


def test_filters_combine(loaded: Portfolio) -> None:
    result = search(
        loaded,
        "written notice",
        clause_type="termination",
        party="initech",
        governing_law="England and Wales",
    )
    assert headings(result) == ["9. Termination for Convenience"]
    assert search(loaded, "written notice", clause_type="termination", party="northwind").total == 0


# --- highlighting ----------------------------------------------------------------------------


def test_default_markers(loaded: Portfolio) -> None:
    snippet = search(loaded, "availability", clause_type="sla").hits[0].snippet
    assert "«Availability»" in snippet
    assert "«available»" in snippet  # Porter stems both to "avail"
    assert snippet.endswith("…")


def test_phrase_highlighted_as_one_span(loaded: Portfolio) -> None:
    snippets = [hit.snippet for hit in search(loaded, '"service credit"').hits]
    assert any("«service credit»" in s for s in snippets)


def test_custom_markers_and_length(loaded: Portfolio) -> None:
    result = loaded.search(
        ClauseQuery(text="convenience"),
        Highlight(start="<mark>", end="</mark>", ellipsis="...", tokens=4),
    )
    snippet = result.hits[0].snippet
    assert "<mark>convenience</mark>" in snippet
    assert "«" not in snippet
    assert snippet.startswith("...") or snippet.endswith("...")


def test_short_clause_snippet_is_whole_text(loaded: Portfolio) -> None:
    hit = search(loaded, "outages").hits[0]
    assert hit.snippet == "Service «outages» over four hours in a month earn Customer a credit."


# --- paging ----------------------------------------------------------------------------------


def test_pagination(loaded: Portfolio) -> None:
    text = "agreement OR customer OR provider OR licensor"
    full = search(loaded, text, limit=100)
    assert full.total == len(full.hits) > 6
    pages = [search(loaded, text, limit=3, offset=offset) for offset in range(0, full.total, 3)]
    assert all(page.total == full.total for page in pages)
    paged = [(h.record_id, h.ordinal) for page in pages for h in page.hits]
    assert paged == [(h.record_id, h.ordinal) for h in full.hits]
    assert len(set(paged)) == full.total


@pytest.mark.parametrize("text", ["customer", "monthly fees"])
@pytest.mark.parametrize("party", [None, "acme"])
def test_offset_past_the_end_keeps_total(
    loaded: Portfolio, text: str, party: str | None
) -> None:
    result = search(loaded, text, party=party, offset=500)
    assert result.hits == []
    assert result.total == search(loaded, text, party=party).total > 0


@pytest.mark.parametrize("bad", [{"limit": 0}, {"offset": -1}, {"limit": 5000}])
def test_query_bounds_are_validated(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ClauseQuery(text="credit", **bad)  # type: ignore[arg-type]
