"""The journal file and the moves it announces: idempotent, atomic, cross-device safe."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from inbox import moves
from inbox.journal import DropOutcome, DropState, Journal, JournalBusy
from inbox.moves import complete_move, free_name, reason_path, sweep_partials
from inbox.stability import file_stamp


def test_journal_round_trip_and_unfinished(tmp_path: Path) -> None:
    path = tmp_path / "inbox" / "msa.pdf"
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.4")
    stamp = file_stamp(path)
    assert stamp is not None
    with Journal(tmp_path / "journal.db") as journal:
        drop = journal.claim(path, "ab" * 32, stamp)
        assert (drop.state, drop.name, drop.stamp) == (DropState.claimed, "msa.pdf", stamp)
        drop = journal.update(drop, DropState.archiving, dest="archive/ab/x.pdf",
                              record_json="{}")
        assert [d.id for d in journal.unfinished()] == [drop.id]
        drop = journal.update(drop, DropState.done, outcome=DropOutcome.added)
        assert drop.record_json is None, "the record copy is dropped once done"
        assert journal.unfinished() == []
        assert journal.for_sha256("ab" * 32)[0].outcome is DropOutcome.added
        with pytest.raises(ValueError):
            journal.update(drop, DropState.done, colour="red")


def test_a_stuck_file_is_skipped_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "msa.pdf"
    path.write_bytes(b"%PDF-1.4")
    stamp = file_stamp(path)
    assert stamp is not None
    with Journal(tmp_path / "journal.db") as journal:
        drop = journal.claim(path, "cd" * 32, stamp)
        journal.update(drop, DropState.stuck, reason="cannot move: permission denied")
        assert journal.recently_stuck(path, stamp)
        assert not journal.recently_stuck(path, stamp._replace(size=stamp.size + 1))


def test_one_process_at_a_time(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.db") as first, Journal(tmp_path / "journal.db") as second:
        with first.exclusive(), pytest.raises(JournalBusy), second.exclusive(wait_seconds=0.3):
            pass
        with second.exclusive(wait_seconds=0.3):  # released on exit
            pass


@pytest.fixture()
def dropped(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "inbox" / "msa.pdf"
    src.parent.mkdir()
    src.write_bytes(b"%PDF-1.4 the contract %%EOF")
    return src, tmp_path / "archive" / "ab" / "abc.pdf"


def test_move_is_idempotent(dropped: tuple[Path, Path]) -> None:
    src, dest = dropped
    stamp = file_stamp(src)
    assert stamp is not None
    assert complete_move(src, dest, stamp)
    assert not src.exists() and dest.read_bytes().startswith(b"%PDF")
    assert complete_move(src, dest, stamp), "again after a crash: still done, nothing lost"


def test_existing_destination_means_the_inbox_copy_is_redundant(
    dropped: tuple[Path, Path],
) -> None:
    src, dest = dropped
    stamp = file_stamp(src)
    assert stamp is not None
    dest.parent.mkdir(parents=True)
    dest.write_bytes(src.read_bytes())
    assert complete_move(src, dest, stamp)
    assert not src.exists()


def test_a_different_file_under_the_same_name_is_never_touched(
    dropped: tuple[Path, Path],
) -> None:
    src, dest = dropped
    stamp = file_stamp(src)
    assert stamp is not None
    src.write_bytes(b"%PDF-1.4 another contract, dropped later %%EOF")
    assert not complete_move(src, dest, stamp)
    assert src.exists() and not dest.exists()


def test_cross_device_copies_fsyncs_renames_then_removes(
    dropped: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, dest = dropped
    stamp = file_stamp(src)
    assert stamp is not None
    real_rename = os.rename

    def rename(a: os.PathLike[str], b: os.PathLike[str]) -> None:
        if Path(a) == src:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_rename(a, b)

    monkeypatch.setattr(moves.os, "rename", rename)
    assert complete_move(src, dest, stamp)
    assert not src.exists() and dest.read_bytes().endswith(b"%%EOF")
    assert os.stat(dest).st_mtime_ns == stamp.mtime_ns, "the original's mtime is kept"
    assert not list(dest.parent.glob(".*.partial"))


def test_real_cross_device_move_when_available(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second filesystem to move across")
    inbox = shm / f"contracts-test-{os.getpid()}"
    inbox.mkdir()
    try:
        src = inbox / "msa.pdf"
        src.write_bytes(b"%PDF-1.4 network share %%EOF")
        stamp = file_stamp(src)
        assert stamp is not None
        dest = tmp_path / "archive" / "msa.pdf"
        assert complete_move(src, dest, stamp)
        assert not src.exists() and dest.read_bytes().endswith(b"%%EOF")
    finally:
        for leftover in inbox.iterdir():
            leftover.unlink()
        inbox.rmdir()


def test_partials_are_swept_and_quarantine_names_never_collide(tmp_path: Path) -> None:
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / ".abc.pdf.partial").write_bytes(b"half")
    assert sweep_partials(tmp_path) == [tmp_path / "ab" / ".abc.pdf.partial"]
    first = free_name(tmp_path, "locked.pdf")
    assert first.name == "locked.pdf"
    first.write_bytes(b"x")
    assert free_name(tmp_path, "locked.pdf").name == "locked (2).pdf"
    (tmp_path / "locked (2).pdf.reason.txt").write_text("a reason without its file")
    assert free_name(tmp_path, "locked.pdf").name == "locked (3).pdf"
    assert reason_path(first).name == "locked.pdf.reason.txt"
