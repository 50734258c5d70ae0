"""Ctrl-C and the extraction pool: workers never die of it, the parent never loses it."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from types import FrameType

from extractors.batch import _spawning


def test_ctrl_c_while_a_worker_spawns_reaches_the_parent_afterwards() -> None:
    """Ignoring SIGINT during a spawn discarded a Ctrl-C that landed then: `contracts
    watch` never heard it and kept running (seen under load, when spawns are slow)."""
    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        with _spawning():
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            time.sleep(0.05)
            assert received == [], "held back while the worker starts"
        deadline = time.monotonic() + 2
        while not received and time.monotonic() < deadline:
            time.sleep(0.01)
        assert received == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)


def _report_sigint_blocked(answers: multiprocessing.SimpleQueue) -> None:  # type: ignore[type-arg]
    answers.put(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set()))


def test_a_worker_started_while_spawning_cannot_die_of_ctrl_c() -> None:
    context = multiprocessing.get_context("spawn")
    answers = context.SimpleQueue()
    with _spawning():
        worker = context.Process(target=_report_sigint_blocked, args=(answers,))
        worker.start()
    worker.join(60)
    assert answers.get() is True, "the worker starts with SIGINT blocked"
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set()), (
        "and the parent has it back")
