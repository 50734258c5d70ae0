"""How the commands start Prefect's temporary server: with time to start on a busy machine."""

from __future__ import annotations

import os
import subprocess
import sys

from flows.prefect_api import TEMPORARY_SERVER_STARTUP_SECONDS

READ_SETTING = (
    "from contracts.cli import _quiet_prefect; _quiet_prefect(); "
    "from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as s; "
    "print(s.value())"
)


def _setting_in_a_fresh_process(**env: str) -> str:
    """The startup timeout Prefect uses after the CLI's set-up, read as a command would."""
    clean = {k: v for k, v in os.environ.items()
             if k != "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"}
    result = subprocess.run([sys.executable, "-c", READ_SETTING], env=clean | env,
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_commands_give_the_temporary_server_time_to_start() -> None:
    """Prefect's 20 s default failed `contracts watch` on a loaded two-core machine."""
    assert float(_setting_in_a_fresh_process()) == TEMPORARY_SERVER_STARTUP_SECONDS


def test_an_explicit_setting_wins() -> None:
    chosen = _setting_in_a_fresh_process(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="45")
    assert float(chosen) == 45
