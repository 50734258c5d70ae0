"""When a file in the watched folder is finished: stable for a while, by our own clock.

A file is stable when there was no event for it for N seconds and a fresh `lstat` shows
the same size and mtime as the last one we took, and it is still a regular file. The cases
this covers:

* a network copy or sync client writing in chunks, with pauses between them: every chunk
  is an event and changes size/mtime, so the clock restarts (N must exceed the longest
  pause; raise it for slow scanners and NFS/SMB shares, whose attribute caches can hide
  a write for a few seconds);
* a scanner that closes the file and reopens it to append the next page: same as above;
* a file written under a temporary name and renamed when done: the temporary name is
  junk, the rename creates the final name as a new file with a fresh clock;
* polling, where events arrive late or not at all: the `lstat` comparison alone still
  proves the file did not change since we last looked;
* a file deleted or replaced by a folder or symlink before it became stable: dropped.

Time is `time.monotonic()` (injectable), never file timestamps, whose clocks on a
network share are not ours.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


class FileStamp(NamedTuple):
    """What we compare to decide that a file did not change."""

    size: int
    mtime_ns: int


def file_stamp(path: Path) -> FileStamp | None:
    """Size and mtime of a regular file; None if it is gone or not a regular file."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return FileStamp(info.st_size, info.st_mtime_ns)


@dataclass
class TrackedFile:
    path: Path
    stamp: FileStamp
    changed_at: float
    """Monotonic time of the last event for it, or of the last stamp change we saw."""


class FileStabilityTracker:
    """Remembers candidate files and hands each out once it has been stable for N seconds."""

    def __init__(
        self, stable_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stable_seconds = stable_seconds
        self._clock = clock
        self._files: dict[Path, TrackedFile] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def observe(self, path: Path, *, event: bool) -> None:
        """Note `path`. An event (`event=True`) restarts its clock; a rescan only does
        so if the size or mtime changed since we last looked."""
        stamp = file_stamp(path)
        if stamp is None:
            self.forget(path)
            return
        now = self._clock()
        tracked = self._files.get(path)
        if tracked is None:
            self._files[path] = TrackedFile(path, stamp, now)
        elif event or stamp != tracked.stamp:
            tracked.stamp, tracked.changed_at = stamp, now

    def forget(self, path: Path) -> None:
        self._files.pop(path, None)

    def forget_all(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.forget(path)

    def pop_stable(self) -> list[Path]:
        """Files quiet for N seconds whose stamp still matches, oldest change first; each is
        forgotten (an event or a rescan brings it back if it is still there later)."""
        now = self._clock()
        ready: list[TrackedFile] = []
        for tracked in list(self._files.values()):
            if now - tracked.changed_at < self.stable_seconds:
                continue
            stamp = file_stamp(tracked.path)
            if stamp is None:
                self.forget(tracked.path)
            elif stamp != tracked.stamp:
                tracked.stamp, tracked.changed_at = stamp, now
            else:
                ready.append(tracked)
        ready.sort(key=lambda t: (t.changed_at, str(t.path)))
        self.forget_all(t.path for t in ready)
        return [t.path for t in ready]
