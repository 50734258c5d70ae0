"""Facet counts for a search sidebar: clause types, parties, governing law, renewal months.

Pure counting rules shared by every backend, so that Elasticsearch's aggregations and the
embedded store's Python loop give the same numbers:

* clause facets count *clauses* (each matching clause once per distinct value: a clause of
  a contract with two parties counts for both parties, once each);
* `renewal_months` counts *contracts* with at least one due date (notice deadline,
  renewal day or expiration: `portfolio.due_dates`) in each month of the window, current
  versions only; every month of the window is listed, empty ones with 0;
* the lists are ordered by count, most first, then by value; months in calendar order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from portfolio.due_dates import due_in_window
from portfolio.models import ClauseQuery, FacetCount, Facets
from portfolio.query import fold
from schemas.record import ContractRecord

if TYPE_CHECKING:  # the interface imports this module for its default `facets`
    from portfolio.base import Portfolio

FACET_SIZE = 20
"""Values listed per clause facet (the most frequent)."""


@dataclass(frozen=True)
class MonthSpan:
    """The part of one calendar month inside a window: [first, last], both included."""

    key: str  # "2026-11"
    first: date
    last: date


def month_spans(first: date, last: date) -> list[MonthSpan]:
    """The calendar months that [first, last] touches, each clipped to the window."""
    spans: list[MonthSpan] = []
    start = first
    while start <= last:
        next_month = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = min(last, next_month - timedelta(days=1))
        spans.append(MonthSpan(key=f"{start.year:04d}-{start.month:02d}", first=start, last=end))
        start = next_month
    return spans


def top_counts(counter: Counter[str], size: int = FACET_SIZE) -> list[FacetCount]:
    """The `size` most frequent values, ties broken by value."""
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return [FacetCount(value=value, count=count) for value, count in ordered[:size]]


def month_counts(
    dates_per_contract: Iterable[Iterable[date]], spans: list[MonthSpan]
) -> list[FacetCount]:
    """Contracts with at least one of their dates in each month span."""
    counts = dict.fromkeys((span.key for span in spans), 0)
    for dates in dates_per_contract:
        months = {
            span.key for day in dates for span in spans if span.first <= day <= span.last
        }
        for key in months:
            counts[key] += 1
    return [FacetCount(value=key, count=count) for key, count in counts.items()]


PAGE = 1000
"""Hits fetched per search page when counting every match (the most `ClauseQuery` allows)."""


def _matching_clauses(
    portfolio: Portfolio, query: ClauseQuery
) -> Iterator[tuple[ContractRecord, str]]:
    """(record, clause type) of every clause the query matches, page after page."""
    records: dict[str, ContractRecord | None] = {}
    offset = 0
    while True:
        page = portfolio.search(query.model_copy(update={"limit": PAGE, "offset": offset}))
        for hit in page.hits:
            if hit.record_id not in records:
                records[hit.record_id] = portfolio.get(hit.record_id)
            record = records[hit.record_id]
            if record is not None:
                yield record, hit.clause_type.value
        offset += PAGE
        if offset >= page.total or not page.hits:
            return


def _all_clauses(portfolio: Portfolio) -> Iterator[tuple[ContractRecord, str]]:
    for record in portfolio.records():
        if record.superseded_by is None:
            for clause in record.clauses:
                yield record, clause.type.value


def _narrows(record: ContractRecord, query: ClauseQuery | None) -> bool:
    """The query's party and governing-law filters, as the stores apply them."""
    if query is None:
        return True
    if query.governing_law is not None and (
        record.governing_law is None
        or record.governing_law.casefold() != query.governing_law.casefold()
    ):
        return False
    if query.party is not None:
        wanted = fold(query.party)
        names = (fold(n) for p in record.parties for n in [p.name, *p.aliases])
        return any(wanted in name for name in names)
    return True


def python_facets(
    portfolio: Portfolio, query: ClauseQuery | None, today: date, within_days: int
) -> Facets:
    """Facets computed by reading the records (the embedded store's way; see module doc)."""
    if within_days < 0:
        raise ValueError(f"within_days must be 0 or more, not {within_days}")
    types: Counter[str] = Counter()
    parties: Counter[str] = Counter()
    laws: Counter[str] = Counter()
    clauses = _all_clauses(portfolio) if query is None else _matching_clauses(portfolio, query)
    for record, clause_type in clauses:
        types[clause_type] += 1
        for name in dict.fromkeys(p.name for p in record.parties):
            parties[name] += 1
        if record.governing_law is not None:
            laws[record.governing_law] += 1
    last = today + timedelta(days=within_days)
    current = (
        r for r in portfolio.records() if r.superseded_by is None and _narrows(r, query)
    )
    dates = (due_in_window(record, today, last) for record in current)
    months = month_counts(dates, month_spans(today, last))
    return Facets(
        clause_types=top_counts(types),
        parties=top_counts(parties),
        governing_law=top_counts(laws),
        renewal_months=months,
    )
