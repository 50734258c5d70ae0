"""Contract PDFs to `ContractText`: validation, then one of two text layers.

* `pdfium` (default): pypdfium2's text, ~70x faster than pdfminer on real contracts,
  reading order good on single- and two-column pages.
* `pdfplumber`: pdfminer-based, slower; kept for layout work (tables, word boxes).

The choice is a parameter, not a rewrite: both implement `TextLayer`.

Pages whose text layer is missing, sparse or garbage (scans) are then read by OCR
(`extractors.ocr`), unless the `OcrOptions` say otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from extractors.document import ContractText, normalise_page_text
from extractors.ocr import OcrOptions, read_scanned_pages
from schemas.errors import ContractError, CorruptPdf, EmptyFile, EncryptedPdf, NotAPdf

_HEADER_WINDOW = 1024
_TRAILER_WINDOW = 4096


class TextLayer(Protocol):
    """Reads the raw text of each page, in order."""

    name: str

    def page_texts(self, path: Path) -> Iterator[str]: ...


class PdfiumTextLayer:
    name = "pdfium"

    def page_texts(self, path: Path) -> Iterator[str]:
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise _classify_pdfium_error(path, exc) from exc
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                try:
                    yield textpage.get_text_range()
                finally:
                    textpage.close()
                    page.close()
        finally:
            pdf.close()


class PdfplumberTextLayer:
    name = "pdfplumber"

    def page_texts(self, path: Path) -> Iterator[str]:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
        from pdfminer.pdfparser import PDFSyntaxError

        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    yield page.extract_text() or ""
                    page.close()
        except PDFPasswordIncorrect as exc:
            raise EncryptedPdf(path, "the PDF is password-protected") from exc
        except PDFSyntaxError as exc:
            raise CorruptPdf(path, f"the PDF structure cannot be parsed ({exc})") from exc


TEXT_LAYERS: dict[str, TextLayer] = {
    layer.name: layer for layer in (PdfiumTextLayer(), PdfplumberTextLayer())
}


def _classify_pdfium_error(path: Path, exc: Exception) -> ContractError:
    message = str(exc).lower()
    if "password" in message:
        return EncryptedPdf(path, "the PDF is password-protected")
    if "format" in message or "file" in message:
        return CorruptPdf(path, "the PDF structure cannot be parsed")
    return CorruptPdf(path, f"the PDF cannot be opened ({exc})")


def check_pdf_file(path: Path) -> None:
    """Cheap checks before parsing, so each kind of bad file gets its own clear reason."""
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ContractError(path, "file not found") from exc
    if not path.is_file():
        raise NotAPdf(path, "not a regular file")
    if size == 0:
        raise EmptyFile(path, "the file is empty (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(_HEADER_WINDOW)
        handle.seek(max(0, size - _TRAILER_WINDOW))
        tail = handle.read()
    if b"%PDF-" not in head:
        kind = "text" if _looks_like_text(head) else "binary data"
        raise NotAPdf(path, f"the file is {kind}, not a PDF (no %PDF- header)")
    if b"%%EOF" not in tail:
        raise CorruptPdf(path, "the PDF is truncated (no end-of-file marker); it was cut off")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_contract_text(
    path: str | Path, text_layer: str = "pdfium", ocr: OcrOptions | None = None
) -> ContractText:
    """Validate `path` and read every page's text, normalised, with page offsets.

    Raises a `ContractError` subclass naming the file and the cause for empty,
    non-PDF, truncated, corrupt and password-protected files. Pages without a usable
    text layer are OCR'd (`ocr`: default options, no cache); a page that stays without
    text is not an error: the result carries a warning for it.
    """
    path = Path(path)
    check_pdf_file(path)
    try:
        layer = TEXT_LAYERS[text_layer]
    except KeyError:
        known = sorted(TEXT_LAYERS)
        raise ValueError(f"unknown text layer {text_layer!r}; choose from {known}") from None
    try:
        pages = [normalise_page_text(raw) for raw in layer.page_texts(path)]
    except ContractError:
        raise
    except Exception as exc:  # a parser failure deep in a damaged file
        raise CorruptPdf(path, f"the PDF cannot be read ({type(exc).__name__}: {exc})") from exc
    if not pages:
        raise CorruptPdf(path, "the PDF has no pages")
    options = ocr or OcrOptions()
    scan = read_scanned_pages(path, pages, options)
    text = ContractText.from_pages(path, pages, scan.readings)
    text.warnings += scan.warnings
    text.ocr_min_confidence = options.min_confidence
    return text
