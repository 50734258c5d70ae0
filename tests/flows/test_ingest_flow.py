"""The ingest flow under Prefect's test harness, on real PDFs and a real SQLite file."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client

from flows.ingest import FileStatus, find_contract_files, ingest, run_ingest
from portfolio import open_portfolio

TODAY = date(2026, 11, 21)


@pytest.fixture()
def drop(tmp_path: Path, sample_pdf: Path, bad_files: dict[str, Path]) -> Path:
    folder = tmp_path / "drop"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(sample_pdf, folder / "msa.pdf")
    shutil.copy(sample_pdf, folder / "sub" / "msa copy.pdf")  # same bytes, other name
    for path in bad_files.values():
        shutil.copy(path, folder / path.name)
    (folder / ".hidden.pdf").write_bytes(b"%PDF-")
    (folder / "readme.txt").write_text("not a contract")
    return folder


def test_find_contract_files_walks_folders_and_skips_hidden(drop: Path) -> None:
    names = [p.name for p in find_contract_files([drop])]
    assert "readme.txt" not in names and ".hidden.pdf" not in names
    assert sorted(names) == sorted(
        ["msa.pdf", "msa copy.pdf", "empty.pdf", "notes.pdf", "truncated.pdf", "locked.pdf"])


def test_ingest_flow_end_to_end(prefect_server: None, drop: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "portfolio.db")
    report = ingest(paths=[str(drop)], store=store, workers=1, today=TODAY)

    by_name = {Path(o.path).name: o for o in report.outcomes}
    assert by_name["msa.pdf"].status is FileStatus.added
    assert by_name["msa copy.pdf"].status is FileStatus.duplicate
    assert {by_name[n].reason for n in ("empty.pdf", "notes.pdf", "truncated.pdf", "locked.pdf")} \
        == {"empty file", "not a PDF", "corrupt PDF", "encrypted"}
    for name in ("empty.pdf", "notes.pdf", "truncated.pdf", "locked.pdf"):
        assert by_name[name].status is FileStatus.failed and by_name[name].hint

    with open_portfolio(store) as portfolio:
        assert len(portfolio) == 1
        record = next(portfolio.records())
        assert record.governing_law == "New York"
        assert record.renewal.auto_renews

    again = ingest(paths=[str(drop / "msa.pdf")], store=store, workers=1, today=TODAY)
    assert [o.status for o in again.outcomes] == [FileStatus.unchanged]

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts()
    summary = [a for a in artifacts if a.key == "ingest-summary"]
    assert summary, "the flow publishes a table artifact"
    # the session's Prefect server holds other tests' ingest summaries too
    assert any("msa.pdf" in str(artifact.data) for artifact in summary)


def test_direct_run_parallel_matches_in_process(drop: Path, tmp_path: Path) -> None:
    """The process pool gives the same records as extracting in this process."""
    files = [drop / "msa.pdf", drop / "notes.pdf", drop / "locked.pdf"]
    serial = run_ingest(files, str(tmp_path / "a.db"), workers=1, today=TODAY)
    parallel = run_ingest(files, str(tmp_path / "b.db"), workers=2, today=TODAY)
    key = lambda r: sorted((Path(o.path).name, o.status.value, o.record_id) for o in r.outcomes)  # noqa: E731
    assert key(serial) == key(parallel)
    with open_portfolio(tmp_path / "a.db") as a, open_portfolio(tmp_path / "b.db") as b:
        assert [r.model_dump() for r in a.records()] == [r.model_dump() for r in b.records()]
