"""Sending a message to one notification URL through apprise (as Prefect's own blocks do).

One apprise URL is one *channel*: `mailto://`/`mailtos://` email, `slack://` or a Slack
webhook, `workflows://` or a Teams/Power Automate webhook, `json://`/`jsons://` for any
HTTP endpoint, and every other service apprise knows. Each channel is sent to separately
so that one broken service neither blocks nor duplicates the others: the ledger records
each (alert, channel) pair once it went out.

Channel ids are `scheme:` plus a short hash of the URL, never the URL itself, because URLs
carry passwords and tokens and the id is stored in the ledger and shown in reports.
Email gets the HTML body (apprise adds a plain-text alternative part converted from it);
every other service gets the plain-text body.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

import apprise
from pydantic import BaseModel, ConfigDict, SecretStr

from alerts.errors import DeliveryFailed, InvalidNotifyUrl
from alerts.models import Message

ASSET = apprise.AppriseAsset(
    app_id="contract-intel",
    app_desc="Contract renewal-notice alerts",
)


class Channel(BaseModel):
    """One notification URL, with a safe id and label for ledgers, logs and reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    url: SecretStr


def channel_id(url: str) -> str:
    """`scheme:` + 10 hex digits of sha256(url): stable, short, and free of secrets."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "url"
    return f"{scheme}:{hashlib.sha256(url.encode()).hexdigest()[:10]}"


def _plugin(url: str) -> apprise.plugins.NotifyBase:
    """The apprise service for `url`; `InvalidNotifyUrl` (without the URL's secrets) if none."""
    plugin = apprise.Apprise.instantiate(url, asset=ASSET, suppress_exceptions=True)
    if plugin is None:
        scheme = url.split("://", 1)[0] if "://" in url else url[:12]
        raise InvalidNotifyUrl(
            f"notification URL starting {scheme}://… is not one apprise understands; "
            f"see the README for email, Slack, Teams and webhook examples"
        )
    return plugin


def open_channels(urls: Sequence[str]) -> list[Channel]:
    """Validated channels for the configured URLs (duplicates dropped, order kept)."""
    channels: dict[str, Channel] = {}
    for url in urls:
        url = url.strip()
        if not url:
            continue
        plugin = _plugin(url)
        label = f"{plugin.service_name}: {plugin.url(privacy=True).split('?', 1)[0]}"
        channels.setdefault(url, Channel(id=channel_id(url), label=label, url=SecretStr(url)))
    return list(channels.values())


def send(channel: Channel, message: Message) -> None:
    """Deliver `message` on `channel`; raise `DeliveryFailed` with the service's answer.

    Apprise reports failure as `False` plus log lines; those lines are captured so the
    error says why (HTTP 500, connection refused, authentication failed...).
    """
    notifier = apprise.Apprise(asset=ASSET)
    notifier.add(_plugin(channel.url.get_secret_value()))
    html = notifier[0].notify_format == apprise.NotifyFormat.HTML
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        delivered = notifier.notify(
            body=message.html if html else message.text,
            title=message.subject,
            body_format=apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT,
        )
        answer = " ".join(log.getvalue().split())
    if not delivered:
        raise DeliveryFailed(f"{channel.label}: not delivered ({answer or 'no reason given'})")
