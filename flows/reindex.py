"""The `reindex` flow: every archived original extracted again, its record replaced.

For after an extractor upgrade (better parties, more ways to state a term) or to rebuild
a lost portfolio from `archive/`. Each original keeps its name and its place among the
versions of that name: the stored record supplies them, or, for an original the index
does not hold, the inbox journal (name) and archive order (versions). Originals are
never moved or deleted; one that no longer extracts is reported and its old record kept.

It holds the inbox lock while it runs, so the watcher waits rather than interleaving
new versions with the rebuild.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger

from contracts.settings import load_settings
from extractors.batch import ExtractionJob, extract_many
from extractors.ocr import OcrOptions
from extractors.pipeline import file_sha256
from flows.inbox import index_records, settle
from flows.ingest import (
    FileOutcome,
    FileStatus,
    IngestReport,
    as_task_input,
    publish_summary,
)
from inbox.intake import Intake
from inbox.journal import Journal
from inbox.paths import InboxPaths
from portfolio import open_portfolio
from schemas import ContractRecord

REINDEX_CHUNK = 200
"""Originals extracted, then stored in archive order, per round (bounded memory)."""


def archived_originals(paths: InboxPaths) -> list[tuple[str, Path]]:
    """(sha256, path) of every original in the archive, oldest first (version order)."""
    found = [(p.stem, p) for p in paths.archive.glob("??/*.pdf") if len(p.stem) == 64]
    return sorted(found, key=lambda item: (item[1].stat().st_mtime_ns, item[0]))


def _names(paths: InboxPaths, journal: Journal, store: str,
           originals: list[tuple[str, Path]]) -> dict[str, tuple[str, str]]:
    """sha256 -> (file name, source) from the portfolio, else the journal, else the hash."""
    names: dict[str, tuple[str, str]] = {}
    with open_portfolio(store) as portfolio:
        for sha, path in originals:
            record = portfolio.get(sha)
            if record is not None:
                names[sha] = (record.filename, record.source)
                continue
            drops = journal.for_sha256(sha)
            if drops:
                names[sha] = (drops[0].name, paths.shown(Path(drops[0].path)))
            else:
                names[sha] = (path.name, paths.shown(path))
    return names


def _outcome(record: ContractRecord, status: FileStatus, dest: Path,
             paths: InboxPaths) -> FileOutcome:
    return FileOutcome(
        path=record.source, status=status, record_id=record.id, title=record.title,
        parties=[p.name for p in record.parties], notice_deadline=record.renewal.notice_deadline,
        pages=record.pages, warnings=record.warnings, destination=paths.shown(dest),
    )


def _reindex_chunk(
    chunk: list[tuple[str, Path]], names: dict[str, tuple[str, str]], paths: InboxPaths, *,
    store: str, workers: int, today: date | None, text_layer: str, ocr: OcrOptions | None = None,
) -> list[FileOutcome]:
    """Extract a chunk of originals and store the records in archive order."""
    outcomes: list[FileOutcome] = []
    jobs = []
    for sha, path in chunk:
        if file_sha256(path) != sha:
            outcomes.append(FileOutcome(
                path=paths.shown(path), status=FileStatus.failed, reason="damaged original",
                message="the archived file's content no longer matches its name (sha256)",
                hint="restore it from a backup; its old record is kept"))
        else:
            jobs.append(ExtractionJob(path=path, record_id=sha, source=names[sha][1]))
    extracted: dict[str, ContractRecord] = {}
    for result in extract_many(jobs, workers=workers, today=today, text_layer=text_layer,
                               ocr=ocr):
        if result.record is None:
            outcomes.append(FileOutcome(
                path=result.job.source, status=FileStatus.failed, record_id=result.job.record_id,
                reason=result.reason, message=result.message, hint=result.hint))
            continue
        filename, source = names[result.job.record_id]
        extracted[result.job.record_id] = result.record.model_copy(
            update={"filename": filename, "source": source})
    ordered = [(extracted[sha], path) for sha, path in chunk if sha in extracted]
    if ordered:
        stored = index_records(store, as_task_input([record for record, _ in ordered]))
        outcomes += [_outcome(record, FileStatus(added.value), path, paths)
                     for (record, path), added in zip(ordered, stored, strict=True)]
    return outcomes


@flow(name="reindex", log_prints=False)
def reindex(
    home: str | None = None,
    store: str | None = None,
    workers: int = 0,
    today: date | None = None,
    lock_wait_seconds: float = 3600.0,
) -> IngestReport:
    """Re-extract every original in `archive/` into the portfolio, replacing its record."""
    logger = get_run_logger()
    started = time.perf_counter()
    settings = load_settings(home=home, store=store)
    paths = InboxPaths.under(settings.home)
    paths.ensure()
    outcomes: list[FileOutcome] = []
    with Journal(paths.journal) as journal, journal.exclusive(lock_wait_seconds):
        intake = Intake(paths, journal)
        outcomes += settle(intake, intake.recover(), [], store=settings.store_url, workers=1,
                           today=today, text_layer=settings.text_layer,
                           ocr=settings.ocr_options())
        originals = archived_originals(paths)
        names = _names(paths, journal, settings.store_url, originals)
        for start in range(0, len(originals), REINDEX_CHUNK):
            outcomes += _reindex_chunk(
                originals[start : start + REINDEX_CHUNK], names, paths,
                store=settings.store_url, workers=workers or settings.workers, today=today,
                text_layer=settings.text_layer, ocr=settings.ocr_options())
    report = IngestReport(outcomes=outcomes, seconds=time.perf_counter() - started)
    logger.info("reindexed %d archived originals: %d replaced, %d unchanged, %d added, %d failed",
                len(report.outcomes), report.count(FileStatus.replaced),
                report.count(FileStatus.unchanged), report.count(FileStatus.added),
                report.count(FileStatus.failed))
    publish_summary(report)
    return report
