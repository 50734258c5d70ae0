"""The watcher process over its life: stopping with Ctrl-C, and a very large contract."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.pipeline import file_sha256
from portfolio import open_portfolio
from tests.conftest import write_pdf
from tests.inbox.conftest import (
    Inventory,
    WatchProcess,
    assert_exactly_once,
    contract_pdf,
    contract_text,
    group_members,
)


def _group_gone(pgid: int, within: float = 15.0) -> bool:
    """True once no process of the group is left (helpers may take a moment to exit)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False



@pytest.mark.slow
def test_ctrl_c_finishes_the_current_batch_then_stops(
    tmp_path: Path, watch_env: dict[str, str], start_watch: Callable[..., WatchProcess]
) -> None:
    """As in a terminal: SIGINT to the whole process group (pool workers and Prefect's
    temporary server included: this watcher starts its own, as a user's would)."""
    env = {k: v for k, v in watch_env.items() if k != "PREFECT_API_URL"}
    home = tmp_path / "home"
    watcher = start_watch("watch", "--home", str(home), "--stable", "0.5", env=env)
    watcher.wait_for(lambda: "watching" in watcher.output(), 90, "the watcher to start")
    dropped = {f"c{n}.pdf": file_sha256(contract_pdf(home / "inbox" / f"c{n}.pdf", n))
               for n in range(6)}
    watcher.wait_for(lambda: Inventory.of(home).unfinished > 0, 30, "the batch to start")

    # generous: finishing the batch means spawning pool workers that load the pipeline,
    # which takes minutes, not seconds, on a loaded 2-core machine
    assert watcher.stop(timeout=240) == 0, watcher.output()

    output = watcher.output()
    assert "stopping after the current batch" in output
    assert output.rstrip().endswith("stopped")
    assert_exactly_once(home, dropped)  # the batch in progress was finished, not dropped
    assert _group_gone(watcher.proc.pid), group_members(watcher.proc.pid)


def _long_contract(pages: int) -> list[str]:
    filler = ("The Provider shall perform the Services diligently and in accordance with good "
              "industry practice, and shall keep records of its performance for audit.\n") * 30
    body = [f"{n + 2}. SCHEDULE {n + 1}\n{filler}" for n in range(pages - 1)]
    return [contract_text(3), *body]


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert match, status
    return int(match.group(1)) / 1024


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_a_300_page_contract_goes_through_with_bounded_memory(
    tmp_path: Path, start_watch: Callable[..., WatchProcess]
) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    big = write_pdf(tmp_path / "Outsourcing Agreement – 300 pages.pdf", _long_contract(300))
    watcher = start_watch("watch", "--home", str(home), "--stable", "0.5")
    watcher.wait_for(lambda: "watching" in watcher.output(), 60, "the watcher to start")
    baseline = _peak_rss_mb(watcher.proc.pid)
    os.replace(big, home / "inbox" / big.name)  # a finished file, moved in
    sha = file_sha256(home / "inbox" / big.name)
    watcher.wait_for(lambda: sha in Inventory.of(home).indexed, 240, "the 300-page contract")
    peak = _peak_rss_mb(watcher.proc.pid)
    assert watcher.stop() == 0

    with open_portfolio(home / "portfolio.db") as portfolio:
        record = portfolio.get(sha)
    assert record is not None and record.pages == 300
    assert record.filename == big.name
    print(f"300 pages: watcher peak RSS {peak:.0f} MB (idle {baseline:.0f} MB)")
    assert peak - baseline < 600, f"extraction grew the watcher by {peak - baseline:.0f} MB"
