"""OCR fallback for scanned contracts: read the pages whose text layer fails.

Executed contracts often arrive as scans of the signed paper copy, wholly or for a few
pages (the signature page). `read_scanned_pages` finds the pages whose text layer is
missing, sparse or garbage (`extractors.page_quality`), renders only those at 300 dpi,
straightens them and has Tesseract read them, several pages at once (one `tesseract`
process per page, from a thread pool: the main thread renders, pdfium is not
thread-safe). Each result is cached by page-image fingerprint, so a page is OCR'd once.

A 500-page scan must not block the inbox: at most `max_pages` pages are OCR'd per
document and no page starts (or keeps running) after `time_budget` seconds; the pages
left unread are named in a warning. A machine without Tesseract still ingests the file
with whatever text it has, and the record says what to install.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from extractors.document import OcrReading
from extractors.ocr_cache import OcrCache, cache_key
from extractors.ocr_engine import OcrTimeout, engine_signature, run_tesseract, tesseract_problem
from extractors.ocr_text import TesseractPage, reading_from_tesseract
from extractors.page_quality import TextLayerVerdict, judge_by_text, judge_text_layer
from extractors.scan_image import (
    PREPARATION_VERSION,
    image_fingerprint,
    is_blank,
    prepare_for_ocr,
    render_page,
)


class OcrOptions(BaseModel):
    """How scanned pages are read (from the `ocr_*` settings)."""

    enabled: bool = True
    dpi: int = Field(default=300, ge=100, le=600)
    language: str = Field(default="eng", description="Tesseract languages, e.g. eng+deu")
    max_pages: int = Field(default=100, ge=0, description="pages OCR'd per document at most")
    time_budget: float = Field(default=300.0, gt=0, description="OCR seconds per document")
    workers: int = Field(default=0, ge=0, description="pages OCR'd at once; 0 = one per core")
    min_confidence: float = Field(default=70.0, ge=0, le=100)
    cache_dir: Path | None = Field(default=None, description="OCR cache; None = no cache")
    deskew: bool = True

    def worker_count(self) -> int:
        if self.workers:
            return self.workers
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


class ScanResult(BaseModel):
    """The pages OCR read (by 1-based number), what to tell the user, and the cost."""

    readings: dict[int, OcrReading] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    ocr_pages: int = Field(default=0, description="pages Tesseract read (cache misses)")
    cached_pages: int = 0


def read_scanned_pages(
    path: Path, page_texts: list[str], options: OcrOptions
) -> ScanResult:
    """OCR the pages of `path` whose text layer (`page_texts`) is not usable."""
    verdicts: list[TextLayerVerdict | None] = [judge_by_text(text) for text in page_texts]
    if not options.enabled or all(v is TextLayerVerdict.usable for v in verdicts):
        return ScanResult()
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        candidates = _pages_needing_ocr(pdf, page_texts, verdicts)
        if not candidates:
            return ScanResult()
        problem = tesseract_problem(options.language)
        if problem:
            return ScanResult(warnings=[problem])
        return _read(pdf, candidates, page_texts, options)
    finally:
        pdf.close()


def _pages_needing_ocr(
    pdf: Any, page_texts: list[str], verdicts: list[TextLayerVerdict | None]
) -> dict[int, TextLayerVerdict]:
    """Page number -> why it needs OCR; the PDF decides where the text alone cannot."""
    found: dict[int, TextLayerVerdict] = {}
    for index, verdict in enumerate(verdicts):
        if verdict is None:
            page = pdf[index]
            try:
                width, height = page.get_size()
                verdict = judge_text_layer(page_texts[index], width, height,
                                           _image_coverage(page, width * height))
            finally:
                page.close()
        if verdict.needs_ocr:
            found[index + 1] = verdict
    return found


def _image_coverage(page: Any, area: float) -> float:
    """Share of the page covered by image objects (overlaps counted twice, capped at 1)."""
    import pypdfium2.raw as pdfium_c

    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 / 4
        left, bottom, right, top = bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return min(1.0, covered / area) if area > 0 else 0.0


def _read(
    pdf: Any, candidates: dict[int, TextLayerVerdict], page_texts: list[str],
    options: OcrOptions,
) -> ScanResult:
    """Render and OCR the candidate pages in parallel, within the page cap and time budget."""
    result = ScanResult()
    numbers = list(candidates)
    chosen, over_cap = numbers[: options.max_pages], numbers[options.max_pages :]
    cache = OcrCache(options.cache_dir)
    signature = (f"{engine_signature(options.language)}|prep {PREPARATION_VERSION}"
                 f"|deskew {options.deskew}")
    deadline = time.monotonic() + options.time_budget
    workers = options.worker_count()
    pages: dict[int, TesseractPage] = {}
    failed: dict[int, str] = {}
    late: list[int] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr") as pool:
        running: dict[Future[TesseractPage], tuple[int, str]] = {}
        for number in chosen:
            if time.monotonic() >= deadline:
                late.append(number)
                continue
            page = pdf[number - 1]
            try:
                image = render_page(page, options.dpi)
            finally:
                page.close()
            key = cache_key(image_fingerprint(image), signature)
            if (cached := cache.get(key)) is not None:
                pages[number] = cached
                result.cached_pages += 1
                continue
            running[pool.submit(_ocr_page, image, options, deadline)] = (number, key)
            if len(running) >= 2 * workers:  # bounded: page images are ~8 MB each
                _collect(running, wait(running, return_when=FIRST_COMPLETED).done,
                         cache, pages, failed, late, result)
        _collect(running, set(running), cache, pages, failed, late, result)
    for number in sorted(pages):
        reading = reading_from_tesseract(pages[number])
        if _accept(reading, candidates[number], page_texts[number - 1]):
            result.readings[number] = reading
    result.warnings = _warnings(result, options, over_cap, sorted(late), failed)
    return result


def _ocr_page(image: Any, options: OcrOptions, deadline: float) -> TesseractPage:
    """One page through deskew and Tesseract (runs in a pool thread)."""
    if time.monotonic() >= deadline:
        raise OcrTimeout("time budget spent before the page started")
    if is_blank(image):  # reported as a blank page, like a page Tesseract found empty
        return TesseractPage(words=[], width=image.width, height=image.height,
                             dpi=options.dpi, skew_degrees=0.0)
    image, angle = prepare_for_ocr(image, options.dpi, deskew=options.deskew)
    words = run_tesseract(image, options.language, max(0.5, deadline - time.monotonic()))
    return TesseractPage(words=words, width=image.width, height=image.height,
                         dpi=options.dpi, skew_degrees=angle)


def _collect(
    running: dict[Future[TesseractPage], tuple[int, str]], done: set[Future[TesseractPage]],
    cache: OcrCache, pages: dict[int, TesseractPage], failed: dict[int, str],
    late: list[int], result: ScanResult,
) -> None:
    """Move finished pages out of `running`: cache and keep them, or note why not."""
    for future in done:
        number, key = running.pop(future)
        try:
            page = future.result()
        except OcrTimeout:
            late.append(number)
            continue
        except Exception as exc:  # one unreadable page must not cost the document
            failed[number] = f"{type(exc).__name__}: {exc}".strip()
            continue
        cache.put(key, page)
        pages[number] = page
        result.ocr_pages += 1


def _accept(reading: OcrReading, verdict: TextLayerVerdict, layer_text: str) -> bool:
    """OCR replaces a sparse text layer only when it read more letters than the layer had."""
    if verdict is not TextLayerVerdict.sparse:
        return True
    return sum(c.isalpha() for c in reading.text) > sum(c.isalpha() for c in layer_text)


def _warnings(
    result: ScanResult, options: OcrOptions, over_cap: list[int], late: list[int],
    failed: dict[int, str],
) -> list[str]:
    warnings = [
        f"page {number} read by OCR with low confidence ({reading.confidence:.0f}%): "
        "check values quoted from it against the page"
        for number, reading in sorted(result.readings.items())
        if reading.confidence is not None and reading.confidence < options.min_confidence
    ]
    warnings += [f"page {number}: OCR failed ({reason})" for number, reason in failed.items()]
    if over_cap:
        warnings.append(
            f"OCR page cap of {options.max_pages} reached: scanned pages "
            f"{page_ranges(over_cap)} not read (setting ocr_max_pages)"
        )
    if late:
        warnings.append(
            f"OCR time budget of {options.time_budget:g} s reached: scanned pages "
            f"{page_ranges(late)} not read (setting ocr_time_budget)"
        )
    return warnings


def page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5": short enough for a warning about a 500-page scan."""
    ranges: list[str] = []
    for number in sorted(numbers):
        if ranges and ranges[-1].split("-")[-1] == str(number - 1):
            ranges[-1] = f"{ranges[-1].split('-')[0]}-{number}"
        else:
            ranges.append(str(number))
    return ", ".join(ranges)
