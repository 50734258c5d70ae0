"""`contracts watch` as a contract admin uses it: a real subprocess, real files dropped in.

Every kind of file lands in the inbox, some written slowly, and the test checks where
each one ends up, the reason files, the portfolio, and that junk was left alone. The
same test runs with OS events and in polling mode (`--poll`, for network shares).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.pipeline import file_sha256
from portfolio import ClauseQuery, open_portfolio
from tests.conftest import write_encrypted_pdf
from tests.inbox.conftest import Inventory, WatchProcess, contract_pdf

GOOD = ["Vertrag Müller & Söhne.pdf", "contrat  été 2024.pdf", "合同 hosting.pdf"]
BAD = {
    "empty.pdf": ("empty file", "the file has 0 bytes"),
    "truncated scan.pdf": ("corrupt PDF", "damaged or truncated"),
    "locked.pdf": ("encrypted", "remove the password"),
    "meeting notes.pdf": ("not a PDF", "export or print the document to PDF"),
}
JUNK = [".DS_Store", "._Vertrag.pdf", "~$draft.docx", "scan0001.pdf.part", "upload.tmp",
        ".hidden.pdf", "__MACOSX/._contract.pdf", "__MACOSX/contract.pdf"]


def _write_slowly(path: Path, data: bytes, chunks: int = 5, seconds: float = 3.0) -> None:
    """A network copy: `chunks` writes spread over `seconds`, file open throughout."""
    size = -(-len(data) // chunks)
    with path.open("wb") as handle:
        for i in range(chunks):
            handle.write(data[i * size : (i + 1) * size])
            handle.flush()
            if i < chunks - 1:
                time.sleep(seconds / (chunks - 1))


def _drop_everything(inbox: Path, stage: Path) -> dict[str, str]:
    """Drop the good, bad, slow and junk files; name -> sha256 of what must be archived."""
    expected: dict[str, str] = {}
    for n, name in enumerate(GOOD):
        expected[name] = file_sha256(contract_pdf(inbox / name, n))
    slow_source = contract_pdf(stage / "slow.pdf", 7)
    expected["slow network copy.pdf"] = file_sha256(slow_source)
    writer = threading.Thread(target=_write_slowly, args=(
        inbox / "slow network copy.pdf", slow_source.read_bytes()))
    writer.start()
    sample = contract_pdf(stage / "sample.pdf", 9)
    (inbox / "empty.pdf").write_bytes(b"")
    data = sample.read_bytes()
    (inbox / "truncated scan.pdf").write_bytes(data[: len(data) // 2])
    write_encrypted_pdf(inbox / "locked.pdf", sample)
    (inbox / "meeting notes.pdf").write_text("Notes: renew the hosting contract before May.\n")
    shutil.copy(inbox / GOOD[0], inbox / "copy of Vertrag.pdf")  # same bytes, other name
    for name in JUNK:
        (inbox / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / name).write_bytes(b"%PDF-1.4 junk")
    writer.join()
    return expected


def _settled(home: Path, expected: dict[str, str]) -> Callable[[], bool]:
    def check() -> bool:
        seen = Inventory.of(home)
        return (set(expected.values()) <= seen.indexed and seen.unfinished == 0
                and len([f for f in seen.failed if not f.endswith(".reason.txt")]) == len(BAD)
                and seen.inbox == set(JUNK))

    return check


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["events", "poll"])
def test_watch_takes_every_dropped_file_to_its_place(
    mode: str, tmp_path: Path, start_watch: Callable[..., WatchProcess]
) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    stage = tmp_path / "stage"
    stage.mkdir()
    args = ["watch", "--home", str(home), "--stable", "1.5", "--rescan", "5"]
    if mode == "poll":
        args += ["--poll", "0.5"]
    watcher = start_watch(*args)
    watcher.wait_for(lambda: "watching" in watcher.output(), 60, "the watcher to start")

    expected = _drop_everything(inbox, stage)
    watcher.wait_for(_settled(home, expected), 90, "every dropped file to settle")

    # a new version of a known file name, dropped later
    old_id = expected[GOOD[1]]
    new_id = file_sha256(contract_pdf(stage / "v2.pdf", 1, notice_days=60,
                                      extra="3. AMENDMENT\nThe fees are revised.\n"))
    shutil.copy(stage / "v2.pdf", inbox / GOOD[1])
    watcher.wait_for(lambda: new_id in Inventory.of(home).indexed, 60, "the new version")
    watcher.wait_for(lambda: Inventory.of(home).inbox == set(JUNK), 30, "the inbox to empty")
    assert watcher.stop() == 0
    output = watcher.output()

    seen = Inventory.of(home)
    # good files and the slow copy: archived whole, indexed, under their own names
    assert set(seen.archive) == {*expected.values(), new_id}
    assert seen.indexed == set(seen.archive), "index <=> archive"
    for sha, path in seen.archive.items():
        assert file_sha256(path) == sha
    # bad files: quarantined, each with a reason in plain words and a hint
    for name, (reason, hint) in BAD.items():
        assert (home / "failed" / name).is_file()
        note = (home / "failed" / f"{name}.reason.txt").read_text(encoding="utf-8")
        assert note.startswith(f"{reason}: "), note
        assert "hint: " in note and hint in note, note
        assert f"inbox/{name}" in note
    assert len(seen.failed) == 2 * len(BAD)
    # junk: untouched
    assert seen.inbox == set(JUNK)
    assert "junk" not in output and "DS_Store" not in output
    # the duplicate: archived without a record of its own, reported as a duplicate
    assert "copy of Vertrag.pdf  duplicate, same bytes as" in output

    with open_portfolio(home / "portfolio.db") as portfolio:
        assert len(portfolio) == len(expected) + 1
        names = {r.filename for r in portfolio.records()}
        assert names == set(GOOD) | {"slow network copy.pdf"}
        versions = portfolio.versions(GOOD[1])
        assert [(r.id, r.version) for r in versions] == [(old_id, 1), (new_id, 2)]
        assert versions[0].superseded_by == new_id and versions[1].supersedes == old_id
        assert portfolio.find(GOOD[1])[0].id == new_id
        current = portfolio.search(ClauseQuery(text="amendment fees revised"))
        assert {h.record_id for h in current.hits} == {new_id}
        both = portfolio.search(ClauseQuery(text='"non-renewal"', all_versions=True, limit=50))
        assert {old_id, new_id} <= {h.record_id for h in both.hits}
        record = portfolio.get(expected[GOOD[0]])
        assert record is not None and record.source == f"inbox/{GOOD[0]}"
        assert record.renewal.notice_deadline is not None
