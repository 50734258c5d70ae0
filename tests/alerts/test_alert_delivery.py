"""Delivery through apprise to a real SMTP server and a real HTTP endpoint on loopback."""

from __future__ import annotations

import pytest

from alerts import DeliveryFailed, InvalidNotifyUrl, Message
from alerts.delivery import channel_id, open_channels, send
from tests.alert_fixtures import Mailbox, Webhook, free_port

MESSAGE = Message(
    subject="Notice deadline in 9 days: R&D Tools (Fabrikam), 2026-11-30",
    text="R&D Tools (Fabrikam)\n\nThe last day to give notice is 2026-11-30.\n",
    html="<html><body><p>R&amp;D Tools &lt;Fabrikam&gt;: the last day to give notice is "
         "<b>2026-11-30</b>.</p></body></html>\n",
)


def test_email_has_plain_and_html_parts(smtp_server: Mailbox) -> None:
    [channel] = open_channels([smtp_server.url()])
    send(channel, MESSAGE)
    [mail] = smtp_server.messages
    assert mail["Subject"] == MESSAGE.subject
    assert mail["To"] == "admin@example.com"
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    assert "R&D Tools <Fabrikam>: the last day to give notice is 2026-11-30." in \
        plain.get_content()
    assert "R&amp;D Tools &lt;Fabrikam&gt;" in html.get_content()


def test_webhook_gets_the_plain_text(webhook: Webhook) -> None:
    [channel] = open_channels([webhook.url])
    send(channel, MESSAGE)
    [post] = webhook.posts
    assert post["title"] == MESSAGE.subject
    assert post["message"] == MESSAGE.text.rstrip("\n") or post["message"] == MESSAGE.text


def test_http_500_is_a_delivery_failure_with_the_reason(webhook: Webhook) -> None:
    webhook.status = 500
    [channel] = open_channels([webhook.url])
    with pytest.raises(DeliveryFailed, match="500"):
        send(channel, MESSAGE)
    assert webhook.attempts == 1 and webhook.posts == []


def test_closed_port_is_a_delivery_failure() -> None:
    [channel] = open_channels([Mailbox(free_port()).url()])  # nobody listens there
    with pytest.raises(DeliveryFailed, match="not delivered"):
        send(channel, MESSAGE)


def test_channel_ids_are_stable_and_hide_secrets() -> None:
    url = "mailtos://alerts:s3cret-pw@smtp.example.com?to=admin@example.com"
    [channel] = open_channels([url, url, " "])  # duplicates and blanks dropped
    assert channel.id == channel_id(url) == channel_id(url)
    assert channel.id.startswith("mailtos:") and "s3cret" not in channel.id
    assert "s3cret" not in channel.label and "s3cret" not in repr(channel)
    assert channel_id(url) != channel_id(url.replace("admin", "cfo"))


def test_unknown_url_is_refused_without_echoing_it() -> None:
    with pytest.raises(InvalidNotifyUrl, match="nosuchservice") as info:
        open_channels(["nosuchservice://user:hunter2@example.com"])
    assert "hunter2" not in str(info.value)
