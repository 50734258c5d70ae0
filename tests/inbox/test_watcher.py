"""`inbox.watcher.stable_batches` in-process: what reaches a batch, and how fast.

The periodic rescan is the safety net, not the way files are normally found: these tests
set it far beyond their timeouts, so a file only counts as found if events found it.
"""

from __future__ import annotations

import queue
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox.watcher import WatchOptions, stable_batches

NEVER = 3600.0
"""A rescan interval no test waits for."""


class Batches:
    """`stable_batches` running in a thread; what it yields lands in a queue."""

    def __init__(self, options: WatchOptions) -> None:
        self.stop = threading.Event()
        self.found: queue.Queue[list[Path]] = queue.Queue()
        self.errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(options,), daemon=True)
        self._thread.start()

    def _run(self, options: WatchOptions) -> None:
        try:
            for batch in stable_batches(options, self.stop):
                self.found.put(batch)
        except BaseException as exc:  # surfaced by next() and close()
            self.errors.append(exc)

    def next(self, timeout: float) -> list[Path]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert not self.errors, self.errors
            try:
                return self.found.get(timeout=0.1)
            except queue.Empty:
                continue
        raise AssertionError(f"no batch within {timeout:.0f} s")

    def close(self) -> None:
        self.stop.set()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "stable_batches did not stop"
        assert not self.errors, self.errors


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture(params=[None, 0.3], ids=["events", "poll"])
def batches(request: pytest.FixtureRequest, inbox: Path) -> Iterator[Batches]:
    running = Batches(WatchOptions(folder=inbox, stable_seconds=0.3, rescan_seconds=NEVER,
                                   poll_seconds=request.param))
    time.sleep(0.5)  # the OS watch is in place
    yield running
    running.close()


def test_a_drop_is_found_by_its_events(inbox: Path, batches: Batches) -> None:
    (inbox / "msa.pdf").write_bytes(b"%PDF-1.4 one")
    assert batches.next(timeout=10) == [inbox / "msa.pdf"]


@pytest.mark.parametrize("how", ["moved away", "deleted"])
def test_a_replaced_watched_folder_is_watched_again(
    how: str, inbox: Path, tmp_path: Path, batches: Batches
) -> None:
    """Regression: after `rm -rf inbox; mkdir inbox` (a sync client, a share remounted, an
    admin tidying up) the OS watch stayed on the old folder, and drops into the new one
    waited for the next full rescan (a minute by default) instead of a few seconds."""
    (inbox / "first.pdf").write_bytes(b"%PDF-1.4 first")
    assert batches.next(timeout=10) == [inbox / "first.pdf"]
    if how == "moved away":
        inbox.rename(tmp_path / "old inbox")
    else:
        shutil.rmtree(inbox)
    time.sleep(1.0)  # the watcher sees the folder gone (it must not fail meanwhile)
    inbox.mkdir()
    (inbox / "early.pdf").write_bytes(b"%PDF-1.4 early")  # before the watch is back
    time.sleep(1.0)
    (inbox / "later.pdf").write_bytes(b"%PDF-1.4 later")
    found: set[Path] = set()
    deadline = time.monotonic() + 15
    while found != {inbox / "early.pdf", inbox / "later.pdf"}:
        found.update(batches.next(timeout=max(0.1, deadline - time.monotonic())))


def test_stop_ends_the_iteration_while_the_folder_is_gone(inbox: Path) -> None:
    running = Batches(WatchOptions(folder=inbox, stable_seconds=0.3, rescan_seconds=NEVER))
    time.sleep(0.5)
    shutil.rmtree(inbox)
    time.sleep(1.0)
    running.close()
