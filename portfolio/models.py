"""What the portfolio takes and gives back: queries, search hits, deadline rows, alert entries.

These are the only shapes that cross the `Portfolio` interface, so the CLI, the web app and
the alerts package can rely on them whichever backend stores the records.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.record import ClauseType, Duration, Evidence


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddOutcome(StrEnum):
    """What `Portfolio.add` did with a record (records are keyed by the file's sha256)."""

    added = "added"
    unchanged = "unchanged"
    replaced = "replaced"
    new_version = "new_version"  # added, superseding the current record of the same file name


class ClauseQuery(_Model):
    """A clause search as a contract admin asks it: search text plus optional filters.

    `text` uses the syntax in `portfolio.query` (words, "phrases", OR, AND, NOT, -word,
    parentheses, prefix*). `party` is a case-insensitive substring of any party name or
    alias; `governing_law` matches the record's governing law case-insensitively, exactly.
    """

    text: str
    clause_type: ClauseType | None = None
    party: str | None = None
    governing_law: str | None = None
    limit: int = Field(default=20, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)
    all_versions: bool = Field(
        default=False, description="also search superseded versions (by default: current ones)"
    )

    @field_validator("party", "governing_law")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        """An empty filter box means "no filter", not "match the empty string"."""
        if value is None:
            return None
        value = value.strip()
        return value or None


class Highlight(_Model):
    """How matched words are marked in snippets.

    The default guillemets are safe inside rich markup (the CLI); a web page would pass
    its own markers. `snippet()` does not escape the clause text, so for HTML use
    sentinel markers (e.g. "\\x02"/"\\x03"), escape the snippet, then swap the sentinels for
    `<mark>`/`</mark>`.
    """

    start: str = "«"
    end: str = "»"
    ellipsis: str = "…"
    tokens: int = Field(default=24, ge=1, le=64, description="snippet length in tokens")


class ClauseHit(_Model):
    """One matching clause, with enough of its contract to show and open it."""

    record_id: str
    title: str | None
    filename: str
    parties: list[str]
    clause_type: ClauseType
    ordinal: int = Field(description="position of the clause in the record's clause list")
    heading: str | None
    page: int
    start: int
    end: int
    snippet: str
    score: float = Field(description="BM25 relevance; higher is better")
    phrase_match: bool = Field(
        default=False, description="the query's bare words occur here as an exact phrase"
    )
    version: int = Field(default=1, description="the contract version the clause belongs to")
    superseded: bool = Field(default=False, description="a newer version of the file exists")


class SearchResult(_Model):
    """A page of hits plus the total number of matching clauses (for pagination)."""

    query: ClauseQuery
    fts_query: str = Field(description="the FTS expression actually run (for debugging)")
    total: int
    hits: list[ClauseHit]


class TermState(StrEnum):
    """Where a contract's term stands on a given day."""

    renewing = "renewing"  # auto-renews; the next act-by date is known
    ending = "ending"  # ends on its term end, today or later, unless extended
    expired = "expired"  # ended before today and does not renew (or cannot be rolled)
    perpetual = "perpetual"  # no end at all (e.g. a perpetual licence)
    evergreen = "evergreen"  # runs until terminated on notice: no date to act by
    undated = "undated"  # no expiration date and no start date + initial term


class DeadlineKind(StrEnum):
    """What happens on a deadline row's date."""

    notice_deadline = "notice_deadline"  # last day to give notice, or it renews
    renewal = "renewal"  # auto-renews after this day; no notice period was found
    expiration = "expiration"  # the contract simply ends on this day


class TermStatus(_Model):
    """A contract's term position as of `as_of` (see `portfolio.renewals.term_status`)."""

    record_id: str
    as_of: date
    state: TermState
    kind: DeadlineKind | None = None
    due_date: date | None = Field(default=None, description="the date to act by or the end date")
    days_left: int | None = None
    current_term_end: date | None = None
    renewal_term: Duration | None = None
    notice_period: Duration | None = None
    renewals_elapsed: int = 0
    note: str | None = Field(default=None, description="why the status is uncertain, if it is")


class DeadlineRow(_Model):
    """One line of the upcoming-deadlines list."""

    record_id: str
    title: str | None
    filename: str
    counterparty: str | None
    kind: DeadlineKind
    due_date: date
    days_left: int
    current_term_end: date
    renewal_term: Duration | None
    notice_period: Duration | None
    evidence: Evidence | None = Field(
        default=None,
        description="the notice clause for notice deadlines, the expiration/term text otherwise",
    )
    note: str | None = None


class DeadlineDetail(_Model):
    """A deadline row with what a reminder or a calendar event says besides the date."""

    row: DeadlineRow
    source: str = Field(description="where the PDF lives (the record's `source`)")
    renewals_elapsed: int = Field(default=0, description="terms rolled since the first one")
    renews_until: date | None = Field(
        default=None, description="end of the renewal term that follows, if nobody acts"
    )


class NoDateContract(_Model):
    """A current contract whose term has no date to act on (evergreen, perpetual, undated).

    `state`, `note` and `notice_period` are its `TermStatus`'s on the day asked.
    """

    record_id: str
    title: str | None
    filename: str
    state: TermState
    note: str | None = None
    notice_period: Duration | None = None


class AlertEntry(_Model):
    """One alert that was sent (the once-only ledger)."""

    key: str
    record_id: str
    deadline: date
    lead_days: int
    channel: str
    sent_at: datetime


class FacetCount(_Model):
    """One value of a facet and how many clauses (or contracts, for months) have it."""

    value: str
    count: int


class Facets(_Model):
    """Counts for a search sidebar (rules in `portfolio.facets`).

    Clause facets count matching clauses; `renewal_months` counts current contracts with
    a due date in each month ("2026-11") of the window, narrowed by the query's party and
    governing law (not by its text or clause type, which are about clauses).
    """

    clause_types: list[FacetCount]
    parties: list[FacetCount]
    governing_law: list[FacetCount]
    renewal_months: list[FacetCount]
