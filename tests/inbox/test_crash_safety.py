"""Kill the watcher at any instant, start it again: every file ends up exactly once.

Two ways of killing it:
* at random moments while it works through 20 PDFs (SIGKILL to its whole process group,
  pool workers included), several times in a row, as an OOM killer or a power cut would;
* at each named step of the journal protocol (`inbox.intake.crash_point`), so that the
  narrow windows (file moved but not journaled, record indexed but not journaled) are hit
  every time, not by luck.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.pipeline import file_sha256
from flows.inbox import ingest_inbox
from inbox.intake import CRASH_AT_ENV
from tests.inbox.conftest import Inventory, WatchProcess, assert_exactly_once, contract_pdf

FILES = 20
MAX_KILLS = 4


def _drop(inbox: Path, count: int, first: int = 0) -> dict[str, str]:
    inbox.mkdir(parents=True, exist_ok=True)
    return {f"contract {n:02d}.pdf": file_sha256(contract_pdf(inbox / f"contract {n:02d}.pdf", n))
            for n in range(first, first + count)}


def _wait_started(watcher: WatchProcess, earlier: int) -> None:
    """Until this watcher says it is watching (the log holds `earlier` starts before it).

    Ctrl-C before then meets Python's default handler, not the watcher's, as in a
    terminal; the test must not mistake that for a watcher that ignores Ctrl-C.
    """
    watcher.wait_for(lambda: _starts(watcher) > earlier, 60, "the watcher to start")


def _starts(watcher: WatchProcess) -> int:
    return watcher.output().count("Ctrl-C stops after the current batch")


def _progress(home: Path) -> int:
    seen = Inventory.of(home)
    return len(seen.archive) + len(seen.indexed)


@pytest.mark.slow
def test_sigkill_at_random_points_then_restart_is_exactly_once(
    tmp_path: Path, start_watch: Callable[..., WatchProcess]
) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    home = tmp_path / "home"
    dropped = _drop(home / "inbox", FILES)
    args = ["watch", "--home", str(home), "--stable", "0.5", "--batch", "8"]
    kills = []
    for _ in range(MAX_KILLS):
        if not Inventory.of(home).inbox:
            break
        watcher = start_watch(*args)
        _wait_started(watcher, earlier=len(kills))
        before = _progress(home)
        delay = rng.uniform(0.6, 4.0)
        deadline = time.monotonic() + 30
        time.sleep(delay)
        while _progress(home) == before and time.monotonic() < deadline:
            time.sleep(0.05)  # make sure it is mid-work, not still waiting for stability
        time.sleep(rng.uniform(0.0, 0.5))
        watcher.kill()
        kills.append((round(delay, 2), _progress(home) - before))
    watcher = start_watch(*args)
    _wait_started(watcher, earlier=len(kills))

    def finished() -> bool:
        seen = Inventory.of(home)
        return not seen.inbox and seen.unfinished == 0 and len(seen.indexed) == FILES

    watcher.wait_for(finished, 120, f"the restarted watcher to finish (seed {seed})")
    assert watcher.stop() == 0, watcher.output()
    assert kills, "the watcher was never killed"
    assert_exactly_once(home, dropped)
    print(f"seed {seed}: kills (delay s, files moved or indexed meanwhile) {kills}")


CRASH_POINTS = ["claimed:2", "archiving:2", "archived-file:2", "indexed:1", "failing:1",
                "failed-file:1"]


@pytest.mark.slow
@pytest.mark.parametrize("point", CRASH_POINTS)
def test_killed_at_each_step_of_the_protocol_then_restarted(
    point: str, tmp_path: Path, watch_env: dict[str, str],
    start_watch: Callable[..., WatchProcess],
) -> None:
    home = tmp_path / "home"
    dropped = _drop(home / "inbox", 3)
    (home / "inbox" / "notes.pdf").write_text("not a contract\n")
    crashing = start_watch("watch", "--once", "--home", str(home), "--stable", "0.2",
                           "--workers", "1", env={**watch_env, CRASH_AT_ENV: point})
    assert crashing.proc.wait(timeout=60) == -signal.SIGKILL, crashing.output()
    crashing.__exit__()

    report = ingest_inbox(home=str(home), stable_seconds=0.2, workers=1)  # the restart

    assert all(o.status.value != "duplicate" for o in report.outcomes)
    assert (home / "failed" / "notes.pdf").is_file()
    assert (home / "failed" / "notes.pdf.reason.txt").read_text().startswith("not a PDF: ")
    (home / "failed" / "notes.pdf").unlink()
    (home / "failed" / "notes.pdf.reason.txt").unlink()
    assert_exactly_once(home, dropped)
