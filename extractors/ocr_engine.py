"""Tesseract, through pytesseract: the one module that runs the OCR engine.

pytesseract drives the `tesseract` program (Debian `tesseract-ocr` plus a language
package such as `tesseract-ocr-eng`), one process per page. That makes a page an
independent OS process, so pages OCR in parallel from a thread pool without the GIL or
pdfium's thread-unsafety getting in the way, and a page that hangs can be killed.

Everything here fails soft: a missing program, binding or language gives the warning
the record carries ("scanned pages not read: install tesseract-ocr"), never an error,
because the file must still be ingested with whatever text it has.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from PIL import Image
from pydantic import BaseModel, Field

from extractors.ocr_text import TesseractWord

TESSERACT_MISSING = "scanned pages not read: install tesseract-ocr"
PYTESSERACT_MISSING = "scanned pages not read: install pytesseract"

PAGE_SEGMENTATION = "--psm 3"
"""Fully automatic layout: keeps two-column pages column by column (pdfium order) and
reads simple tables row by row."""


class OcrTimeout(Exception):
    """Tesseract was stopped because the document's OCR time budget ran out."""


class TesseractStatus(BaseModel):
    """What of the OCR stack is installed (for the ingest warning and `contracts doctor`)."""

    binding: str | None = Field(default=None, description="pytesseract version, if importable")
    program: str | None = Field(default=None, description="path of the tesseract program")
    version: str | None = None
    languages: list[str] = Field(default_factory=list)
    missing_languages: list[str] = Field(default_factory=list)

    @property
    def problem(self) -> str | None:
        """The warning a record gets when scanned pages cannot be read, else None."""
        if self.binding is None:
            return PYTESSERACT_MISSING
        if self.program is None or self.version is None:
            return TESSERACT_MISSING
        if self.missing_languages:
            packages = " ".join(f"tesseract-ocr-{lang}" for lang in self.missing_languages)
            return f"scanned pages not read: install {packages}"
        return None


def tesseract_status(language: str) -> TesseractStatus:
    """Probe the binding, the program and its language data.

    Probed per document, not once per process, so a long-running `contracts watch`
    starts OCR'ing as soon as the package is installed.
    """
    try:
        import pytesseract
    except ImportError:
        return TesseractStatus()
    status = TesseractStatus(binding=_binding_version(pytesseract))
    status.program = shutil.which(pytesseract.pytesseract.tesseract_cmd)
    if status.program is None:
        return status
    try:
        status.version = str(pytesseract.get_tesseract_version())
        status.languages = sorted(pytesseract.get_languages(config=""))
    except Exception:  # a broken install reports nothing usable
        status.version = None
        return status
    status.missing_languages = [p for p in language.split("+") if p not in status.languages]
    return status


def tesseract_problem(language: str) -> str | None:
    """Why OCR cannot run here (the warning to record), or None when it can."""
    return tesseract_status(language).problem


def _binding_version(module: Any) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pytesseract")
    except PackageNotFoundError:
        return str(getattr(module, "__version__", "unknown"))


def tesseract_version() -> str:
    """The engine version, part of the OCR cache key (a new engine reads differently)."""
    import pytesseract

    return str(pytesseract.get_tesseract_version())


def engine_signature(language: str) -> str:
    """Everything besides the image that decides what Tesseract returns."""
    return f"tesseract {tesseract_version()}|{language}|{PAGE_SEGMENTATION}"


def run_tesseract(image: Image.Image, language: str, timeout: float) -> list[TesseractWord]:
    """OCR one page image; its words in reading order. `timeout` 0 means none.

    Tesseract's own OpenMP threads are switched off: on 2 cores one page took 13.4 s
    wall (4.6 s CPU) with them and 4.7 s (1.9 s CPU) without, and pages already run in
    parallel, one process each.
    """
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    image = image.copy()
    image.format = "BMP"  # pytesseract writes this format: PNG-encoding a page cost 1.3 s
    try:
        data = pytesseract.image_to_data(
            image, lang=language, config=PAGE_SEGMENTATION,
            output_type=pytesseract.Output.DICT, timeout=timeout,
        )
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout(str(exc)) from exc
        raise
    return _words(data)


def _words(data: dict[str, list[Any]]) -> list[TesseractWord]:
    """Word-level rows (level 5) with text, as models."""
    words: list[TesseractWord] = []
    for index, level in enumerate(data["level"]):
        text = str(data["text"][index]).strip()
        if int(level) != 5 or not text:
            continue
        words.append(TesseractWord(
            text=text, left=int(data["left"][index]), top=int(data["top"][index]),
            width=int(data["width"][index]), height=int(data["height"][index]),
            confidence=max(0.0, float(data["conf"][index])),
            block=int(data["block_num"][index]), paragraph=int(data["par_num"][index]),
            line=int(data["line_num"][index]),
        ))
    return words
