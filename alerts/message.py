"""Alerts as words: a subject, a plain-text body (chat, webhooks) and an HTML body (email).

A contract admin reads the alert on a phone between meetings, so it answers in order:
which contract, with whom, the last day to act, how many days are left, what happens if
nothing is done, the clause that says so (quoted, with its page), and where the PDF is.
Everything taken from the contract is escaped in the HTML body: a title or a clause may
contain `<`, `&` or anything else a PDF holds.
"""

from __future__ import annotations

import textwrap
from datetime import date
from html import escape

from alerts.models import Alert, AlertKind, Message
from portfolio.models import DeadlineKind, DeadlineRow

QUOTE_WIDTH = 76
"""Plain-text line width for the quoted clause."""

MAX_QUOTE = 900
"""Longest clause quote in characters (chat services cut long messages)."""


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def days_text(n: int) -> str:
    return f"{n} day" if abs(n) == 1 else f"{n} days"


def who(row: DeadlineRow) -> str:
    """The contract as people name it: title (counterparty)."""
    title = row.title or row.filename
    return f"{title} ({row.counterparty})" if row.counterparty else title


def subject(alert: Alert) -> str:
    """One line that says what and when, for an inbox list or a chat preview."""
    row = alert.row
    if alert.kind is AlertKind.passed:
        return (f"Notice deadline passed: {who(row)} renewed until "
                f"{row.current_term_end.isoformat()}")
    when = "TODAY" if alert.days_left == 0 else f"in {days_text(alert.days_left)}"
    what = {
        DeadlineKind.notice_deadline: "Notice deadline",
        DeadlineKind.renewal: "Automatic renewal",
        DeadlineKind.expiration: "Contract expires",
    }[row.kind]
    return f"{what} {when}: {who(row)}, {alert.deadline.isoformat()}"


def headline(alert: Alert) -> str:
    """The opening sentences: the date, the days left, and what happens if nobody acts."""
    row = alert.row
    left = "today is the last day" if alert.days_left == 0 else f"{days_text(alert.days_left)} left"
    if alert.kind is AlertKind.passed:
        if row.kind is DeadlineKind.renewal:
            return (f"The renewal date {_long_date(alert.deadline)} has passed: unless notice "
                    f"was given, the contract renewed and now runs until "
                    f"{_long_date(row.current_term_end)}.")
        return (f"The last day to give notice of non-renewal, {_long_date(alert.deadline)}, has "
                f"passed. Unless notice was given, the contract renews and now runs until "
                f"{_long_date(row.current_term_end)}. The next notice deadline is "
                f"{row.due_date.isoformat()} ({days_text(row.days_left)} from today).")
    if row.kind is DeadlineKind.expiration:
        return (f"This contract ends on {_long_date(row.due_date)} ({left}) and does not renew "
                f"automatically: renew, replace or let it end.")
    until = alert.renews_until
    renews = (f" it renews for {row.renewal_term}, until {until.isoformat()}" if until
              else " it renews automatically")
    if row.kind is DeadlineKind.renewal:
        return (f"This contract renews automatically after {_long_date(row.current_term_end)} "
                f"({left}); no notice period was found in it, so read the renewal clause to "
                f"see how early notice must be given. Without notice{renews}.")
    return (f"The last day to give notice of non-renewal is {_long_date(row.due_date)} "
            f"({left}). Without notice by then{renews}.")


def facts(alert: Alert) -> list[tuple[str, str]]:
    """Label/value pairs shown as a block in both bodies."""
    row = alert.row
    pairs = [("Contract", row.title or row.filename), ("Counterparty", row.counterparty or "—")]
    if alert.kind is AlertKind.passed:
        pairs.append(("Missed deadline", alert.deadline.isoformat()))
        pairs.append(("Renewed until", row.current_term_end.isoformat()))
        if row.kind is DeadlineKind.notice_deadline:
            pairs.append(("Next deadline", f"{row.due_date.isoformat()}, "
                                           f"{days_text(row.days_left)} left"))
    else:
        label = {DeadlineKind.notice_deadline: "Notice deadline",
                 DeadlineKind.renewal: "Renews after",
                 DeadlineKind.expiration: "Expires"}[row.kind]
        pairs.append((label, f"{alert.deadline.isoformat()} ({alert.deadline:%A}), "
                             f"{days_text(alert.days_left)} left"))
        if row.kind is DeadlineKind.notice_deadline:
            pairs.append(("Term ends", row.current_term_end.isoformat()))
    pairs.append(("Renewal term", str(row.renewal_term) if row.renewal_term else "—"))
    pairs.append(("Notice period", str(row.notice_period) if row.notice_period else "—"))
    return pairs


def clause_quote(row: DeadlineRow) -> tuple[str, str] | None:
    """(label, clause text) for the quoted evidence, whitespace tidied, long text cut."""
    if row.evidence is None:
        return None
    text = " ".join(row.evidence.text.split())
    if len(text) > MAX_QUOTE:
        text = text[: MAX_QUOTE - 1].rstrip() + "…"
    which = "Expiry clause" if row.kind is DeadlineKind.expiration else "Notice clause"
    return f"{which}, page {row.evidence.page}", text


def footer(alert: Alert) -> str:
    schedule = ", ".join(str(d) for d in alert.schedule)
    if alert.kind is AlertKind.passed:
        return f"Sent once per missed deadline. Reminder lead times: {schedule} days."
    which = ("the reminder on the day itself" if alert.lead_days == 0
             else f"the {alert.lead_days}-day reminder")
    return (f"This is {which} (lead times for this contract: {schedule} days). "
            f"Each is sent once.")


def plain_text(alert: Alert) -> str:
    """The message as plain text (chat services, webhooks, calendar descriptions)."""
    row = alert.row
    width = max(len(label) for label, _ in facts(alert)) + 2
    lines = [who(row), "", textwrap.fill(headline(alert), QUOTE_WIDTH), ""]
    lines += [f"{label + ':':<{width}}{value}" for label, value in facts(alert)]
    quote = clause_quote(row)
    if quote:
        label, text = quote
        lines += ["", f"{label}:"]
        lines += textwrap.wrap(f"“{text}”", QUOTE_WIDTH - 2, initial_indent="  ",
                               subsequent_indent="  ")
    lines += ["", f"PDF: {alert.source}", f"Record: contracts show {row.record_id[:12]}"]
    if row.note:
        lines += [f"Note: {row.note}"]
    lines += ["", textwrap.fill(footer(alert), QUOTE_WIDTH)]
    return "\n".join(lines) + "\n"


def html_body(alert: Alert) -> str:
    """The message as HTML (email). Every value from the contract goes through `escape`."""
    row = alert.row
    facts_html = "<br>".join(
        f"<b>{escape(label)}:</b> {escape(value)}" for label, value in facts(alert)
    )
    parts = [
        "<html><body style=\"font-family: sans-serif; font-size: 14px\">",
        f"<h3>{escape(who(row))}</h3>",
        f"<p>{escape(headline(alert))}</p>",
        f"<p>{facts_html}</p>",
    ]
    quote = clause_quote(row)
    if quote:
        label, text = quote
        parts.append(f"<p><b>{escape(label)}:</b></p>")
        # a styled paragraph, not <blockquote>: apprise derives the email's plain-text
        # part from this HTML, and keeps paragraph breaks around a <p> only
        parts.append("<p style=\"border-left: 3px solid #ccc; padding-left: 12px\">"
                     f"“{escape(text)}”</p>")
    parts.append(f"<p>PDF: {escape(alert.source)}<br>"
                 f"Record: contracts show {escape(row.record_id[:12])}</p>")
    if row.note:
        parts.append(f"<p><i>Note: {escape(row.note)}</i></p>")
    parts.append(f"<p style=\"color: #666; font-size: 12px\">{escape(footer(alert))}</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def compose(alert: Alert) -> Message:
    """Subject, plain text and HTML for one alert."""
    return Message(subject=subject(alert), text=plain_text(alert), html=html_body(alert))
