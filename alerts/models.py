"""What the alert policy decides and what an alert run reports.

These carry data between the pure policy (`alerts.policy`), the message writer
(`alerts.message`), delivery (`alerts.delivery`), the calendar and spreadsheet exports,
the `renewal_alerts` flow and the CLI, so none of them passes loose dicts around.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from portfolio.models import AlertEntry, DeadlineRow, TermState

PASSED_LEAD = -1
"""`lead_days` recorded in the ledger for a "deadline passed" message (reminders are >= 0)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackedDeadline(_Model):
    """One contract's next date to act on, with what alerts and calendars need about it."""

    row: DeadlineRow = Field(description="the next notice deadline, renewal or expiration")
    source: str = Field(description="where the PDF lives (the record's `source`)")
    lead_days: list[int] = Field(description="reminder lead times, most distant first")
    renewals_elapsed: int = Field(default=0, description="terms rolled since the first one")
    renews_until: date | None = Field(
        default=None, description="end of the renewal term that follows, if nobody acts"
    )
    previous_term_end: date | None = Field(
        default=None,
        description="last day of the term before the one `row` is about: a reminded date "
                    "on or before it was that term's and has passed (the contract renewed); "
                    "None: `row` is in the first term, or that term is not known",
    )
    ledger: list[AlertEntry] = Field(
        default_factory=list, description="alerts already sent about this contract"
    )
    first_version_id: str | None = Field(
        default=None,
        description="record id of the contract's first version (calendar UIDs stay the same "
                    "when a new version of the file replaces it); None: `row.record_id`",
    )


class AlertKind(StrEnum):
    reminder = "reminder"  # N days before the date
    passed = "passed"  # a notice deadline went by: the contract renewed


class Alert(_Model):
    """One message for one channel, decided by the policy and not yet sent."""

    key: str = Field(description="ledger key: once-only per contract, date, lead time, channel")
    kind: AlertKind
    channel: str = Field(description="channel id (see `alerts.delivery.channel_id`)")
    deadline: date = Field(description="the date the alert is about (the missed one if passed)")
    lead_days: int = Field(description=f"reminder lead time; {PASSED_LEAD} for a passed deadline")
    today: date
    row: DeadlineRow = Field(description="the contract's next date as of `today`")
    source: str
    schedule: list[int] = Field(description="the contract's lead times, for the message footer")
    renews_until: date | None = None

    @property
    def days_left(self) -> int:
        """Days from today to `deadline` (negative once it has passed)."""
        return (self.deadline - self.today).days


class Message(_Model):
    """An alert as words: a subject line, a plain-text body and an HTML body."""

    subject: str
    text: str
    html: str


class DeliveryStatus(StrEnum):
    sent = "sent"
    failed = "failed"  # not recorded: the next run tries again
    preview = "preview"  # --dry-run: nothing sent, nothing recorded


class AlertOutcome(_Model):
    alert: Alert
    subject: str
    status: DeliveryStatus
    error: str | None = None


class Untracked(_Model):
    """A contract with no date to alert on, and why (evergreen, perpetual, undated)."""

    record_id: str
    title: str | None
    filename: str
    state: TermState
    note: str | None = None


class AlertRunReport(_Model):
    """What one run of the renewal alerts did."""

    today: date
    dry_run: bool
    channels: list[str] = Field(description="channel ids alerts were planned for")
    outcomes: list[AlertOutcome] = Field(default_factory=list)
    untracked: list[Untracked] = Field(default_factory=list)

    def count(self, status: DeliveryStatus) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status is status)


class Watchlist(_Model):
    """The portfolio as alerts see it on one day: dated contracts and the ones without a date."""

    tracked: list[TrackedDeadline] = Field(default_factory=list)
    untracked: list[Untracked] = Field(default_factory=list)
