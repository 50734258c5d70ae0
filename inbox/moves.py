"""Moving dropped files to their final place, so that a crash at any instant loses nothing.

* Within one filesystem a move is a `rename`: atomic, the file is at the old name or at
  the new one, never both, never neither. The folders are fsynced afterwards so the
  rename survives a power cut too.
* Across filesystems (an inbox on a network share, the data directory local) a rename
  fails with EXDEV. The file is copied to a hidden `.<name>.partial` beside the
  destination, fsynced, renamed into place (atomic again), and only then removed from
  the inbox. A crash leaves at worst a `.partial` (removed by `sweep_partials`) or the
  file in both places, which `complete_move` resolves by removing the inbox copy.

`complete_move` is idempotent: the journal calls it again after a crash, with the size
and mtime the file had when it was claimed, so that a *different* file dropped later
under the same name is never mistaken for ours.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from inbox.stability import FileStamp, file_stamp

PARTIAL_SUFFIX = ".partial"


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some network filesystems refuse fsync on folders; the rename still happened
    finally:
        os.close(fd)


def complete_move(src: Path, dest: Path, stamp: FileStamp) -> bool:
    """Finish moving our file `src` to `dest`; True if `dest` holds it afterwards.

    * `dest` exists and `src` is still ours: the move (or copy) already happened, or the
      archive already holds these bytes (content address): remove `src`;
    * `dest` missing and `src` ours: move it;
    * `src` gone or a different file: nothing of ours left to move.
    """
    ours = file_stamp(src) == stamp
    if dest.exists():
        if ours:
            src.unlink()
            fsync_dir(src.parent)
        return True
    if not ours:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(src, dest)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        _copy_across(src, dest)
    fsync_dir(dest.parent)
    fsync_dir(src.parent)
    return True


def _copy_across(src: Path, dest: Path) -> None:
    """Copy to a hidden partial file, fsync, rename into place, then remove `src`."""
    partial = dest.with_name(f".{dest.name}{PARTIAL_SUFFIX}")
    try:
        with src.open("rb") as reader, partial.open("wb") as writer:
            shutil.copyfileobj(reader, writer, 1 << 20)
            writer.flush()
            os.fsync(writer.fileno())
        shutil.copystat(src, partial)
        os.rename(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)
    src.unlink()


def sweep_partials(*folders: Path) -> list[Path]:
    """Remove copies a crash left half-written (`.name.partial`); the inbox still has them."""
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for partial in folder.rglob(f".*{PARTIAL_SUFFIX}"):
            partial.unlink(missing_ok=True)
            removed.append(partial)
    return removed


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem (2).ext`, ... : the first name neither it nor its
    reason file uses (quarantined files never overwrite each other)."""
    stem, suffix = os.path.splitext(name)
    candidate, number = folder / name, 1
    while candidate.exists() or reason_path(candidate).exists():
        number += 1
        candidate = folder / f"{stem} ({number}){suffix}"
    return candidate


def reason_path(quarantined: Path) -> Path:
    """`failed/<name>.reason.txt` beside the quarantined file."""
    return quarantined.with_name(quarantined.name + ".reason.txt")


def write_text_atomic(path: Path, text: str) -> None:
    """Write a small text file so that readers see all of it or none of it."""
    partial = path.with_name(f".{path.name}{PARTIAL_SUFFIX}")
    with partial.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(partial, path)
    fsync_dir(path.parent)
