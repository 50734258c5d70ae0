"""Where the watched-folder workflow keeps things, all derived from the data directory.

`CONTRACTS_HOME` holds `inbox/` (watched; any folder can be watched instead), `archive/`
(every ingested original, content-addressed: `archive/3f/3f2a….pdf`, never deleted),
`failed/` (unreadable files beside `<name>.reason.txt`), and the inbox journal
(`inbox-journal.db`, its lock file beside it). Paths are absolute, so a change of working
directory never moves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

JOURNAL_NAME = "inbox-journal.db"


class InboxLayoutError(ValueError):
    """The watched folder overlaps archive/ or failed/ (files would be ingested twice)."""


@dataclass(frozen=True)
class InboxPaths:
    home: Path
    inbox: Path
    archive: Path
    failed: Path

    @classmethod
    def under(cls, home: str | Path, inbox: str | Path | None = None) -> InboxPaths:
        """The layout in data directory `home`, watching `inbox` (default `HOME/inbox`)."""
        home = Path(home).expanduser().resolve()
        watched = Path(inbox).expanduser().resolve() if inbox else home / "inbox"
        return cls(home=home, inbox=watched, archive=home / "archive", failed=home / "failed")

    @property
    def journal(self) -> Path:
        return self.home / JOURNAL_NAME

    @property
    def lock(self) -> Path:
        return self.home / (JOURNAL_NAME + ".lock")

    def ensure(self) -> None:
        """Create the folders; refuse a watched folder that contains or sits in the others."""
        for kept in (self.archive, self.failed):
            if kept == self.inbox or kept.is_relative_to(self.inbox):
                raise InboxLayoutError(
                    f"the watched folder {self.inbox} contains {kept}: watch a folder of its "
                    "own (e.g. HOME/inbox), or every archived file would be ingested again"
                )
            if self.inbox.is_relative_to(kept):
                raise InboxLayoutError(f"the watched folder {self.inbox} is inside {kept}")
        for folder in (self.home, self.inbox, self.archive, self.failed):
            folder.mkdir(parents=True, exist_ok=True)

    def archived_original(self, sha256: str) -> Path:
        """Content address of an original: `archive/<first two hex digits>/<sha256>.pdf`."""
        return self.archive / sha256[:2] / f"{sha256}.pdf"

    def shown(self, path: Path) -> str:
        """`path` relative to the data directory when inside it (for journals and reports)."""
        return str(path.relative_to(self.home)) if path.is_relative_to(self.home) else str(path)

    def resolve(self, shown: str) -> Path:
        """Inverse of `shown`."""
        path = Path(shown)
        return path if path.is_absolute() else self.home / path
