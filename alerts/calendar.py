"""Notice deadlines as an iCalendar file: one all-day event per date, alarms at the lead times.

Importing the file again must update events, not duplicate them, so each event's UID is
built from what stays the same while the date moves: the record id and the kind of date
(`<sha256>-notice_deadline@contract-intel`). When a rolling contract moves on to next
year's deadline, the same UID carries the new date and a higher SEQUENCE (the number of
renewals rolled so far), which is what calendar programs compare to accept an update.
DTSTAMP is when the file was written (in tests, the `--today` date at midnight UTC).

Alarms are VALARMs relative to the event's start (`TRIGGER:-P14D` = 14 days before the
date, at midnight, local time), one per lead time of that contract. Calendar programs
differ: Apple Calendar and Thunderbird keep every alarm, Outlook one reminder per event,
and Google Calendar's import ignores imported alarms.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from alerts.message import clause_quote, days_text, who
from alerts.models import TrackedDeadline
from portfolio.models import DeadlineKind

PRODID = "-//contract-intel//Contract notice deadlines//EN"

_SUMMARY = {
    DeadlineKind.notice_deadline: "Notice deadline",
    DeadlineKind.renewal: "Auto-renewal",
    DeadlineKind.expiration: "Contract expires",
}
_ALARM_NOUN = {
    DeadlineKind.notice_deadline: "notice deadline",
    DeadlineKind.renewal: "auto-renewal",
    DeadlineKind.expiration: "expiry",
}


def event_uid(first_version_id: str, kind: DeadlineKind) -> str:
    """Stable across exports: the contract (by its first version, so a re-signed copy
    updates the event) and the kind of date, not the date itself."""
    return f"{first_version_id}-{kind.value}@contract-intel"


def describe(tracked: TrackedDeadline) -> str:
    """Event description: what the date means and where to check it (no "days left": the
    text must stay true for as long as the event sits in a calendar)."""
    row = tracked.row
    if row.kind is DeadlineKind.expiration:
        lines = [f"{who(row)} ends on this day and does not renew automatically."]
    else:
        until = f", until {tracked.renews_until.isoformat()}" if tracked.renews_until else ""
        term = f" for {row.renewal_term}{until}" if row.renewal_term else ""
        first = ("Last day to give notice of non-renewal for" if row.kind is
                 DeadlineKind.notice_deadline else "Last day of the term of")
        lines = [f"{first} {who(row)}. Without notice it renews{term}.", "",
                 f"Term ends: {row.current_term_end.isoformat()}"]
    lines += [f"Renewal term: {row.renewal_term or '—'}",
              f"Notice period: {row.notice_period or '—'}"]
    quote = clause_quote(row)
    if quote:
        lines += ["", f"{quote[0]}:", f"“{quote[1]}”"]
    lines += ["", f"PDF: {tracked.source}", f"Record: contracts show {row.record_id[:12]}"]
    return "\n".join(lines)


def _alarm(lead_days: int, tracked: TrackedDeadline) -> Alarm:
    what = _ALARM_NOUN[tracked.row.kind]
    text = (f"Today: {what}" if lead_days == 0 else f"{days_text(lead_days)} to the {what}")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{text}: {who(tracked.row)}")
    alarm.add("trigger", timedelta(days=-lead_days))
    return alarm


def deadline_event(tracked: TrackedDeadline, stamp: datetime) -> Event:
    """The all-day VEVENT for one contract date, with one VALARM per lead time."""
    row = tracked.row
    event = Event()
    event.add("uid", event_uid(tracked.first_version_id or row.record_id, row.kind))
    event.add("dtstamp", stamp)
    event.add("sequence", tracked.renewals_elapsed)
    event.add("dtstart", row.due_date)
    event.add("dtend", row.due_date + timedelta(days=1))
    event.add("summary", f"{_SUMMARY[row.kind]}: {who(row)}")
    event.add("description", describe(tracked))
    event.add("categories", ["Contract deadline"])
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    for lead in tracked.lead_days:
        if 0 <= lead <= row.days_left:  # an alarm already behind us would only show as missed
            event.add_component(_alarm(lead, tracked))
    return event


def deadline_calendar(tracked: Iterable[TrackedDeadline], stamp: datetime) -> Calendar:
    """A VCALENDAR holding one event per tracked date. `stamp` must be timezone-aware."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Contract deadlines")
    for item in tracked:
        calendar.add_component(deadline_event(item, stamp))
    return calendar


def write_ics(path: Path, tracked: Iterable[TrackedDeadline], stamp: datetime) -> int:
    """Write the calendar file; the number of events written."""
    calendar = deadline_calendar(tracked, stamp)
    path.write_bytes(calendar.to_ical())
    return len(calendar.events)
