"""Taking dropped files in: claim, then archive or quarantine, each step journaled first.

`Intake` is the state machine of `inbox.journal`, acting on files with `inbox.moves`. It
does not extract or index anything; the `ingest-inbox` flow does, between `archive()`
and `indexed()`. The order guarantees the invariants the flow relies on:

* a record is indexed only after its original is in `archive/` (so the index never
  holds a record whose file is not archived);
* every claimed file ends exactly once in `archive/` or `failed/`, or is released back
  to the inbox untouched, even if the process dies between any two lines (`recover()`
  finishes what the journal says was started).

`crash_point(name)` marks the instants the crash tests kill the process at.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from extractors.pipeline import file_sha256
from inbox.journal import Drop, DropOutcome, DropState, Journal
from inbox.junk import is_junk
from inbox.moves import complete_move, free_name, reason_path, sweep_partials, write_text_atomic
from inbox.paths import InboxPaths
from inbox.stability import file_stamp
from schemas import ContractError, ContractRecord

CRASH_AT_ENV = "CONTRACTS_TEST_CRASH_AT"
"""Test hook: `name` or `name:N` kills the process (SIGKILL) the Nth time it reaches
`crash_point(name)`. Unset in normal use."""

_crash_counts: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Die here, exactly as `kill -9` would, when the crash-test hook names this point."""
    wanted = os.environ.get(CRASH_AT_ENV)
    if not wanted:
        return
    point, _, nth = wanted.partition(":")
    if point != name:
        return
    _crash_counts[name] = _crash_counts.get(name, 0) + 1
    if _crash_counts[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)


def reason_text(drop: Drop, dropped_as: str, reason: str, message: str, hint: str) -> str:
    """The quarantine note: `ContractError.explain()` first, then where the file came from."""
    error = ContractError(drop.name, message)
    error.reason, error.hint = reason, hint  # the result carries the error's words, not its class
    when = datetime.now(UTC).isoformat(timespec="seconds")
    return (f"{error.explain()}\nfile: {drop.name}\ndropped as: {dropped_as}\n"
            f"sha256: {drop.sha256}\nquarantined: {when}\n")


class Intake:
    """Claims, archives and quarantines dropped files; one per flow run, under the lock."""

    def __init__(self, paths: InboxPaths, journal: Journal) -> None:
        self.paths = paths
        self.journal = journal

    # --- claiming ----------------------------------------------------------------------

    def claim(self, files: Iterable[Path]) -> list[Drop]:
        """Hash and journal each file that is still a regular, non-junk file in the inbox.

        Oldest first (by mtime), so that of two copies of the same bytes the one dropped
        first is the original and the later one the duplicate. Skipped: files gone or not
        regular, junk, files that changed while being hashed (not stable after all), and
        files that recently could not be moved.
        """
        stamped = [(path, file_stamp(path)) for path in dict.fromkeys(Path(f) for f in files)]
        stamped.sort(key=lambda item: (item[1].mtime_ns if item[1] else 0, str(item[0])))
        drops: list[Drop] = []
        for path, stamp in stamped:
            if stamp is None or is_junk(path, self.paths.inbox):
                continue
            if self.journal.recently_stuck(path, stamp):
                continue
            try:
                sha256 = file_sha256(path)
            except OSError:
                continue
            if file_stamp(path) != stamp:
                continue
            drops.append(self.journal.claim(path, sha256, stamp))
            crash_point("claimed")
        return drops

    def release(self, drop: Drop) -> None:
        self.journal.release(drop)

    # --- archive -------------------------------------------------------------------------

    def archive(self, drop: Drop, record: ContractRecord) -> Drop | None:
        """Journal the record, move the original to `archive/<sha>`; the drop `archived`
        (ready to index), `done` if it vanished meanwhile, `stuck` if it cannot be moved.

        None if the file changed since it was claimed: it is not the file that was
        extracted, so the claim is released and the file will be taken again.
        """
        return self._archive(drop, record.model_dump_json(), None)

    def archive_duplicate(self, drop: Drop, record_id: str) -> Drop | None:
        """Archive a file whose bytes the portfolio already holds: no extraction, no index
        write; the archive already has (or now gets) the content, the journal the name."""
        return self._archive(drop, None, record_id)

    def _archive(self, drop: Drop, record_json: str | None, duplicate_of: str | None
                 ) -> Drop | None:
        source = Path(drop.path)
        if source.exists() and file_stamp(source) != drop.stamp:
            self.journal.release(drop)
            return None
        dest = self.paths.shown(self.paths.archived_original(drop.sha256))
        outcome = DropOutcome.duplicate if duplicate_of else None
        drop = self.journal.update(drop, DropState.archiving, dest=dest, outcome=outcome,
                                   record_id=duplicate_of, record_json=record_json)
        crash_point("archiving")
        return self._finish_archiving(drop)

    def _finish_archiving(self, drop: Drop) -> Drop:
        assert drop.dest is not None
        try:
            present = complete_move(Path(drop.path), self.paths.resolve(drop.dest), drop.stamp)
        except OSError as exc:
            return self._stuck(drop, exc)
        crash_point("archived-file")
        if not present:
            return self.journal.update(drop, DropState.done, outcome=DropOutcome.vanished)
        if drop.outcome is DropOutcome.duplicate:
            return self.journal.update(drop, DropState.done)
        return self.journal.update(drop, DropState.archived)

    @staticmethod
    def journaled_record(drop: Drop) -> ContractRecord:
        """The record extracted before `drop` was archived (to index it after a crash)."""
        if drop.record_json is None:
            raise ValueError(f"journal entry {drop.id} holds no record")
        return ContractRecord.model_validate_json(drop.record_json)

    def indexed(self, drop: Drop, outcome: DropOutcome, record_id: str) -> Drop:
        """The record is in the portfolio: the drop is done."""
        crash_point("indexed")
        return self.journal.update(drop, DropState.done, outcome=outcome, record_id=record_id)

    # --- quarantine ----------------------------------------------------------------------

    def quarantine(self, drop: Drop, reason: str, message: str, hint: str) -> Drop:
        """Move the file to `failed/` and write `<name>.reason.txt` beside it."""
        dest = free_name(self.paths.failed, drop.name)
        drop = self.journal.update(
            drop, DropState.failing, dest=self.paths.shown(dest), outcome=DropOutcome.failed,
            reason=reason_text(drop, self.paths.shown(Path(drop.path)), reason, message, hint),
        )
        crash_point("failing")
        return self._finish_failing(drop)

    def _finish_failing(self, drop: Drop) -> Drop:
        assert drop.dest is not None and drop.reason is not None
        dest = self.paths.resolve(drop.dest)
        try:
            present = complete_move(Path(drop.path), dest, drop.stamp)
            crash_point("failed-file")
            if present:
                write_text_atomic(reason_path(dest), drop.reason)
        except OSError as exc:
            return self._stuck(drop, exc)
        if not present:
            return self.journal.update(drop, DropState.done, outcome=DropOutcome.vanished)
        return self.journal.update(drop, DropState.done)

    def _stuck(self, drop: Drop, exc: OSError) -> Drop:
        """The file cannot be moved (permissions, disk full): leave it, say why, retry later."""
        note = f"cannot move {drop.path}: {exc.strerror or exc}"
        return self.journal.update(drop, DropState.stuck, reason=note, dest=None)

    # --- after a crash -------------------------------------------------------------------

    def recover(self) -> list[Drop]:
        """Finish what a killed run started; the drops whose record still has to be indexed.

        Call under `Journal.exclusive()`, before claiming anything new.
        """
        sweep_partials(self.paths.archive, self.paths.failed)
        for drop in self.journal.unfinished():
            match drop.state:
                case DropState.claimed:
                    self.journal.release(drop)
                case DropState.archiving:
                    self._finish_archiving(drop)
                case DropState.failing:
                    self._finish_failing(drop)
                case DropState.archived:
                    pass
        return [d for d in self.journal.unfinished() if d.state is DropState.archived]
