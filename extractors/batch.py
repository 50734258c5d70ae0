"""Extract many contracts at once, in parallel across processes.

Extraction is CPU-bound and each document is independent, so documents fan out over
a process pool; each worker builds the spaCy pipeline once and keeps it. A bad file
becomes an `ExtractionResult` with the error, never an exception that stops the batch.
Results come back in completion order; each names its file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from schemas import ContractError, ContractRecord

if TYPE_CHECKING:
    from extractors.ocr import OcrOptions

IN_PROCESS_BELOW = 3
"""Batches smaller than this are not worth the worker start-up (~1 s each)."""


@dataclass(frozen=True)
class ExtractionJob:
    path: Path
    record_id: str
    source: str


@dataclass(frozen=True)
class ExtractionResult:
    job: ExtractionJob
    record: ContractRecord | None
    reason: str | None = None
    message: str | None = None
    hint: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.record is not None


def extract_job(
    job: ExtractionJob, today: date | None, text_layer: str, ocr: OcrOptions | None = None
) -> ExtractionResult:
    """Run the pipeline on one file; errors become a failed result naming the cause."""
    from extractors.pdf import read_contract_text
    from extractors.pipeline import extract_from_text

    started = time.perf_counter()
    try:
        text = read_contract_text(job.path, text_layer=text_layer, ocr=ocr)
        record = extract_from_text(text, record_id=job.record_id, source=job.source, today=today)
    except ContractError as exc:
        return ExtractionResult(job, None, exc.reason, exc.message, exc.hint,
                                time.perf_counter() - started)
    except Exception as exc:  # an extractor bug must not stop the batch
        return ExtractionResult(
            job, None, "extraction failed", f"{type(exc).__name__}: {exc}",
            "this is a bug in contract-intel; please report it with the file",
            time.perf_counter() - started,
        )
    return ExtractionResult(job, record, seconds=time.perf_counter() - started)


def _warm_up() -> None:
    """Load the pipeline once per worker; leave Ctrl-C to the parent (see `_spawning`)."""
    from extractors.nlp import contract_pipeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    contract_pipeline()


@contextmanager
def _spawning() -> Iterator[None]:
    """Block SIGINT while `submit` may start a worker, so the worker starts with it blocked.

    A terminal's Ctrl-C reaches the whole process group. A worker that died of it (even
    while still starting, before `_warm_up` runs) breaks the pool mid-batch, while the
    parent (e.g. `contracts watch`) wants to finish the batch it is in, then stop.
    Blocked, not ignored: a Ctrl-C that arrives while a worker spawns stays pending and
    reaches the parent's handler right after (an ignored one was lost, and the watcher
    kept running; the longer a spawn takes, on a loaded machine, the likelier that was).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _ocr_share(ocr: OcrOptions | None, processes: int) -> OcrOptions:
    """OCR options with this process's share of the cores (at least one Tesseract)."""
    from extractors.ocr import OcrOptions

    ocr = ocr or OcrOptions()
    if ocr.workers:
        return ocr
    return ocr.model_copy(update={"workers": max(1, default_workers() // processes)})


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def extract_many(
    jobs: Iterable[ExtractionJob],
    *,
    workers: int = 0,
    today: date | None = None,
    text_layer: str = "pdfium",
    ocr: OcrOptions | None = None,
) -> Iterator[ExtractionResult]:
    """Extract every job; `workers=0` means one process per core, 1 means in this process.

    Scanned pages OCR in parallel within a document too; with several documents in
    flight the cores are shared out, so OCR never runs more Tesseracts than cores.
    """
    pending = list(jobs)
    workers = workers or default_workers()
    if workers == 1 or len(pending) < IN_PROCESS_BELOW:
        for job in pending:
            yield extract_job(job, today, text_layer, ocr)
        return
    ocr = _ocr_share(ocr, min(workers, len(pending)))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(pending)), mp_context=context, initializer=_warm_up
    ) as pool:
        # Keep a bounded number in flight so memory stays flat on huge batches.
        in_flight: set[Future[ExtractionResult]] = set()
        queue = iter(pending)
        for job in queue:
            with _spawning():
                in_flight.add(pool.submit(extract_job, job, today, text_layer, ocr))
            if len(in_flight) >= workers * 4:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            yield from (future.result() for future in done)
