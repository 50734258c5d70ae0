"""Files in a watched folder that are not documents, and walking the folder without them.

What lands in a shared inbox besides contracts, and why each is ignored (left where it
is, never moved, never reported as failed):

* Finder and Explorer droppings: `.DS_Store`, `._name` (AppleDouble resource forks, also
  copied onto SMB shares), `Thumbs.db`, `desktop.ini`, and the `__MACOSX/` folder of zips
  unpacked on a Mac;
* Office lock files `~$Contract.docx` and LibreOffice `.~lock.Contract.docx#`;
* files still being written under a temporary name that a browser, sync client or
  scanner renames when done: `*.part`, `*.partial`, `*.crdownload`, `*.download`,
  `*.tmp`, `*.temp`, editor swap files; the final name then arrives as a new file;
* hidden files and folders (a leading dot anywhere below the watched folder), which is
  also how sync clients (`.sync`, `.stfolder`) and trash folders (`.Trash-1000`) hide
  their own state, plus the NAS recycle bins `#recycle` and `@eaDir`.

Anything else is a candidate, whatever its extension: a Word file or a text file named
`.pdf` is moved to `failed/` with a reason, so the person who dropped it finds out.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "icon\r", "__macosx", "#recycle", "@eadir",
                        "$recycle.bin", "system volume information"})
JUNK_PREFIXES = (".", "~$")
JUNK_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp",
                 ".swx", "~")


def is_junk_name(name: str) -> bool:
    """True for a file or folder name that never holds a contract (see the module doc)."""
    lowered = name.casefold()
    return (
        lowered in JUNK_NAMES
        or lowered.startswith(JUNK_PREFIXES)
        or lowered.endswith(JUNK_SUFFIXES)
    )


def is_junk(path: Path, root: Path) -> bool:
    """True if `path` or any folder between `root` and it is junk (e.g. inside `__MACOSX/`)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return True  # not below the watched folder at all
    return any(is_junk_name(part) for part in parts)


def is_regular_file(path: Path) -> bool:
    """A regular file, not a symlink, folder, socket or fifo (and still there)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def candidate_files(root: Path) -> Iterator[Path]:
    """Every regular, non-junk file below `root`, junk folders not entered, symlinks skipped."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not is_junk_name(d))
        for name in sorted(files):
            path = Path(folder) / name
            if not is_junk_name(name) and is_regular_file(path):
                yield path
