"""Find the original PDF of a record, and refuse everything else.

The web app never opens a path that came from a request. The only input is a record id
(64 hex digits); the file served is one of the places that record's bytes are known to
live:

* the content-addressed archive of the data directory, `archive/3f/3f2a….pdf`;
* the record's `source` path, as it was ingested (relative paths against the working
  directory the server was started in).

Either candidate is served only if its sha256 equals the record id, so a tampered
`source` (`../../etc/passwd`), a swapped file or a symlink to something else is refused:
what the browser gets is exactly the file the record was extracted from.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from schemas.record import ContractRecord

RECORD_ID = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """sha256 of the file bytes, as record ids are computed at ingest."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archived_path(archive: Path, record_id: str) -> Path:
    """Where the inbox archives the original with this sha256."""
    return archive / record_id[:2] / f"{record_id}.pdf"


@dataclass
class OriginalFiles:
    """Locates originals; remembers verified files by (path, size, mtime) to hash once."""

    archive: Path
    base: Path = field(default_factory=Path.cwd)
    _verified: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def candidates(self, record: ContractRecord) -> list[Path]:
        source = Path(record.source)
        if not source.is_absolute():
            source = self.base / source
        return [archived_path(self.archive, record.id), source]

    def locate(self, record: ContractRecord) -> Path | None:
        """The original file of `record`, or None if no candidate holds its exact bytes."""
        if not RECORD_ID.match(record.id):
            return None
        for candidate in self.candidates(record):
            if self._holds(candidate, record.id):
                return candidate
        return None

    def _holds(self, path: Path, record_id: str) -> bool:
        try:
            if not path.is_file() or path.suffix.lower() != ".pdf":
                return False
            stat = path.stat()
        except OSError:
            return False
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        if key not in self._verified:
            try:
                self._verified[key] = file_sha256(path)
            except OSError:
                return False
        return self._verified[key] == record_id
