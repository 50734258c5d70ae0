"""`contracts watch`: the watched folder, one `ingest-inbox` flow run per stable batch.

The loop only wires `inbox.watcher.stable_batches` (what is ready) to the `ingest-inbox`
flow (what happens to it). Stopping is cooperative: `stop` is set by the first Ctrl-C or
SIGTERM; the batch in progress finishes, then the loop returns. A second Ctrl-C, a
SIGKILL or a power cut stop it anywhere; the journal lets the next start finish the job.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flows.inbox import ingest_inbox
from flows.ingest import IngestReport
from inbox.journal import Journal
from inbox.paths import InboxPaths
from inbox.watcher import WatchOptions, stable_batches

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestTarget:
    """Where batches go: the data directory, the portfolio, extraction options."""

    home: str
    store: str | None = None
    workers: int = 0
    today: date | None = None


def watch_folder(
    options: WatchOptions,
    target: IngestTarget,
    stop: threading.Event,
    on_report: Callable[[IngestReport], None],
    on_error: Callable[[Exception], None],
) -> int:
    """Ingest stable batches from `options.folder` until `stop`; the number of flow runs.

    A run that fails (e.g. the portfolio stayed locked) is reported and the loop goes on:
    its files are journaled, and the next run finishes them.
    """
    paths = InboxPaths.under(target.home, options.folder)
    paths.ensure()
    runs = 0
    with Journal(paths.journal) as journal:
        leftovers = journal.unfinished()
    if leftovers:  # a killed watcher left work: finish it before waiting for drops
        logger.info("finishing %d files from a stopped run", len(leftovers))
        _run_batch([], options, target, on_report, on_error)
        runs += 1
    for batch in stable_batches(options, stop):
        _run_batch([str(p) for p in batch], options, target, on_report, on_error)
        runs += 1
        if stop.is_set():
            break
    return runs


def _run_batch(
    files: list[str],
    options: WatchOptions,
    target: IngestTarget,
    on_report: Callable[[IngestReport], None],
    on_error: Callable[[Exception], None],
) -> None:
    try:
        report = ingest_inbox(
            files=files, home=target.home, store=target.store, inbox=str(options.folder),
            workers=target.workers, today=target.today,
        )
    except Exception as exc:  # the watcher outlives a failed run; the journal keeps its files
        on_error(exc)
    else:
        on_report(report)
