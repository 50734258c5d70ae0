"""Renewal-notice alerts: who must hear about which contract date, when, and how.

* `alerts.policy` — pure decisions: lead times, once-only ledger keys, catch-up after
  downtime, "deadline passed" messages;
* `alerts.watchlist` — the portfolio read for alerts (next date, lead times, ledger);
* `alerts.message` — subject, plain-text and HTML bodies;
* `alerts.delivery` — apprise URLs (email, Slack, Teams, webhooks, ...);
* `alerts.calendar` / `alerts.spreadsheet` — ICS and CSV exports of the deadlines.

The `renewal_alerts` flow (`flows/alerts.py`) wires them together; the date arithmetic
itself is `schemas.terms`, applied per contract by `portfolio.renewals`.
"""

from alerts.errors import AlertError, DeliveryFailed, InvalidLeadDays, InvalidNotifyUrl
from alerts.models import (
    PASSED_LEAD,
    Alert,
    AlertKind,
    AlertOutcome,
    AlertRunReport,
    DeliveryStatus,
    Message,
    TrackedDeadline,
    Untracked,
    Watchlist,
)
from alerts.policy import alert_key, parse_lead_days, plan_alerts

__all__ = [
    "PASSED_LEAD",
    "Alert",
    "AlertError",
    "AlertKind",
    "AlertOutcome",
    "AlertRunReport",
    "DeliveryFailed",
    "DeliveryStatus",
    "InvalidLeadDays",
    "InvalidNotifyUrl",
    "Message",
    "TrackedDeadline",
    "Untracked",
    "Watchlist",
    "alert_key",
    "parse_lead_days",
    "plan_alerts",
]
