"""A Prefect API for long-running commands, when the user did not point at one.

* `contracts watch` runs many short flow runs. Without `PREFECT_API_URL`, Prefect starts
  a temporary server on the first run (~8 s); `shielded_temporary_api` starts it up front
  (so the first drop is not slow) with SIGINT blocked in the child, because a terminal's
  Ctrl-C reaches the whole process group, and a server that died of it would fail the
  very batch the watcher is finishing before it stops.
* `contracts worker` serves scheduled deployments. Prefect's temporary server does not run
  the scheduler, so `local_server` starts a real one (`prefect server start`, dashboard
  included) for as long as the worker runs, unless an API is already configured.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

DEFAULT_PORT = 4200

TEMPORARY_SERVER_STARTUP_SECONDS = 120
"""How long a command waits for Prefect's temporary server to answer. Prefect's default
(20 s) is too short on a busy two-core machine (the server imports and migrates its
database in a new process): `contracts watch` then failed to start."""


def allow_slow_temporary_server() -> None:
    """Give Prefect's temporary server `TEMPORARY_SERVER_STARTUP_SECONDS` to start, for
    every start in this process and its children (call before Prefect is imported: its
    settings are read once); an explicit `PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`
    wins."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                          str(TEMPORARY_SERVER_STARTUP_SECONDS))


def configured_api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value() or None


def shielded_temporary_api() -> str:
    """The API URL: the configured one, or Prefect's temporary server started now."""
    url = configured_api_url()
    if url:
        return url
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance Prefect's own client will reuse
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        # the child inherits the blocked mask; stop() uses SIGTERM
        server.start(timeout=TEMPORARY_SERVER_STARTUP_SECONDS)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return server.api_url


def _free_port(preferred: int) -> int:
    """`preferred` if it is free, else any free port (0 asks for any)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the Prefect server exited with code {process.returncode}")
            try:
                if client.get(f"{url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
    raise RuntimeError(f"the Prefect server did not answer at {url} within {timeout:.0f} s")


@contextmanager
def local_server(port: int = DEFAULT_PORT, timeout: float = 120.0) -> Iterator[str]:
    """Yield an API URL: the configured one, or a `prefect server start` run meanwhile.

    While inside, `PREFECT_API_URL` points at it (also for flow-run subprocesses).
    """
    url = configured_api_url()
    if url:
        yield url
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    port = _free_port(port)
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:  # Ctrl-C stops the worker, which then stops the server (it still needs it)
        process = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    previous = os.environ.get("PREFECT_API_URL")
    try:
        _wait_healthy(url, process, timeout)
        os.environ["PREFECT_API_URL"] = url
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
