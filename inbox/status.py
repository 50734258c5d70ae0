"""The inbox as a contract admin sees it: recent drops, failures with reason and hint.

Read-only, from the most authoritative source for each kind of file, never moving or
creating anything (the watcher may be working at the same moment):

* the journal (`inbox.history.JournalView`): every file the worker took, and what became
  of it: ingested, a new version, a duplicate, failed, or still on its way;
* `failed/<name>.reason.txt`: the reason and hint for a quarantined file when its journal
  row holds none, and for quarantined files the journal does not know at all (a journal
  lost or deleted; the reason file is then all there is);
* the watched folder `HOME/inbox/`: files dropped but not taken yet (still being copied,
  or no watcher running), listed as `waiting`.

The feed is those three, in that order (files still in the inbox are the newest; files
known only from `failed/` predate the journal), each newest first, paged as one list.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from inbox.history import DropStatus, JournalRow, JournalView
from inbox.journal import DropOutcome, DropState
from inbox.junk import candidate_files, is_junk_name, is_regular_file
from inbox.moves import reason_path
from inbox.paths import InboxPaths

REASON_SUFFIX = ".reason.txt"

VANISHED = ("vanished", "the file was removed from the inbox while being processed",
            "drop it again if it was meant to be ingested")
STUCK_HINT = ("check that the watched folder is writable; the file stays there and is "
              "tried again later")
NOT_TAKEN = ("in the inbox, not taken yet",
             "it is taken once unchanged for a few seconds, while contracts watch (or the "
             "ingest-inbox deployment) is running")
IN_PROGRESS = {
    DropState.claimed: "being read",
    DropState.archiving: "being moved to archive/",
    DropState.archived: "archived, being added to the portfolio",
    DropState.failing: "being moved to failed/",
}


class QuarantineNote(BaseModel):
    """A `.reason.txt` file, as `inbox.intake.reason_text` writes it."""

    reason: str
    message: str
    hint: str | None = None
    file: str | None = None
    quarantined: datetime | None = None


class InboxEntry(BaseModel):
    """One dropped file: its name, when it last changed state, and what became of it."""

    name: str
    when: datetime
    status: DropStatus
    location: str = Field(description="where the file is now: archive/…, failed/… or inbox/…")
    record_id: str | None = Field(
        default=None, description="the contract it became, or (duplicate) the one it repeats")
    sha256: str | None = None
    detail: str | None = Field(default=None, description="progress of a waiting file")
    reason: str | None = None
    message: str | None = None
    hint: str | None = None
    journal_id: int | None = None


class InboxFeed(BaseModel):
    """A page of entries, the number matching the filter, and the count of each status."""

    entries: list[InboxEntry]
    total: int
    counts: dict[DropStatus, int]
    journal_found: bool
    inbox: str = Field(description="the watched folder whose waiting files are listed")


def parse_quarantine_note(text: str) -> QuarantineNote:
    """`reason: message`, `hint: …`, then `key: value` lines (file, quarantined, …)."""
    lines = text.strip().splitlines() or [""]
    reason, colon, message = lines[0].partition(": ")
    note = QuarantineNote(reason=reason.strip() if colon else "failed",
                          message=message.strip() if colon else lines[0].strip())
    for line in lines[1:]:
        key, _, value = line.partition(": ")
        value = value.strip()
        if key == "hint" and note.hint is None:
            note.hint = value
        elif key == "file" and value:
            note.file = value
        elif key == "quarantined":
            with contextlib.suppress(ValueError):
                note.quarantined = datetime.fromisoformat(value)
    return note


def _read_note(quarantined: Path) -> QuarantineNote | None:
    try:
        return parse_quarantine_note(reason_path(quarantined).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)


def journal_entry(row: JournalRow, paths: InboxPaths) -> InboxEntry:
    """A journal row as an entry; a failure's reason from the journal, else its reason file."""
    entry = InboxEntry(name=row.name, when=row.updated_at, status=row.status,
                       location=row.dest or paths.shown(Path(row.path)), sha256=row.sha256,
                       record_id=row.record_id, journal_id=row.id)
    if row.status is DropStatus.failed:
        if row.outcome is DropOutcome.vanished:
            entry.reason, entry.message, entry.hint = VANISHED
            return entry
        note = parse_quarantine_note(row.reason) if row.reason else None
        if note is None and row.dest:
            note = _read_note(paths.resolve(row.dest))
        note = note or QuarantineNote(reason="failed", message="no reason was recorded")
        entry.reason, entry.message, entry.hint = note.reason, note.message, note.hint
    elif row.state is DropState.stuck:
        entry.reason, entry.message, entry.hint = "cannot move", row.reason, STUCK_HINT
    elif row.status is DropStatus.waiting:
        entry.detail = IN_PROGRESS.get(row.state)
    return entry


def waiting_files(paths: InboxPaths, pending: set[str]) -> list[InboxEntry]:
    """Files in the watched folder that no journal row accounts for yet, newest first."""
    if not paths.inbox.is_dir():
        return []
    detail, hint = NOT_TAKEN
    entries = [
        InboxEntry(name=path.name, when=_modified(path), status=DropStatus.waiting,
                   location=paths.shown(path), detail=detail, hint=hint)
        for path in candidate_files(paths.inbox)
        if str(path) not in pending
    ]
    return sorted(entries, key=lambda e: e.when, reverse=True)


def unjournaled_failures(paths: InboxPaths, journaled: set[str]) -> list[InboxEntry]:
    """Quarantined files in `failed/` with no journal row, from their reason files."""
    if not paths.failed.is_dir():
        return []
    entries = []
    for path in paths.failed.iterdir():
        shown = paths.shown(path)
        if (shown in journaled or is_junk_name(path.name) or not is_regular_file(path)
                or (path.name.endswith(REASON_SUFFIX)
                    and path.with_name(path.name.removesuffix(REASON_SUFFIX)).exists())):
            continue
        note = _read_note(path) or QuarantineNote(
            reason="failed", message=f"quarantined without a reason file ({shown})")
        entries.append(InboxEntry(
            name=note.file or path.name, when=note.quarantined or _modified(path),
            status=DropStatus.failed, location=shown, reason=note.reason,
            message=note.message, hint=note.hint))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _window(size: int, offset: int, limit: int) -> tuple[int, int]:
    """(start, count) of the part of a segment of `size` that a page at `offset` shows."""
    start = min(offset, size)
    return start, max(0, min(size - start, limit))


def read_feed(
    paths: InboxPaths, status: DropStatus | None = None, limit: int = 50, offset: int = 0
) -> InboxFeed:
    """Entries with `status` (any if None), newest first, `offset` skipped, at most `limit`."""
    view = JournalView.open(paths.journal)
    try:
        counts = view.counts() if view else dict.fromkeys(DropStatus, 0)
        waiting = waiting_files(paths, view.pending_paths() if view else set())
        orphans = unjournaled_failures(paths, view.destinations("failed/") if view else set())
        counts[DropStatus.waiting] += len(waiting)
        counts[DropStatus.failed] += len(orphans)
        before = waiting if status in (None, DropStatus.waiting) else []
        after = orphans if status in (None, DropStatus.failed) else []
        in_journal = (counts[status] if status else sum(counts.values())) - len(before) - len(after)
        entries: list[InboxEntry] = []
        start, count = _window(len(before), offset, limit)
        entries += before[start:start + count]
        offset, limit = max(0, offset - len(before)), limit - count
        start, count = _window(in_journal, offset, limit)
        if view and count:
            entries += [journal_entry(row, paths) for row in view.rows(status, count, start)]
        offset, limit = max(0, offset - in_journal), limit - count
        start, count = _window(len(after), offset, limit)
        entries += after[start:start + count]
    finally:
        if view:
            view.close()
    total = counts[status] if status else sum(counts.values())
    return InboxFeed(entries=entries, total=total, counts=counts, journal_found=view is not None,
                     inbox=paths.shown(paths.inbox))
