"""Which alerts are due today: pure decisions over deadlines and the once-only ledger.

The rules, and why:

* **Lead times** (default 90, 60, 30, 14, 7, 1 days before the date; a contract may
  override them): a reminder for lead time L is *due* once `days_left <= L`.
* **Once only**: every reminder has a ledger key made of the contract, the kind of date,
  the date itself, the lead time and the channel. A key in the ledger is never sent
  again, so re-running a day (or a retried flow) sends nothing twice. The date is part of
  the key, so next year's deadline of a rolling contract starts a fresh set.
* **Catch-up without a burst**: only the *most urgent* due reminder (the smallest due lead
  time) is ever considered. After ten days of downtime a contract 5 days from its deadline
  gets its 7-day reminder, not the 30-, 14- and 7-day ones at once; the stale, less urgent
  ones are simply skipped.
* **Deadline passed**: when a renewing contract's notice deadline went by after at least
  one reminder about it reached a channel, that channel gets one "deadline passed —
  renewed until X" message, for the latest missed deadline only. Contracts nobody was
  warned about (just ingested, or a new channel) get no stale news. A reminded date
  counts as missed only once the contract has moved on to a later term (the date is on
  or before `TrackedDeadline.previous_term_end`): a date that a correction or a new
  version of the file replaced within the same term is not news, the new date is.
* **Delivery failures** are not this module's business: a failed alert is simply not in
  the ledger, so the next run finds it due again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from alerts.errors import InvalidLeadDays
from alerts.models import PASSED_LEAD, Alert, AlertKind, TrackedDeadline
from portfolio.models import AlertEntry, DeadlineKind

MAX_LEAD_DAYS = 3650
"""Ten years: anything longer is a typo, not a procurement cycle."""

_RENEWING = frozenset({DeadlineKind.notice_deadline, DeadlineKind.renewal})


def parse_lead_days(value: str | Iterable[int]) -> list[int]:
    """Lead times from "90,60,30" or a list: whole days 0..3650, most distant first, no repeats.

    0 means "on the day itself". Raises `InvalidLeadDays` naming the bad item.
    """
    items: list[object] = (
        [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, str)
        else list(value)
    )
    days: set[int] = set()
    for item in items:
        try:
            number = int(str(item))
        except ValueError:
            raise InvalidLeadDays(
                f"alert lead time {item!r} is not a whole number of days (e.g. 90,30,7)"
            ) from None
        if not 0 <= number <= MAX_LEAD_DAYS:
            raise InvalidLeadDays(
                f"alert lead time {number} is outside 0..{MAX_LEAD_DAYS} days"
            )
        days.add(number)
    if not days:
        raise InvalidLeadDays("no alert lead times given (e.g. 90,60,30,14,7,1)")
    return sorted(days, reverse=True)


def alert_key(
    record_id: str, kind: DeadlineKind, deadline: date, lead_days: int, channel: str
) -> str:
    """The ledger key of one alert: the identity that makes it once-only."""
    lead = "passed" if lead_days == PASSED_LEAD else f"{lead_days}d"
    return f"{record_id}:{kind.value}:{deadline.isoformat()}:{lead}:{channel}"


def already_sent(key: str, ledger: Iterable[AlertEntry]) -> bool:
    """True if the ledger holds this alert, under this version's id or an earlier one's.

    The ledger follows a contract to its new version (`Portfolio` moves the entries), and
    the entries keep the key they were sent under, so keys compare without the record id.
    """
    about = key.split(":", 1)[1]
    return any(entry.key.split(":", 1)[-1] == about for entry in ledger)


def most_urgent_due(days_left: int, lead_days: Sequence[int]) -> int | None:
    """The smallest lead time already reached, or None when no reminder is due yet."""
    due = [lead for lead in lead_days if days_left <= lead]
    return min(due) if due else None


def due_reminder(tracked: TrackedDeadline, channel: str, today: date) -> Alert | None:
    """The one reminder this contract's next date needs on `channel` today, if any."""
    row = tracked.row
    days_left = (row.due_date - today).days
    lead = most_urgent_due(days_left, tracked.lead_days) if days_left >= 0 else None
    if lead is None:
        return None
    key = alert_key(row.record_id, row.kind, row.due_date, lead, channel)
    if already_sent(key, tracked.ledger):
        return None
    return Alert(
        key=key, kind=AlertKind.reminder, channel=channel, deadline=row.due_date,
        lead_days=lead, today=today, row=row, source=tracked.source,
        schedule=tracked.lead_days, renews_until=tracked.renews_until,
    )


def missed_deadline(tracked: TrackedDeadline, channel: str, today: date) -> Alert | None:
    """The "deadline passed — renewed until X" message `channel` still owes, if any.

    Only for contracts that renew (an expiring contract has no "renewed until"), and only
    about the latest date a reminder went out for on this channel that belonged to an
    earlier term than `row`'s (so it is behind us and the contract renewed). `row` is
    then the next term's date, so `row.current_term_end` is X.
    """
    row = tracked.row
    renewed_after = tracked.previous_term_end
    if row.kind not in _RENEWING or renewed_after is None:
        return None
    warned = [
        entry.deadline
        for entry in tracked.ledger
        if entry.channel == channel and entry.lead_days >= 0
        and entry.deadline < today and entry.deadline <= renewed_after
    ]
    if not warned:
        return None
    missed = max(warned)
    key = alert_key(row.record_id, row.kind, missed, PASSED_LEAD, channel)
    if already_sent(key, tracked.ledger):
        return None
    return Alert(
        key=key, kind=AlertKind.passed, channel=channel, deadline=missed,
        lead_days=PASSED_LEAD, today=today, row=row, source=tracked.source,
        schedule=tracked.lead_days, renews_until=tracked.renews_until,
    )


def plan_alerts(
    tracked: Iterable[TrackedDeadline], channels: Sequence[str], today: date
) -> list[Alert]:
    """Every alert due today, per channel: passed-deadline news first, then reminders.

    Sorted by date (soonest first) so that a partial run sends the most urgent first.
    """
    alerts: list[Alert] = []
    for item in tracked:
        for channel in channels:
            passed = missed_deadline(item, channel, today)
            reminder = due_reminder(item, channel, today)
            alerts += [alert for alert in (passed, reminder) if alert is not None]
    alerts.sort(key=lambda a: (a.kind is not AlertKind.passed, a.row.due_date, a.key))
    return alerts
