"""The `ingest-inbox` and `reindex` flows under Prefect's test server: artifact, logs, scans."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.logging.handlers import APILogWorker

from extractors.pipeline import file_sha256
from flows.inbox import ingest_inbox
from flows.ingest import FileStatus, IngestReport
from flows.reindex import reindex
from portfolio import open_portfolio
from tests.inbox.conftest import Inventory, contract_pdf

TODAY = date(2026, 11, 21)


def test_a_run_publishes_a_table_and_logs_each_file(prefect_server: None, tmp_path: Path) -> None:
    home = tmp_path / "home"
    good = contract_pdf(home / "inbox" / "artifact msa.pdf", 1)
    (home / "inbox" / "artifact notes.pdf").write_text("not a contract")
    state = ingest_inbox(files=[str(p) for p in (home / "inbox").iterdir()], home=str(home),
                         workers=1, today=TODAY, return_state=True)
    report = state.result()
    assert isinstance(report, IngestReport)
    run_id = state.state_details.flow_run_id
    assert run_id is not None
    APILogWorker.instance().drain()
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id])))
    (table,) = [a for a in artifacts if a.type == "table"]
    data: list[dict[str, Any]] = (
        json.loads(table.data) if isinstance(table.data, str) else table.data)  # type: ignore[assignment]
    rows = {row["file"]: row for row in data}
    assert set(rows) == {"artifact msa.pdf", "artifact notes.pdf"}
    msa = rows["artifact msa.pdf"]
    assert msa["status"] == "added" and msa["title"].startswith("Master Services Agreement")
    assert "Relecloud Hosting Corp." in msa["parties"] and msa["notice deadline"]
    assert "warnings" in msa
    assert rows["artifact notes.pdf"]["status"] == "failed"
    messages = "\n".join(log.message for log in logs)
    assert "artifact notes.pdf: failed, not a PDF" in messages
    sha = file_sha256(home / "archive" / f"{next(iter(Inventory.of(home).archive))[:2]}"
                      / f"{next(iter(Inventory.of(home).archive))}.pdf")
    assert f"artifact msa.pdf: added -> archive/{sha[:2]}/{sha}.pdf" in messages
    assert good.name not in Inventory.of(home).inbox


def test_a_scheduled_scan_takes_only_files_that_stay_unchanged(
    prefect_server: None, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    done = contract_pdf(home / "inbox" / "finished.pdf", 2)
    growing = home / "inbox" / "still copying.pdf"
    data = contract_pdf(tmp_path / "big.pdf", 3).read_bytes()

    def copy_slowly() -> None:
        with growing.open("wb") as handle:
            step = len(data) // 40 + 1  # ~2 s of writing: longer than the scan below
            for i in range(0, len(data), step):
                handle.write(data[i : i + step])
                handle.flush()
                time.sleep(0.05)

    writer = threading.Thread(target=copy_slowly)
    writer.start()
    time.sleep(0.2)
    report = ingest_inbox(home=str(home), workers=1, stable_seconds=0.5, today=TODAY)
    writer.join()
    assert [Path(o.path).name for o in report.outcomes] == ["finished.pdf"]
    assert Inventory.of(home).inbox == {"still copying.pdf"}
    assert not done.exists()
    again = ingest_inbox(home=str(home), workers=1, stable_seconds=0.3, today=TODAY)
    assert [Path(o.path).name for o in again.outcomes] == ["still copying.pdf"]


def test_reindex_replaces_records_and_rebuilds_a_lost_portfolio(
    prefect_server: None, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox"
    contract_pdf(inbox / "msa.pdf", 4)
    contract_pdf(inbox / "nda.pdf", 5)
    ingest_inbox(files=[str(inbox / "msa.pdf"), str(inbox / "nda.pdf")], home=str(home),
                 workers=1, today=TODAY)
    time.sleep(0.01)  # archive order is the version order
    contract_pdf(inbox / "msa.pdf", 4, notice_days=30)
    ingest_inbox(files=[str(inbox / "msa.pdf")], home=str(home), workers=1, today=TODAY)
    with open_portfolio(home / "portfolio.db") as portfolio:
        before = {r.id: (r.filename, r.version, r.superseded_by) for r in portfolio.records()}
    assert sorted(v[1] for v in before.values()) == [1, 1, 2]

    again = reindex(home=str(home), workers=1, today=TODAY)
    assert {o.status for o in again.outcomes} == {FileStatus.unchanged}

    (home / "portfolio.db").unlink()
    rebuilt = reindex(home=str(home), workers=1, today=TODAY)
    assert sorted(o.status.value for o in rebuilt.outcomes) == ["added", "added", "new_version"]
    with open_portfolio(home / "portfolio.db") as portfolio:
        after = {r.id: (r.filename, r.version, r.superseded_by) for r in portfolio.records()}
    assert after == before, "names and the version chain come back from archive and journal"
    assert set(Inventory.of(home).archive) == set(after)
