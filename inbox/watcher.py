"""Watching a folder for dropped files and handing them out in stable batches.

Three sources feed one `FileStabilityTracker`, so that no file is missed however it
arrives:

1. a startup scan of what is already there (files dropped while nothing was watching);
2. watchfiles events (inotify/FSEvents/ReadDirectoryChangesW), or, with `poll_seconds`,
   watchfiles' polling mode for network shares where those events never fire;
3. a periodic full rescan, for events lost anyway (a folder moved in whole, an event
   queue overflow, a share that reconnected).

The OS watch follows the folder, not its name: if the watched folder is removed or
replaced (`rm -rf inbox; mkdir inbox`, a sync client recreating it, a share remounted),
events stop. The loop notices (the folder's device and inode change), waits while it is
gone without recreating it (an unmounted share must not fill the local disk), then
watches the new folder and scans it at once for what arrived in between.

Each yielded batch holds files that are stable (see `inbox.stability`) at most
`batch_size` long; the caller runs one ingest flow per batch. Setting `stop` ends the
iteration at the next tick (the current batch is the caller's to finish).
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, watch

from inbox.junk import candidate_files, is_junk
from inbox.stability import FileStabilityTracker

logger = logging.getLogger(__name__)

TICK_MS = 250
"""How often the loop wakes without events, to check stability, rescans and `stop`."""


@dataclass(frozen=True)
class WatchOptions:
    folder: Path
    stable_seconds: float = 3.0
    poll_seconds: float | None = None
    rescan_seconds: float = 60.0
    batch_size: int = 50


def scan_into(tracker: FileStabilityTracker, folder: Path) -> int:
    """Observe every candidate file below `folder` (no event: an unchanged file keeps its clock)."""
    count = 0
    for path in candidate_files(folder):
        tracker.observe(path, event=False)
        count += 1
    return count


def _junk_filter(root: Path) -> Callable[[Change, str], bool]:
    def keep(change: Change, raw: str) -> bool:
        return not is_junk(Path(raw), root)

    return keep


def _apply(tracker: FileStabilityTracker, root: Path, change: Change, path: Path) -> None:
    """One watchfiles event into the tracker."""
    match change:
        case Change.added | Change.modified if path.is_dir():
            scan_into(tracker, path)  # a folder moved in whole: its files raise no events
        case Change.added | Change.modified:
            tracker.observe(path, event=True)
        case Change.deleted:
            tracker.forget(path)


def folder_identity(folder: Path) -> tuple[int, int] | None:
    """(device, inode) of `folder`, None if it is not there (or not a folder)."""
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def _changes(
    options: WatchOptions, stop: threading.Event
) -> Generator[set[tuple[Change, str]], None, None]:
    """watchfiles on `options.folder`: a set of changes (maybe empty) every tick."""
    return watch(
        options.folder, watch_filter=_junk_filter(options.folder), stop_event=stop,
        rust_timeout=TICK_MS, yield_on_timeout=True, debounce=TICK_MS * 2,
        raise_interrupt=False, force_polling=options.poll_seconds is not None,
        poll_delay_ms=int((options.poll_seconds or 0.3) * 1000),
        ignore_permission_denied=True,
    )


def stable_batches(options: WatchOptions, stop: threading.Event) -> Iterator[list[Path]]:
    """Yield batches of stable files below `options.folder` until `stop` is set."""
    root = options.folder
    tracker = FileStabilityTracker(options.stable_seconds)
    last_scan: float | None = None  # None: scan on the first tick of the (new) OS watch
    while not stop.is_set():
        identity = folder_identity(root)
        if identity is None:
            logger.warning("the watched folder %s is gone; waiting for it to come back", root)
            while identity is None and not stop.wait(TICK_MS / 1000):
                identity = folder_identity(root)
            if identity is None:
                return
        # The first tick arrives once the OS watch is in place, so the scan then misses
        # nothing dropped before it: at start-up, and after the folder was replaced.
        with closing(_changes(options, stop)) as changes_iter:
            for changes in changes_iter:
                for change, raw in changes:
                    _apply(tracker, root, change, Path(raw))
                if last_scan is None or time.monotonic() - last_scan >= options.rescan_seconds:
                    found = scan_into(tracker, root)
                    if last_scan is None:
                        logger.info("scan of %s: %d candidate files", root, found)
                    last_scan = time.monotonic()
                ready = tracker.pop_stable()
                for start in range(0, len(ready), options.batch_size):
                    if stop.is_set():
                        return
                    yield ready[start : start + options.batch_size]
                if stop.is_set():
                    return
                if folder_identity(root) != identity:
                    logger.warning("the watched folder %s was removed or replaced; "
                                   "watching it again", root)
                    last_scan = None
                    break
            else:
                return  # watchfiles stopped: `stop` was set


def stable_files_now(folder: Path, stable_seconds: float) -> list[Path]:
    """One-shot version for scheduled runs: files unchanged over `stable_seconds` from now."""
    tracker = FileStabilityTracker(stable_seconds)
    if not scan_into(tracker, folder):
        return []
    time.sleep(stable_seconds)
    return tracker.pop_stable()
