"""The intake state machine, step by step, and recovery from each state it can stop in."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.pipeline import extract_record, file_sha256
from inbox import intake as intake_module
from inbox.intake import Intake
from inbox.journal import DropOutcome, DropState, Journal
from inbox.paths import InboxLayoutError, InboxPaths
from tests.inbox.conftest import contract_pdf


@pytest.fixture()
def intake(tmp_path: Path) -> Iterator[Intake]:
    paths = InboxPaths.under(tmp_path / "home")
    paths.ensure()
    with Journal(paths.journal) as journal:
        yield Intake(paths, journal)


def _drop(intake: Intake, name: str = "msa.pdf", n: int = 0) -> Path:
    return contract_pdf(intake.paths.inbox / name, n)


def test_claim_skips_junk_and_vanished_and_orders_by_age(intake: Intake) -> None:
    newer = _drop(intake, "b.pdf", 1)
    older = _drop(intake, "a.pdf", 2)
    os.utime(older, ns=(1, 1))
    (intake.paths.inbox / ".DS_Store").write_bytes(b"x")
    drops = intake.claim([newer, intake.paths.inbox / ".DS_Store", older,
                          intake.paths.inbox / "gone.pdf"])
    assert [d.name for d in drops] == ["a.pdf", "b.pdf"]
    assert drops[0].sha256 == file_sha256(older)


def test_archive_then_index(intake: Intake) -> None:
    path = _drop(intake)
    (drop,) = intake.claim([path])
    record = extract_record(path)
    archived = intake.archive(drop, record)
    assert archived is not None and archived.state is DropState.archived
    assert intake.paths.archived_original(drop.sha256).is_file() and not path.exists()
    assert intake.journaled_record(archived) == record
    done = intake.indexed(archived, DropOutcome.added, record.id)
    assert done.state is DropState.done and intake.journal.unfinished() == []


def test_a_file_changed_since_its_claim_is_released_not_archived(intake: Intake) -> None:
    path = _drop(intake)
    (drop,) = intake.claim([path])
    record = extract_record(path)
    contract_pdf(path, 5)  # the scanner wrote it again
    assert intake.archive(drop, record) is None
    assert path.exists() and intake.journal.unfinished() == []


def test_quarantine_writes_the_reason_beside_the_file(intake: Intake) -> None:
    path = intake.paths.inbox / "notes.pdf"
    path.write_text("hello")
    (drop,) = intake.claim([path])
    done = intake.quarantine(drop, "not a PDF", "the file is text", "export it to PDF")
    assert done.dest == "failed/notes.pdf"
    note = (intake.paths.failed / "notes.pdf.reason.txt").read_text()
    assert note.startswith("not a PDF: the file is text\nhint: export it to PDF\n")
    assert "dropped as: inbox/notes.pdf" in note


def test_a_file_that_cannot_be_moved_is_left_and_marked_stuck(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _drop(intake)
    (drop,) = intake.claim([path])

    def refuse(*args: object) -> bool:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(intake_module, "complete_move", refuse)
    stuck = intake.archive(drop, extract_record(path))
    assert stuck is not None and stuck.state is DropState.stuck
    assert path.exists()
    assert intake.claim([path]) == [], "not retried at once"


# --- recovery: the process died right after each journal write ----------------------------


def test_recover_releases_a_bare_claim(intake: Intake) -> None:
    path = _drop(intake)
    intake.claim([path])
    assert intake.recover() == []
    assert intake.journal.unfinished() == [] and path.exists()


def test_recover_finishes_an_announced_archive_move(intake: Intake) -> None:
    path = _drop(intake)
    (drop,) = intake.claim([path])
    record = extract_record(path)
    dest = intake.paths.shown(intake.paths.archived_original(drop.sha256))
    intake.journal.update(drop, DropState.archiving, dest=dest,
                          record_json=record.model_dump_json())
    (pending,) = intake.recover()
    assert pending.state is DropState.archived and not path.exists()
    assert intake.journaled_record(pending).id == record.id


def test_recover_finishes_an_announced_quarantine(intake: Intake) -> None:
    path = intake.paths.inbox / "empty.pdf"
    path.write_bytes(b"")
    (drop,) = intake.claim([path])
    intake.journal.update(drop, DropState.failing, dest="failed/empty.pdf",
                          outcome=DropOutcome.failed, reason="empty file: 0 bytes\nhint: copy\n")
    assert intake.recover() == []
    assert (intake.paths.failed / "empty.pdf").exists()
    assert (intake.paths.failed / "empty.pdf.reason.txt").read_text().startswith("empty file")


def test_recover_notices_a_file_someone_removed_meanwhile(intake: Intake) -> None:
    path = _drop(intake)
    (drop,) = intake.claim([path])
    intake.journal.update(drop, DropState.archiving, dest="archive/xx/none.pdf",
                          record_json="{}")
    path.unlink()
    assert intake.recover() == []
    assert intake.journal.get(drop.id).outcome is DropOutcome.vanished


def test_the_watched_folder_may_not_contain_the_archive(tmp_path: Path) -> None:
    with pytest.raises(InboxLayoutError):
        InboxPaths.under(tmp_path / "home", tmp_path / "home").ensure()
    with pytest.raises(InboxLayoutError):
        InboxPaths.under(tmp_path / "home", tmp_path / "home" / "archive" / "x").ensure()
