"""One search request as the web app runs it: the query, a page of hits, the facet counts.

Shared by the search page and `/api/search`, so both show the same hits and counts.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from portfolio import ClauseHit, ClauseQuery, Facets, Portfolio, QuerySyntaxError
from schemas.record import ClauseType
from web.snippets import HTML_HIGHLIGHT

PAGE_SIZE = 20


class SearchForm(BaseModel):
    """What the search box and filters hold (all of it in the URL's GET parameters)."""

    q: str = ""
    type: str = ""
    party: str = ""
    law: str = ""
    page: int = Field(default=1, ge=1)

    def params(self) -> dict[str, str]:
        values = {"q": self.q, "type": self.type, "party": self.party, "law": self.law}
        if self.page > 1:
            values["page"] = str(self.page)
        return {key: value for key, value in values.items() if value}

    def clause_type(self) -> ClauseType | None:
        """The clause type filter; an unknown value means no filter."""
        try:
            return ClauseType(self.type) if self.type else None
        except ValueError:
            return None


class Hit(BaseModel):
    """A search hit with the contract's counterparty (snippet still holds the markers)."""

    hit: ClauseHit
    counterparty: str | None


class SearchView(BaseModel):
    form: SearchForm
    total: int = 0
    hits: list[Hit] = Field(default_factory=list)
    facets: Facets
    error: str | None = None
    pages: int = 0


def run_search(
    portfolio: Portfolio, form: SearchForm, today: date, own_roles: frozenset[str]
) -> SearchView:
    """Search (when there is text), page `form.page`, and count facets for the sidebar."""
    query: ClauseQuery | None = None
    if form.q.strip():
        query = ClauseQuery(
            text=form.q,
            clause_type=form.clause_type(),
            party=form.party,
            governing_law=form.law,
            limit=PAGE_SIZE,
            offset=(form.page - 1) * PAGE_SIZE,
        )
    try:
        result = portfolio.search(query, HTML_HIGHLIGHT) if query else None
        facets = portfolio.facets(query, today)
    except QuerySyntaxError as exc:
        return SearchView(form=form, facets=portfolio.facets(None, today), error=str(exc))
    if result is None:
        return SearchView(form=form, facets=facets)
    records = {hit.record_id: portfolio.get(hit.record_id) for hit in result.hits}
    hits = []
    for hit in result.hits:
        record = records[hit.record_id]
        party = record.counterparty(own_roles) if record else None
        hits.append(Hit(hit=hit, counterparty=party.name if party else None))
    return SearchView(
        form=form,
        total=result.total,
        hits=hits,
        facets=facets,
        pages=(result.total + PAGE_SIZE - 1) // PAGE_SIZE,
    )
