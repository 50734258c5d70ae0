"""Where a contract's PDF lives, for the "PDF:" line of reminders, calendars and sheets.

A record keeps its source as given: `fixtures/contracts/msa.pdf` for `contracts ingest`,
`inbox/msa.pdf` for a dropped file. A dropped file does not stay there: the watcher
moves it to the content-addressed archive (`HOME/archive/3f/3f2a….pdf`), and a reminder
that points a reader at the inbox points at nothing. Such sources are shown as the
archived copy instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from alerts.models import TrackedDeadline
from inbox.paths import InboxPaths


def original_location(source: str, record_id: str, home: Path) -> str:
    """`source` when a file is there (as given, or inside the data directory), else the
    archived original's full path when the archive holds it, else `source` unchanged."""
    given = Path(source)
    if given.is_file() or (not given.is_absolute() and (home / given).is_file()):
        return source
    archived = InboxPaths.under(home).archived_original(record_id)
    return str(archived) if archived.is_file() else source


def with_original_locations(
    tracked: Iterable[TrackedDeadline], home: Path
) -> list[TrackedDeadline]:
    """`tracked` with each `source` replaced by `original_location` (see the module)."""
    return [
        item.model_copy(update={"source": original_location(item.source, item.row.record_id,
                                                            home)})
        for item in tracked
    ]
