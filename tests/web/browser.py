"""Helpers for the browser tests: the app served by uvicorn, and a page that records trouble.

The browser is the system's Chromium (Debian's `chromium` package, `make browser-tools`),
driven by Playwright; Playwright's own browser downloads are never used. A page records
every console error, uncaught exception and Content-Security-Policy violation, and saves
a full-page screenshot of each step for people to look at.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from fastapi import FastAPI

from tests.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

CHROMIUM = Path(os.environ.get("CONTRACTS_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(os.environ.get("CONTRACTS_TEST_SCREENSHOTS",
                                  REPO / "test-artifacts" / "screenshots"))

REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
"""Runs before any page script (injected by the browser, so the page's CSP does not apply)."""


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """`app` under uvicorn on a free loopback port, in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


class BrowserPage:
    """A Playwright page plus what went wrong in it and the screenshots taken of it."""

    def __init__(self, page: Page, base_url: str, test_name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        self.screenshots: list[Path] = []
        self._prefix = re.sub(r"\W+", "-", test_name.removeprefix("test_")).strip("-")
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text} ({message.location})")

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"

    def shot(self, step: str) -> Path:
        """A full-page PNG of the page as it is now, named after the test and the step."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self._prefix}-{len(self.screenshots) + 1:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path)
        return path

    def assert_clean(self) -> None:
        """No console error or warning, no uncaught exception, no CSP violation so far."""
        assert self.problems == [], "\n".join(self.problems)
