"""The `ingest-inbox` flow: dropped files into the portfolio, each to its final place.

One run takes a batch of files from the watched folder (the ones `contracts watch`
found stable, or, run on a schedule, whatever is stable in the folder now) and for each:

    claim (sha256, journaled) -> already in the portfolio? archive as a duplicate
                              -> extract (process pool) -> ok?  archive, then index
                                                        -> bad? quarantine in failed/

The journal (`inbox.journal`) is written ahead of every move and the index is written
only after the move, so a run killed at any instant is finished by the next one
(`Intake.recover`). The flow only wires: extraction is `extractors.batch`, the moves are
`inbox.intake`, storage is `portfolio`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from contracts.settings import load_settings
from extractors.batch import ExtractionJob, ExtractionResult, extract_many
from extractors.ocr import OcrOptions
from flows.ingest import FileOutcome, FileStatus, IngestReport, as_task_input, publish_summary
from inbox.intake import Intake
from inbox.journal import Drop, DropOutcome, DropState, Journal
from inbox.paths import InboxPaths
from inbox.watcher import stable_files_now
from portfolio import AddOutcome, open_portfolio
from schemas import ContractRecord

INDEX_BATCH = 50
"""Records written per transaction."""


@task(name="claim-dropped-files", cache_policy=NO_CACHE)
def claim_files(intake: Intake, files: list[Path]) -> list[Drop]:
    """Hash and journal the files (skipping junk, vanished and half-written ones)."""
    return intake.claim(files)


@task(name="index-records", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def index_records(store: str, records: list[ContractRecord]) -> list[AddOutcome]:
    """One transaction; a file name already in the portfolio makes a new version."""
    with open_portfolio(store) as portfolio:
        return portfolio.add_many(records, as_new_versions=True)


@dataclass
class _Batch:
    """Drops archived and waiting for one index write, with the outcomes to fill in."""

    store: str
    intake: Intake
    waiting: list[tuple[Drop, ContractRecord, FileOutcome]] = field(default_factory=list)

    def add(self, drop: Drop, record: ContractRecord, outcome: FileOutcome) -> None:
        self.waiting.append((drop, record, outcome))
        if len(self.waiting) >= INDEX_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.waiting:
            return
        added = index_records(self.store,
                              as_task_input([record for _, record, _ in self.waiting]))
        for (drop, record, outcome), result in zip(self.waiting, added, strict=True):
            new = result is AddOutcome.new_version
            self.intake.indexed(drop, DropOutcome.new_version if new else DropOutcome.added,
                                record.id)
            outcome.status = FileStatus.new_version if new else FileStatus.added
            if new:
                outcome.message = f"new version of {record.filename}"
        self.waiting.clear()


def _record_outcome(drop: Drop, record: ContractRecord) -> FileOutcome:
    return FileOutcome(
        path=record.source, status=FileStatus.added, record_id=record.id, title=record.title,
        parties=[p.name for p in record.parties], notice_deadline=record.renewal.notice_deadline,
        pages=record.pages, warnings=record.warnings, destination=drop.dest,
    )


def _settled_outcome(
    drop: Drop, paths: InboxPaths, *, same_as: str | None = None,
    failure: ExtractionResult | None = None,
) -> FileOutcome:
    """The outcome of a drop that needs no index write (duplicate, failed, vanished, stuck)."""
    shown = paths.shown(Path(drop.path))
    if drop.state is DropState.stuck:
        return FileOutcome(path=shown, status=FileStatus.failed, reason="cannot move",
                           message=drop.reason, hint="check that the watched folder is "
                           "writable; the file stays there and is tried again later")
    if drop.outcome is DropOutcome.duplicate:
        return FileOutcome(path=shown, status=FileStatus.duplicate, record_id=drop.sha256,
                           message=f"same bytes as {same_as or 'a contract in the portfolio'}",
                           destination=drop.dest)
    if drop.outcome is DropOutcome.vanished or failure is None:
        return FileOutcome(path=shown, status=FileStatus.failed, reason="vanished",
                           message="the file was removed from the inbox while being processed",
                           hint="drop it again if it was meant to be ingested")
    return FileOutcome(path=shown, status=FileStatus.failed, record_id=drop.sha256,
                       reason=failure.reason, message=failure.message, hint=failure.hint,
                       destination=drop.dest)


def _for_portfolio(record: ContractRecord, drop: Drop, paths: InboxPaths) -> ContractRecord:
    """The original's name and drop path, not the name it was read under."""
    return record.model_copy(update={"filename": drop.name,
                                     "source": paths.shown(Path(drop.path))})


def settle(
    intake: Intake, recovered: list[Drop], drops: list[Drop], *, store: str, workers: int,
    today: date | None, text_layer: str, ocr: OcrOptions | None = None,
) -> list[FileOutcome]:
    """Take every drop to its final place; the outcome of each, in completion order."""
    paths = intake.paths
    with open_portfolio(store) as portfolio:
        known = portfolio.known_ids(d.sha256 for d in [*recovered, *drops])
        known_names = {sha: r.filename for sha in known if (r := portfolio.get(sha))}
    batch = _Batch(store, intake)
    outcomes: list[FileOutcome] = []
    for drop in recovered:  # archived before a crash: index the journaled record
        record = intake.journaled_record(drop)
        outcome = _record_outcome(drop, record)
        outcomes.append(outcome)
        batch.add(drop, record, outcome)
    groups: dict[str, list[Drop]] = {}
    for drop in drops:
        if drop.sha256 not in known:
            groups.setdefault(drop.sha256, []).append(drop)
        elif settled := intake.archive_duplicate(drop, drop.sha256):
            outcomes.append(_settled_outcome(settled, paths, same_as=known_names.get(drop.sha256)))
    jobs = [ExtractionJob(path=Path(g[0].path), record_id=sha, source=g[0].path)
            for sha, g in groups.items()]
    for result in extract_many(jobs, workers=workers, today=today, text_layer=text_layer,
                               ocr=ocr):
        outcomes += _settle_group(intake, groups[result.job.record_id], result, batch)
    batch.flush()
    return outcomes


def _settle_group(
    intake: Intake, group: list[Drop], result: ExtractionResult, batch: _Batch
) -> list[FileOutcome]:
    """Same bytes, same fate: archive the first and deduplicate the rest, or quarantine all."""
    paths = intake.paths
    if result.record is None:
        return [
            _settled_outcome(intake.quarantine(drop, result.reason or "unreadable",
                                               result.message or "", result.hint or ""),
                             paths, failure=result)
            for drop in group
        ]
    first, *rest = group
    record = _for_portfolio(result.record, first, paths)
    archived = intake.archive(first, record)
    outcomes: list[FileOutcome] = []
    if archived is not None and archived.state is DropState.archived:
        outcome = _record_outcome(archived, record)
        outcomes.append(outcome)
        batch.add(archived, record, outcome)
        for drop in rest:
            if settled := intake.archive_duplicate(drop, drop.sha256):
                outcomes.append(_settled_outcome(settled, paths, same_as=first.name))
        return outcomes
    if archived is not None:  # vanished or stuck
        outcomes.append(_settled_outcome(archived, paths))
    for drop in rest:  # the first copy did not reach the archive: these go round again
        intake.release(drop)
    return outcomes


@flow(name="ingest-inbox", log_prints=False)
def ingest_inbox(
    files: list[str] | None = None,
    home: str | None = None,
    store: str | None = None,
    inbox: str | None = None,
    workers: int = 0,
    stable_seconds: float | None = None,
    today: date | None = None,
    lock_wait_seconds: float = 600.0,
) -> IngestReport:
    """Ingest dropped files: `files` (from `contracts watch`), or, when None, every file
    in the watched folder that stays unchanged for `stable_seconds` (scheduled runs).

    `home`/`store` default to the settings (`CONTRACTS_HOME`, `contracts.toml`).
    """
    logger = get_run_logger()
    started = time.perf_counter()
    settings = load_settings(home=home, store=store)
    paths = InboxPaths.under(settings.home, inbox)
    paths.ensure()
    with Journal(paths.journal) as journal, journal.exclusive(lock_wait_seconds):
        intake = Intake(paths, journal)
        recovered = intake.recover()
        if recovered:
            logger.warning("finishing %d files a stopped run had archived", len(recovered))
        candidates = (
            [Path(f) for f in files] if files is not None
            else stable_files_now(paths.inbox, stable_seconds or settings.watch_stable_seconds)
        )
        drops = claim_files(intake, candidates)
        outcomes = settle(intake, recovered, drops, store=settings.store_url,
                          workers=workers or settings.workers, today=today,
                          text_layer=settings.text_layer, ocr=settings.ocr_options())
    report = IngestReport(outcomes=outcomes, seconds=time.perf_counter() - started)
    for outcome in report.outcomes:
        name = Path(outcome.path).name
        if outcome.status is FileStatus.failed:
            logger.warning("%s: failed, %s: %s", name, outcome.reason, outcome.message)
        else:
            logger.info("%s: %s -> %s", name, outcome.status.value, outcome.destination)
    if outcomes:
        publish_summary(report)
    return report
