"""The "PDF:" line points at a file that exists: a dropped file's archived copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from alerts.originals import original_location

RID = "3f" + "a" * 62


def test_a_dropped_file_is_shown_at_its_archived_copy(tmp_path: Path) -> None:
    archived = tmp_path / "archive" / "3f" / f"{RID}.pdf"
    archived.parent.mkdir(parents=True)
    archived.write_bytes(b"%PDF-1.7")
    assert original_location("inbox/msa.pdf", RID, tmp_path) == str(archived.resolve())


def test_a_source_that_is_still_there_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "msa.pdf").write_bytes(b"%PDF-1.7")
    monkeypatch.chdir(tmp_path)
    assert original_location("contracts/msa.pdf", RID, tmp_path / "data") == "contracts/msa.pdf"
    home = tmp_path
    assert original_location("contracts/msa.pdf", RID, home) == "contracts/msa.pdf"


def test_nothing_found_keeps_the_source_as_given(tmp_path: Path) -> None:
    assert original_location("inbox/gone.pdf", RID, tmp_path) == "inbox/gone.pdf"
