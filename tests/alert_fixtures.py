"""Fixtures for the alert tests: a real SMTP server and a real HTTP server on loopback, and
a portfolio built by extracting the fixture contract PDFs (no hand-made records).

Loaded for the whole suite through `pytest_plugins` in tests/conftest.py, so the alerts,
flows and CLI tests share them.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from portfolio.sqlite import SqlitePortfolio
from schemas.record import ContractRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "contracts"
EXTRACTED_ON = date(2026, 11, 21)


def free_port() -> int:
    """A loopback port nothing listens on (also what a "closed port" test connects to)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def fixture_records() -> dict[str, ContractRecord]:
    """The eight fixture contracts, extracted from their PDFs once per session, by stem."""
    from extractors.pipeline import extract_record

    return {
        pdf.stem: extract_record(pdf, source=f"fixtures/contracts/{pdf.name}", today=EXTRACTED_ON)
        for pdf in sorted(FIXTURES.glob("*.pdf"))
    }


@pytest.fixture()
def fixture_store(tmp_path: Path, fixture_records: dict[str, ContractRecord]) -> str:
    """A fresh portfolio file holding every fixture contract (its path, as flows take it)."""
    path = tmp_path / "home" / "portfolio.db"
    with SqlitePortfolio(path) as portfolio:
        portfolio.add_many(fixture_records.values())
    return str(path)


class Mailbox:
    """What the SMTP server received, parsed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    def url(self, to: str = "admin@example.com") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=contracts@example.com&to={to}"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        """aiosmtpd handler hook: keep each message, accept it."""
        content = envelope.content  # type: ignore[attr-defined]
        raw = content if isinstance(content, bytes) else content.encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        with self.lock:
            return [str(m["Subject"]) for m in self.messages]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


@pytest.fixture()
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server (aiosmtpd) on a loopback port, for the duration of one test."""
    mailbox = Mailbox(free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


class Webhook:
    """A real HTTP endpoint: records every JSON body POSTed, answers with `status`."""

    def __init__(self) -> None:
        self.status = 200
        self.posts: list[dict[str, object]] = []
        self.attempts = 0
        self.lock = threading.Lock()
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with webhook.lock:
                    webhook.attempts += 1
                    status = webhook.status
                    if status < 300:
                        webhook.posts.append(json.loads(body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the test output is for the assertions."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.url = f"json://127.0.0.1:{self.port}/hook"

    def titles(self) -> list[str]:
        with self.lock:
            return [str(post["title"]) for post in self.posts]


@pytest.fixture()
def webhook() -> Iterator[Webhook]:
    """A stdlib HTTP server in a thread, receiving apprise's `json://` webhook posts."""
    hook = Webhook()
    thread = threading.Thread(target=hook.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()
