"""Which files are candidates, and when a candidate is finished (stable)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from inbox.junk import candidate_files, is_junk, is_junk_name
from inbox.stability import FileStabilityTracker, FileStamp, file_stamp


@pytest.mark.parametrize("name", [
    ".DS_Store", "._Vertrag.pdf", "~$Contract.docx", "download.pdf.part", "scan.pdf.crdownload",
    "upload.tmp", "x.TEMP", ".hidden.pdf", ".~lock.Contract.docx#", "Thumbs.db", "desktop.ini",
    "__MACOSX", "@eaDir", "#recycle", "report.pdf~", "file.swp",
])
def test_junk_names(name: str) -> None:
    assert is_junk_name(name)


@pytest.mark.parametrize("name", [
    "msa.pdf", "MSA (signed).PDF", "contrat été.pdf", "notes.txt", "Vertrag.docx", "partner.pdf",
    "temp agency agreement.pdf", "合同.pdf",
])
def test_documents_are_candidates_whatever_their_extension(name: str) -> None:
    assert not is_junk_name(name)


def test_junk_anywhere_in_the_path_below_the_watched_folder(tmp_path: Path) -> None:
    assert is_junk(tmp_path / "__MACOSX" / "msa.pdf", tmp_path)
    assert is_junk(tmp_path / ".sync" / "msa.pdf", tmp_path)
    assert not is_junk(tmp_path / "vendors" / "msa.pdf", tmp_path)
    assert is_junk(tmp_path.parent / "elsewhere.pdf", tmp_path), "outside the folder"


def test_candidate_files_skips_junk_folders_symlinks_and_special_files(tmp_path: Path) -> None:
    (tmp_path / "vendors").mkdir()
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / ".Trash-1000").mkdir()
    for path in ["a.pdf", "vendors/b.pdf", "__MACOSX/c.pdf", ".Trash-1000/d.pdf", ".DS_Store"]:
        (tmp_path / path).write_bytes(b"%PDF-")
    (tmp_path / "link.pdf").symlink_to(tmp_path / "a.pdf")
    os.mkfifo(tmp_path / "pipe.pdf")
    found = [p.relative_to(tmp_path).as_posix() for p in candidate_files(tmp_path)]
    assert found == ["a.pdf", "vendors/b.pdf"]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_stable_after_n_quiet_seconds(tmp_path: Path) -> None:
    clock = Clock()
    tracker = FileStabilityTracker(2.0, clock)
    path = tmp_path / "msa.pdf"
    path.write_bytes(b"%PDF-1.4 part one")
    tracker.observe(path, event=True)
    clock.now += 1.9
    assert tracker.pop_stable() == []
    clock.now += 0.2
    assert tracker.pop_stable() == [path]
    assert path not in tracker, "handed out once"


def test_each_chunk_written_restarts_the_clock(tmp_path: Path) -> None:
    clock = Clock()
    tracker = FileStabilityTracker(2.0, clock)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        for chunk in range(5):
            handle.write(b"x" * 1000)
            handle.flush()
            tracker.observe(path, event=True)
            clock.now += 1.5
            assert tracker.pop_stable() == [], f"taken after chunk {chunk}"
    clock.now += 0.6
    assert tracker.pop_stable() == [path]


def test_a_change_without_an_event_is_caught_by_the_stat(tmp_path: Path) -> None:
    """Polling on a network share: the write raised no event, the size shows it."""
    clock = Clock()
    tracker = FileStabilityTracker(2.0, clock)
    path = tmp_path / "share.pdf"
    path.write_bytes(b"first")
    tracker.observe(path, event=False)
    clock.now += 3
    path.write_bytes(b"first and more")
    assert tracker.pop_stable() == [], "stat differs: clock restarted"
    clock.now += 2
    assert tracker.pop_stable() == [path]


def test_a_rescan_does_not_restart_an_unchanged_file(tmp_path: Path) -> None:
    clock = Clock()
    tracker = FileStabilityTracker(2.0, clock)
    path = tmp_path / "msa.pdf"
    path.write_bytes(b"%PDF-")
    tracker.observe(path, event=False)
    clock.now += 1.5
    tracker.observe(path, event=False)
    clock.now += 0.6
    assert tracker.pop_stable() == [path]


def test_deleted_or_replaced_by_a_folder_is_dropped(tmp_path: Path) -> None:
    clock = Clock()
    tracker = FileStabilityTracker(1.0, clock)
    gone, folder = tmp_path / "gone.pdf", tmp_path / "becomes-folder.pdf"
    for path in (gone, folder):
        path.write_bytes(b"x")
        tracker.observe(path, event=True)
    gone.unlink()
    folder.unlink()
    folder.mkdir()
    clock.now += 5
    assert tracker.pop_stable() == []
    assert len(tracker) == 0


def test_file_stamp(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"12345")
    stamp = file_stamp(path)
    assert isinstance(stamp, FileStamp) and stamp.size == 5
    assert file_stamp(tmp_path) is None and file_stamp(tmp_path / "missing") is None
