"""The `ingest` flow: contract files or folders into the portfolio.

fingerprint (sha256) -> skip what the portfolio already holds -> extract (in parallel
across documents) -> store (one transaction per batch) -> summary artifact.

One bad file never fails the run: it is reported with its reason and the rest goes
on. The flow only wires; extraction is `extractors.batch`, storage is `portfolio`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from contracts.progress import IngestProgress
from extractors.batch import ExtractionJob, ExtractionResult, extract_many
from extractors.fingerprint import file_sha256
from extractors.ocr import OcrOptions
from portfolio import AddOutcome, open_portfolio
from schemas import ContractRecord

STORE_BATCH = 50
"""Records written per transaction: bounded memory, few commits."""


class FileStatus(StrEnum):
    added = "added"
    new_version = "new_version"
    replaced = "replaced"
    unchanged = "unchanged"
    duplicate = "duplicate"
    failed = "failed"


class FileOutcome(BaseModel):
    path: str
    status: FileStatus
    record_id: str | None = None
    title: str | None = None
    parties: list[str] = Field(default_factory=list)
    notice_deadline: date | None = None
    pages: int = 0
    reason: str | None = None
    message: str | None = None
    hint: str | None = None
    warnings: list[str] = Field(default_factory=list)
    destination: str | None = Field(
        default=None, description="where the file was moved (watched inbox: archive/ or failed/)"
    )


class IngestReport(BaseModel):
    outcomes: list[FileOutcome]
    seconds: float

    def count(self, status: FileStatus) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status is status)

    @property
    def pages(self) -> int:
        return sum(outcome.pages for outcome in self.outcomes)


def find_contract_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, plus every `*.pdf` below each folder (sorted, hidden files skipped).

    A file named explicitly is kept whatever its extension, so that a wrong file gets a
    clear "not a PDF" reason instead of silently vanishing.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() == ".pdf"
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


@task(name="fingerprint")
def fingerprint(files: list[Path]) -> list[tuple[Path, str | None]]:
    """sha256 of each file; None for files that cannot be read at all."""
    return [(path, file_sha256(path) if path.is_file() else None) for path in files]


@task(name="store-records", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def store_records(store: str, records: list[ContractRecord]) -> list[AddOutcome]:
    """Write one batch in one transaction (retried: a locked database is transient).

    Call it as a task with the records wrapped in `quote` (see `flows.ingest.as_task_input`).
    A write is never served from a cache, so the inputs are not hashed for a cache key.
    """
    with open_portfolio(store) as portfolio:
        return portfolio.add_many(records)


def _outcome_for(result: ExtractionResult) -> FileOutcome:
    record = result.record
    if record is None:
        return FileOutcome(
            path=result.job.source, status=FileStatus.failed, record_id=result.job.record_id,
            reason=result.reason, message=result.message, hint=result.hint,
        )
    return FileOutcome(
        path=result.job.source, status=FileStatus.added, record_id=record.id,
        title=record.title, parties=[party.name for party in record.parties],
        notice_deadline=record.renewal.notice_deadline, pages=record.pages,
        warnings=record.warnings,
    )


def _plan(
    fingerprints: list[tuple[Path, str | None]], known: set[str]
) -> tuple[list[ExtractionJob], list[FileOutcome]]:
    """Jobs to run, and outcomes decided without extraction (missing, known, duplicate)."""
    jobs: list[ExtractionJob] = []
    decided: list[FileOutcome] = []
    seen: set[str] = set()
    for path, digest in fingerprints:
        if digest is None:
            decided.append(FileOutcome(path=str(path), status=FileStatus.failed,
                                       reason="not found", message="no such file",
                                       hint="check the path"))
        elif digest in known:
            decided.append(FileOutcome(path=str(path), status=FileStatus.unchanged,
                                       record_id=digest))
        elif digest in seen:
            decided.append(FileOutcome(path=str(path), status=FileStatus.duplicate,
                                       record_id=digest, message="same bytes as another file"))
        else:
            seen.add(digest)
            jobs.append(ExtractionJob(path=path, record_id=digest, source=str(path)))
    return jobs, decided


def as_task_input(records: list[ContractRecord]) -> list[ContractRecord]:
    """Records to pass to a task, marked so Prefect does not walk them.

    Prefect visits every object inside a task's arguments, looking for futures and states
    to wait on. A batch of 50 records holds tens of thousands of nested objects. Walking
    them cost 0.4-0.6 s per task call, against 3-5 ms for the call itself. Most of the
    flow's overhead over a direct call came from that. Records are plain data, never
    futures, so nothing is lost; Prefect unwraps the value before the task runs.
    """
    return quote(records)  # type: ignore[return-value]


def run_ingest(
    paths: Iterable[str | Path],
    store: str,
    *,
    workers: int = 0,
    today: date | None = None,
    text_layer: str = "pdfium",
    on_result: Callable[[FileOutcome], None] | None = None,
    on_planned: Callable[[int], None] | None = None,
    as_tasks: bool = False,
    ocr: OcrOptions | None = None,
) -> IngestReport:
    """The ingest steps; run as Prefect tasks inside the flow, or directly (benchmarks)."""
    started = time.perf_counter()
    fingerprint_step = fingerprint if as_tasks else fingerprint.fn

    def store_step(records: list[ContractRecord]) -> list[AddOutcome]:
        if as_tasks:
            return store_records(store, as_task_input(records))
        return store_records.fn(store, records)

    files = find_contract_files(paths)
    fingerprints = fingerprint_step(files)
    with open_portfolio(store) as portfolio:
        known = portfolio.known_ids(d for _, d in fingerprints if d)
    jobs, outcomes = _plan(fingerprints, known)
    if on_planned:
        on_planned(len(fingerprints))
    for outcome in outcomes:
        if on_result:
            on_result(outcome)
    batch: list[tuple[FileOutcome, ContractRecord]] = []

    def flush() -> None:
        if not batch:
            return
        stored = store_step([record for _, record in batch])
        for (outcome, _), added in zip(batch, stored, strict=True):
            outcome.status = FileStatus(added.value)
        batch.clear()

    for result in extract_many(jobs, workers=workers, today=today, text_layer=text_layer,
                               ocr=ocr):
        outcome = _outcome_for(result)
        outcomes.append(outcome)
        if result.record is not None:
            batch.append((outcome, result.record))
            if len(batch) >= STORE_BATCH:
                flush()
        if on_result:
            on_result(outcome)
    flush()
    return IngestReport(outcomes=outcomes, seconds=time.perf_counter() - started)


def publish_summary(report: IngestReport) -> None:
    """The run's table artifact: one row per file, what happened and what was found."""
    rows = [
        {
            "file": Path(o.path).name, "status": o.status.value, "title": o.title or "",
            "parties": "; ".join(o.parties), "notice deadline": str(o.notice_deadline or ""),
            "reason": o.reason or "", "warnings": "; ".join(o.warnings),
        }
        for o in report.outcomes
    ]
    create_table_artifact(key="ingest-summary", table=rows,
                          description=f"{len(rows)} files in {report.seconds:.1f} s")


@flow(name="ingest", log_prints=False)
def ingest(
    paths: list[str],
    store: str,
    workers: int = 0,
    today: date | None = None,
    text_layer: str = "pdfium",
    show_progress: bool = False,
    ocr: OcrOptions | None = None,
) -> IngestReport:
    """Ingest contract files/folders into the portfolio at `store`.

    `show_progress` draws a progress bar on the terminal (the CLI sets it); `ocr` says
    how scanned pages are read (default: OCR without a cache).
    """
    logger = get_run_logger()
    with IngestProgress(enabled=show_progress) as progress:
        report = run_ingest(
            paths, store, workers=workers, today=today, text_layer=text_layer,
            on_result=progress.advance, on_planned=progress.start, as_tasks=True, ocr=ocr,
        )
    for outcome in report.outcomes:
        if outcome.status is FileStatus.failed:
            logger.warning("%s: %s (%s)", outcome.path, outcome.reason, outcome.message)
    logger.info(
        "ingested %d files (%d added, %d unchanged, %d failed) in %.1f s",
        len(report.outcomes), report.count(FileStatus.added), report.count(FileStatus.unchanged),
        report.count(FileStatus.failed), report.seconds,
    )
    publish_summary(report)
    return report
