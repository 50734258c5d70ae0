"""The `Portfolio` interface: every store of contract records (SQLite, Elasticsearch) is one.

Small on purpose: records go in whole and come out whole (`ContractRecord`, keyed by the
sha256 of the file), clauses are searchable, deadlines are computed from the records, and
a ledger remembers which alerts went out. Each backend is its own module; callers get one
from `portfolio.open_portfolio(url)` and never import a backend directly.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Self

from pydantic import JsonValue

from portfolio.errors import UnknownRecord
from portfolio.facets import python_facets
from portfolio.models import (
    AddOutcome,
    AlertEntry,
    ClauseQuery,
    DeadlineDetail,
    DeadlineRow,
    Facets,
    Highlight,
    NoDateContract,
    SearchResult,
    TermStatus,
)
from portfolio.renewals import (
    deadline_details,
    no_date_contracts,
    term_status,
    upcoming_deadlines,
)
from schemas.corrections import new_correction
from schemas.record import ContractRecord, Correction


class Portfolio(ABC):
    """A store of contract records with clause search, deadlines and an alert ledger."""

    # --- records -----------------------------------------------------------------------

    @abstractmethod
    def add(self, record: ContractRecord) -> AddOutcome:
        """Store `record`; idempotent by `record.id`.

        An identical record already stored is left alone (`unchanged`); a different record
        with the same id (re-extracted with a newer extractor) replaces the old one and its
        clauses atomically (`replaced`).
        """

    @abstractmethod
    def add_many(
        self, records: Iterable[ContractRecord], *, as_new_versions: bool = False
    ) -> list[AddOutcome]:
        """`add` for each record, all in one write (all or nothing), outcomes in order.

        A store without multi-document transactions (Elasticsearch) cannot refuse the whole
        batch for one bad document: it stores the others, leaves each rejected contract as
        it was, and raises a `PortfolioError` naming them (re-running the batch is safe).

        `as_new_versions` is the watched inbox's rule: a new record whose file name matches
        a current record's (other bytes) becomes its next version (`new_version`) and the
        old one is marked superseded; both stay stored. Without it names mean nothing.
        """

    @abstractmethod
    def get(self, record_id: str) -> ContractRecord | None:
        """The record with exactly this id, or None."""

    @abstractmethod
    def find(self, id_prefix_or_filename: str) -> list[ContractRecord]:
        """Records a person means by this string, first kind of match that finds any.

        In order: the exact id; an id prefix of 6 or more hex digits (several records
        when the prefix is ambiguous); the file name, case-insensitively (a path is
        reduced to its name); a case-insensitive substring of the file name. A name
        finds current versions only, unless all its matches are superseded.
        """

    def versions(self, filename: str) -> list[ContractRecord]:
        """Every record stored under this file name (case-insensitive), oldest version first.

        Backends may override this with an indexed lookup; the result must not change.
        """
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()
        found = [r for r in self.records() if r.filename.casefold() == name]
        return sorted(found, key=lambda r: r.version)

    @abstractmethod
    def count(self) -> int:
        """Number of records stored."""

    @abstractmethod
    def records(self) -> Iterator[ContractRecord]:
        """Every record, in id order, fetched in batches (safe to write while iterating)."""

    @abstractmethod
    def remove(self, record_id: str) -> bool:
        """Delete the record and its clauses; False if there was no such record."""

    @abstractmethod
    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """The subset of `ids` already stored (ingest skips those files)."""

    # --- search --------------------------------------------------------------------------

    @abstractmethod
    def search(self, query: ClauseQuery, highlight: Highlight | None = None) -> SearchResult:
        """Clauses matching `query`, best first, one page (`limit`/`offset`), with `total`.

        Raises `QuerySyntaxError` when the text has nothing searchable in it.
        """

    def facets(
        self, query: ClauseQuery | None, today: date, within_days: int = 365
    ) -> Facets:
        """Counts of clause types, parties, governing law and renewal months (see `Facets`).

        With a query, the clause facets count the clauses it matches (all of them, not one
        page); without, every clause of the current versions. Months cover
        [today, today + within_days]. Backends may override this with aggregations in the
        store; the result must not change.
        """
        return python_facets(self, query, today, within_days)

    # --- renewals ------------------------------------------------------------------------

    def term_status(self, record: ContractRecord, today: date) -> TermStatus:
        """Where `record`'s term stands as of `today` (see `portfolio.renewals`)."""
        return term_status(record, today)

    def upcoming_deadlines(
        self, today: date, within_days: int, own_roles: frozenset[str] = frozenset()
    ) -> list[DeadlineRow]:
        """Notice deadlines and expirations due in [today, today + within_days], soonest first.

        `own_roles` (lower case, e.g. {"customer"}) names our side of each contract, so
        the row shows the other party as the counterparty; without it, the first party.
        Superseded versions are left out: their successor carries the deadline.
        Backends may override this to pre-filter in the store; the result must not change.
        """
        current = (r for r in self.records() if r.superseded_by is None)
        return upcoming_deadlines(current, today, within_days, own_roles)

    def deadline_details(
        self,
        today: date,
        within_days: int,
        own_roles: frozenset[str] = frozenset(),
        also: Collection[str] = frozenset(),
    ) -> list[DeadlineDetail]:
        """The `upcoming_deadlines` rows with what a reminder says besides the date.

        Plus the next date (today or later, however far off) of each current record named
        in `also`: the alert policy owes "deadline passed" news about contracts it warned,
        whatever their next date. Sorted by due date, then record id.
        Backends may override this to pre-filter in the store; the result must not change.
        """
        return deadline_details(self.records(), today, within_days, own_roles, also)

    def no_date_contracts(self, today: date) -> list[NoDateContract]:
        """Current contracts whose term has no date to act on as of `today`, in id order.

        Evergreen, perpetual and undated terms (including one that cannot be rolled up to
        `today`). Backends may override this; the result must not change.
        """
        return no_date_contracts(self.records(), today)

    def ledger_records(self, before: date) -> set[str]:
        """Ids of the records the alert ledger holds an entry about a date before `before`.

        Ledger entries outlive their records, so the ids of records removed since may be
        among them. Backends may override this with one query; for the stored records the
        result must not change.
        """
        return {
            entry.record_id
            for record in self.records()
            for entry in self.alerts_for(record.id)
            if entry.deadline < before
        }

    # --- corrections ---------------------------------------------------------------------

    def correct(
        self,
        record_id: str,
        field: str,
        value: JsonValue,
        *,
        by: str,
        note: str | None = None,
        at: datetime | None = None,
    ) -> ContractRecord:
        """Correct one field of a stored record; the record as it now reads.

        `value` is text as a person types it ("90 days", "2027-02-28", "yes") or the
        field's JSON form. Raises `schemas.corrections.InvalidCorrection` (naming the
        field) for an unknown field or a bad value, with nothing stored, and
        `UnknownRecord` if there is no such record. See `store_correction`.
        """
        correction = new_correction(field, value, by=by, note=note, at=at)
        return self.store_correction(record_id, correction)

    @abstractmethod
    def store_correction(self, record_id: str, correction: Correction) -> ContractRecord:
        """Keep `correction` apart from the extraction and rewrite the record with it.

        A correction of a field already corrected replaces that correction. From then on
        the record read back has the corrected value (and `corrections` lists it), also
        after the same file is extracted again and stored with `add`/`add_many`: the
        store re-applies its corrections to the new extraction. Removing the record
        removes its corrections; a new version of the file starts without them.
        """

    @abstractmethod
    def undo_correction(self, record_id: str, field: str) -> ContractRecord:
        """Remove the correction of `field`; the record with its extracted value back.

        Raises `UnknownRecord` or `UnknownCorrection`.
        """

    def corrections(self, record_id: str) -> list[Correction]:
        """The corrections of one record, in the order a contract page lists the fields.

        Backends may read them from their own store; the result must not change.
        """
        record = self.get(record_id)
        if record is None:
            raise UnknownRecord(f"no contract with id {record_id} in the portfolio")
        return list(record.corrections)

    # --- alert ledger --------------------------------------------------------------------

    @abstractmethod
    def alert_already_sent(self, key: str) -> bool:
        """True if an alert with this key was recorded."""

    @abstractmethod
    def record_alert(
        self,
        key: str,
        record_id: str,
        deadline: date,
        lead_days: int,
        channel: str,
        sent_at: datetime,
    ) -> bool:
        """Remember that an alert went out; False (and nothing stored) if `key` exists.

        The key makes alerts once-only even when two runs race: only one insert wins.
        Ledger entries outlive replacing or removing the record they were about.
        """

    @abstractmethod
    def alerts_for(self, record_id: str) -> list[AlertEntry]:
        """Alerts sent about one record, oldest first."""

    @abstractmethod
    def set_lead_days(self, record_id: str, lead_days: Sequence[int] | None) -> None:
        """Alert lead times for one contract, overriding the global setting.

        A contract that matters more (or renews on a long procurement cycle) needs earlier
        or more reminders than the rest. `None` removes the override. Stored most distant
        first, without repeats. Raises `UnknownRecord` if the record is not stored.
        """

    @abstractmethod
    def lead_days_overrides(self) -> dict[str, list[int]]:
        """Every per-contract override, record id -> lead days (most distant first)."""

    # --- lifecycle -----------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the instance is unusable afterwards."""

    def __len__(self) -> int:
        return self.count()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
