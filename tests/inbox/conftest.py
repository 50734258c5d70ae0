"""Helpers for the watched-folder tests: distinct contract PDFs, a `contracts watch`
subprocess, and an inventory of where every file ended up."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from extractors.pipeline import file_sha256
from portfolio.sqlite_driver import sqlite3
from tests.conftest import write_pdf

CONTRACTS = Path(sys.executable).with_name("contracts")

PROVIDERS = ["Northwind Cloud Services, Inc.", "Relecloud Hosting Corp.", "Litware, Inc.",
             "Proseware, Inc.", "Tailspin Managed IT, LLC", "Fabrikam Holdings Ltd."]
CUSTOMERS = ["Contoso Manufacturing GmbH", "Wide World Importers, Inc.",
             "Alpine Ski House, LLC", "Fourth Coffee Corporation"]


def contract_text(n: int, *, notice_days: int = 90, extra: str = "") -> str:
    """A short contract, different for each `n` (parties, start month, notice period)."""
    provider = PROVIDERS[n % len(PROVIDERS)]
    customer = CUSTOMERS[n % len(CUSTOMERS)]
    month = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"][n % 12]
    return (
        f"MASTER SERVICES AGREEMENT NO. {n}\n"
        f"This Master Services Agreement is made as of {month} 1, 2024 by and between\n"
        f'{provider}, a Delaware corporation ("Provider"), and\n'
        f'{customer} ("Customer").\n'
        "1. TERM\n"
        "1.1 The initial term of this Agreement is three (3) years from the Effective Date.\n"
        "This Agreement shall automatically renew for successive one (1) year terms unless\n"
        f"either party gives notice of non-renewal at least {notice_days} days prior to the end\n"
        "of the then-current term.\n"
        "2. GOVERNING LAW\n"
        "This Agreement shall be governed by the laws of the State of New York.\n"
        f"{extra}"
    )


def contract_pdf(path: Path, n: int, **kwargs: object) -> Path:
    """Write contract `n` to `path` (a real text PDF), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_pdf(path, [contract_text(n, **kwargs)])  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def prefect_api_url(prefect_server: None) -> str:
    """The session's temporary Prefect API, for `contracts watch` subprocesses to share."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url
    return str(url)


@pytest.fixture()
def watch_env(prefect_api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACTS_")}
    env.update(PREFECT_API_URL=prefect_api_url, PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", CONTRACTS_WORKERS="2",
               PYTHONUNBUFFERED="1")
    return env


def group_members(pgid: int) -> list[str]:
    """Command lines of the live processes of process group `pgid` (from /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            found.append((status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode())
    return found


class WatchProcess:
    """`contracts ARGS` in its own process group, output captured to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._handle = log.open("ab")
        # Started as a terminal's shell starts a command, with Ctrl-C at its default. A test
        # run launched in the background (`make test &`, nohup) inherits SIGINT ignored, and
        # so would the command: `contracts worker` then never stops on the Ctrl-C these
        # tests send. A caught signal is reset to its default in the child.
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            self.proc = subprocess.Popen(
                [str(CONTRACTS), *args], env=env, stdout=self._handle,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        finally:
            signal.signal(signal.SIGINT, previous)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.proc.poll() is not None:
                if condition():
                    return
                raise AssertionError(f"watcher exited ({self.proc.returncode}) before {what}:\n"
                                     + self.output())
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}:\n"
                             + self.output())

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signum)

    def kill(self) -> None:
        """SIGKILL the watcher and every process it started (pool workers)."""
        self.signal_group(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self, timeout: float = 60) -> int:
        """Ctrl-C as a terminal sends it (to the whole group); the exit code. A watcher
        still running after `timeout` fails with its output and its live processes."""
        self.signal_group(signal.SIGINT)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"still running {timeout:.0f} s after Ctrl-C; processes: "
                f"{group_members(self.proc.pid)}; output:\n{self.output()}") from None

    def shutdown(self, timeout: float = 60) -> None:
        """Ctrl-C, then SIGKILL if it has not exited in time (teardown, not a test of Ctrl-C)."""
        try:
            self.stop(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def __enter__(self) -> WatchProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.kill()
        self._handle.close()


@pytest.fixture()
def start_watch(tmp_path: Path, watch_env: dict[str, str]) -> Iterator[Callable[..., WatchProcess]]:
    started: list[WatchProcess] = []

    def start(*args: str, env: dict[str, str] | None = None) -> WatchProcess:
        process = WatchProcess(list(args), env or watch_env, tmp_path / "watch.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.__exit__()


@dataclass
class Inventory:
    """Where things are in a data directory, and what the portfolio and journal hold."""

    inbox: set[str]
    archive: dict[str, Path]  # sha256 -> path
    failed: set[str]
    indexed: set[str]
    unfinished: int

    @classmethod
    def of(cls, home: Path) -> Inventory:
        inbox = {p.relative_to(home / "inbox").as_posix()
                 for p in (home / "inbox").rglob("*") if p.is_file()}
        archive = {p.stem: p for p in (home / "archive").glob("??/*.pdf")}
        failed = {p.name for p in (home / "failed").glob("*") if p.is_file()}
        rows = _rows(home / "portfolio.db", "SELECT id FROM records")
        unfinished = _rows(home / "inbox-journal.db",
                           "SELECT id FROM drops WHERE state NOT IN ('done', 'stuck')")
        return cls(inbox, archive, failed, {str(r[0]) for r in rows}, len(unfinished))


def _rows(database: Path, query: str) -> list[tuple[object, ...]]:
    """Rows of `query`, or none while the file or its tables are still being created."""
    if not database.exists():
        return []
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(query).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    finally:
        conn.close()


def assert_exactly_once(home: Path, dropped: dict[str, str]) -> None:
    """Every dropped file (name -> sha256) is archived and indexed once, nothing else is."""
    seen = Inventory.of(home)
    assert seen.unfinished == 0
    assert seen.inbox == set(), f"left in the inbox: {seen.inbox}"
    assert seen.failed == set(), f"quarantined: {seen.failed}"
    assert set(seen.archive) == set(dropped.values()), "archive holds exactly the dropped files"
    assert seen.indexed == set(seen.archive), "index <=> archive"
    for sha, path in seen.archive.items():
        assert file_sha256(path) == sha, f"{path} is not the complete original"
    assert not list((home / "archive").rglob(".*.partial"))
