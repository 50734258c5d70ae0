"""The record id of a contract file: the sha256 of its bytes.

Its own module so that a process which only fingerprints and stores (the parent of an
ingest, the inbox watcher) does not import the spaCy pipeline with it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """The record id: sha256 of the file bytes (duplicates are found by content, not name)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
