"""The read-only inbox feed: journal rows, reason files without a journal, stuck files."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.pipeline import extract_record
from inbox import intake as intake_module
from inbox.history import DropStatus, JournalView
from inbox.intake import Intake
from inbox.journal import DropOutcome, Journal
from inbox.paths import InboxPaths
from inbox.status import parse_quarantine_note, read_feed
from portfolio.sqlite_driver import sqlite3
from tests.inbox.conftest import contract_pdf


@pytest.fixture()
def intake(tmp_path: Path) -> Iterator[Intake]:
    paths = InboxPaths.under(tmp_path / "home")
    paths.ensure()
    with Journal(paths.journal) as journal:
        yield Intake(paths, journal)


def _quarantine(intake: Intake, name: str) -> None:
    path = intake.paths.inbox / name
    path.write_text("Meeting notes, not a contract")
    (drop,) = intake.claim([path])
    intake.quarantine(drop, "not a PDF", "the file is plain text", "export it to PDF")


def test_reason_file_is_parsed_back() -> None:
    note = parse_quarantine_note(
        "encrypted: the PDF is password-protected\nhint: remove the password: print to PDF\n\n"
        "file: locked.pdf\ndropped as: inbox/locked.pdf\nsha256: ab\n"
        "quarantined: 2026-11-21T22:43:05+00:00\n")
    assert (note.reason, note.message, note.hint, note.file) == (
        "encrypted", "the PDF is password-protected", "remove the password: print to PDF",
        "locked.pdf")
    assert note.quarantined is not None and note.quarantined.isoformat().startswith("2026-11-21")
    assert parse_quarantine_note("something odd").message == "something odd"


def test_a_lost_journal_leaves_failures_readable_from_their_reason_files(intake: Intake) -> None:
    _quarantine(intake, "minutes.pdf")
    intake.journal.close()
    intake.paths.journal.unlink()
    feed = read_feed(intake.paths)
    assert feed.journal_found is False
    (entry,) = feed.entries
    assert (entry.name, entry.status, entry.location) == (
        "minutes.pdf", DropStatus.failed, "failed/minutes.pdf")
    assert (entry.reason, entry.message, entry.hint) == (
        "not a PDF", "the file is plain text", "export it to PDF")
    assert feed.counts[DropStatus.failed] == feed.total == 1
    assert not intake.paths.journal.exists(), "reading created no journal"


def test_a_journaled_failure_is_not_listed_twice(intake: Intake) -> None:
    _quarantine(intake, "minutes.pdf")
    _quarantine(intake, "minutes.pdf")  # same name again: failed/minutes (2).pdf
    feed = read_feed(intake.paths)
    assert [e.location for e in feed.entries] == ["failed/minutes (2).pdf", "failed/minutes.pdf"]
    assert all(e.journal_id is not None for e in feed.entries)


def test_a_file_that_cannot_be_moved_waits_with_its_reason_until_retried(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = contract_pdf(intake.paths.inbox / "msa.pdf", 1)
    (drop,) = intake.claim([path])

    def refuse(*args: object) -> bool:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(intake_module, "complete_move", refuse)
    intake.archive(drop, extract_record(path))
    (entry,) = read_feed(intake.paths).entries  # the file itself is not listed again
    assert (entry.status, entry.reason, entry.location) == (
        DropStatus.waiting, "cannot move", "inbox/msa.pdf")
    assert entry.message and "Permission denied" in entry.message and entry.hint

    monkeypatch.undo()
    with sqlite3.connect(intake.paths.journal) as conn:  # the retry delay has passed
        conn.execute("UPDATE drops SET updated_at = '2000-01-01T00:00:00+00:00'")
    (again,) = intake.claim([path])
    archived = intake.archive(again, extract_record(path))
    assert archived is not None
    intake.indexed(archived, DropOutcome.added, again.sha256)
    (entry,) = read_feed(intake.paths).entries
    assert (entry.status, entry.location) == (DropStatus.ingested, archived.dest)


def test_files_not_taken_yet_and_those_being_processed(intake: Intake) -> None:
    taken = contract_pdf(intake.paths.inbox / "a.pdf", 1)
    contract_pdf(intake.paths.inbox / "b.pdf", 2)
    (intake.paths.inbox / ".DS_Store").write_bytes(b"junk")
    intake.claim([taken])
    feed = read_feed(intake.paths, DropStatus.waiting)
    assert [(e.name, e.detail) for e in feed.entries] == [
        ("b.pdf", "in the inbox, not taken yet"), ("a.pdf", "being read")]
    view = JournalView.open(intake.paths.journal)
    assert view is not None
    with view:
        assert view.pending_paths() == {str(taken)}
    assert read_feed(intake.paths, DropStatus.ingested).entries == []
