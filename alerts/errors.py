"""Errors the alerts package raises, each with a message a contract admin can act on.

Settings mistakes (a lead time that is not a number, a notification URL no service
understands) are caught before anything is sent, so a run never half-delivers because of
a typo; a service that refuses an alert is a `DeliveryFailed`, which the flow retries.
"""

from __future__ import annotations


class AlertError(Exception):
    """A problem with alert settings or with sending an alert."""


class InvalidLeadDays(AlertError, ValueError):
    """Alert lead times that are not whole days between 0 and 3650."""


class InvalidNotifyUrl(AlertError, ValueError):
    """A notification URL that apprise does not understand (typo, unknown service)."""


class DeliveryFailed(AlertError):
    """The notification service did not accept an alert; it stays unsent and is retried."""
