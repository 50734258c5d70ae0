"""`contracts worker`: one command runs the whole system on one machine.

It starts a local Prefect server (no PREFECT_API_URL is set here) and serves every
deployment of prefect.yaml with `prefect.serve`. A PDF dropped in the inbox is taken by
an `ingest-inbox` run, whether the run was asked for or came from the schedule.
"""

from __future__ import annotations

import os
import shutil
import socket
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.inbox.conftest import Inventory, WatchProcess

SQLALCHEMY_21 = tuple(int(p) for p in version("sqlalchemy").split(".")[:2]) >= (2, 1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WatchProcess, Path, str]]:
    root = tmp_path_factory.mktemp("worker")
    home = root / "home"
    (home / "inbox").mkdir(parents=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CONTRACTS_") and k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(root / "prefect"), PREFECT_RUNNER_POLL_FREQUENCY="1",
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
               PREFECT_SERVER_ANALYTICS_ENABLED="false", CONTRACTS_WORKERS="1",
               PYTHONUNBUFFERED="1")
    process = WatchProcess(["worker", "--home", str(home), "--port", str(port),
                            "--interval", "4"], env, root / "worker.log")
    try:
        process.wait_for(lambda: "ingest-inbox/ingest-inbox" in process.output(), 180,
                         "the deployments to be served")
        yield process, home, f"http://127.0.0.1:{port}/api"
    finally:
        process.shutdown(timeout=60)
        process.__exit__()


def _drop(home: Path, name: str) -> str:
    shutil.copy(FIXTURES / "mutual_nda.pdf", home / "inbox" / name)
    return name


@pytest.mark.slow
def test_worker_runs_an_inbox_scan_on_request(worker: tuple[WatchProcess, Path, str]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    process, home, api = worker
    _drop(home, "nda.pdf")
    with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as c:
        deployment = c.read_deployment_by_name("ingest-inbox/ingest-inbox")
        assert deployment.parameters["home"] == str(home.resolve())
        c.create_flow_run_from_deployment(deployment.id)
    process.wait_for(lambda: not Inventory.of(home).inbox and len(Inventory.of(home).indexed) == 1,
                     120, "the served run to ingest the dropped PDF")


@pytest.mark.slow
@pytest.mark.xfail(
    SQLALCHEMY_21, strict=False,
    reason="Prefect 3.8.8's scheduler cannot insert scheduled runs with SQLAlchemy 2.1 "
    "(InvalidRequestError: Can't evaluate bulk DML statement); pin SQLAlchemy<2.1",
)
def test_worker_schedule_picks_up_a_drop_by_itself(worker: tuple[WatchProcess, Path, str]) -> None:
    process, home, _ = worker
    before = len(Inventory.of(home).indexed)
    shutil.copy(FIXTURES / "saas_subscription.pdf", home / "inbox" / "saas.pdf")
    deadline = time.monotonic() + 15  # scheduler loop 2 s, runner poll 1 s, run ~5 s
    while time.monotonic() < deadline and len(Inventory.of(home).indexed) == before:
        time.sleep(0.5)
    assert len(Inventory.of(home).indexed) == before + 1, process.output()[-3000:]
