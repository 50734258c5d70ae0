"""The OCR fallback: only the pages that need it, cached, bounded, and honest when missing."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from extractors import ocr as ocr_module
from extractors import ocr_engine
from extractors.ocr import OcrOptions, page_ranges, read_scanned_pages
from extractors.ocr_text import TesseractWord
from extractors.pdf import read_contract_text
from extractors.pipeline import extract_record
from flows.ingest import FileStatus, run_ingest
from tests.conftest import write_image_only_pdf
from tests.ocr_fixtures import needs_tesseract

TODAY = date(2026, 11, 21)


def blank_scan(path: Path, pages: int, ink: bool = True) -> Path:
    """An image-only PDF of `pages` white pages, each with a line of ink marks where a
    fake OCR engine "reads" its text (`ink=False`: truly blank, never sent to OCR)."""
    images = [Image.new("L", (850, 1100), 255) for _ in range(pages)]
    if ink:
        for image in images:
            draw = ImageDraw.Draw(image)
            for word in range(8):
                draw.rectangle((100 + 60 * word, 200, 140 + 60 * word, 215), fill=0)
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=100.0)
    return path


@pytest.fixture()
def fake_tesseract(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Tesseract replaced by a stub that reads a governing-law line at 40% confidence,
    taking 0.2 s per page: fast tests of the budget, the cap and the warnings (which
    render at 100 dpi, so preparing the page images costs little too)."""
    calls: list[str] = []

    def run(image: Image.Image, language: str, timeout: float) -> list[TesseractWord]:
        calls.append(language)
        time.sleep(0.2)
        line = "This Agreement is governed by the laws of the State of New York."
        return [TesseractWord(text=t, left=100 + 60 * i, top=200, width=50, height=30,
                              confidence=40.0, block=1, paragraph=1, line=1)
                for i, t in enumerate(line.split())]

    monkeypatch.setattr(ocr_module, "run_tesseract", run)
    monkeypatch.setattr(ocr_module, "tesseract_problem", lambda language: None)
    monkeypatch.setattr(ocr_module, "engine_signature", lambda language: "fake")
    return calls


def test_born_digital_pdfs_never_open_the_ocr_path(sample_pdf: Path, fake_tesseract: list[str]
                                                  ) -> None:
    text = read_contract_text(sample_pdf)
    assert not any(page.ocr for page in text.pages) and fake_tesseract == []


def stamped_scan(path: Path, stamp: str, with_image: bool) -> Path:
    """A page with a text stamp, over a page-sized scan image or over nothing."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    if with_image:
        pdf.drawImage(ImageReader(Image.new("L", (850, 1100), 250)), 0, 0, *LETTER)
    pdf.drawString(450, 40, stamp)
    pdf.showPage()
    pdf.save()
    return path


def test_a_bates_stamp_on_a_scan_does_not_hide_the_scan(tmp_path: Path,
                                                         fake_tesseract: list[str]) -> None:
    scan = stamped_scan(tmp_path / "stamped.pdf", "ACME-000123", with_image=True)
    text = read_contract_text(scan, ocr=OcrOptions(dpi=100))
    assert text.pages[0].ocr and "New York" in text.text and len(fake_tesseract) == 1


def test_a_short_born_digital_page_is_not_ocrd(tmp_path: Path, fake_tesseract: list[str]) -> None:
    cover = stamped_scan(tmp_path / "cover.pdf", "MASTER SERVICES AGREEMENT", with_image=False)
    text = read_contract_text(cover, ocr=OcrOptions(dpi=100))
    assert text.text == "MASTER SERVICES AGREEMENT" and not fake_tesseract


def test_page_cap_leaves_the_rest_unread_with_a_warning(tmp_path: Path,
                                                        fake_tesseract: list[str]) -> None:
    scan = blank_scan(tmp_path / "long scan.pdf", 5)
    text = read_contract_text(scan, ocr=OcrOptions(max_pages=2, dpi=100))
    assert [page.ocr for page in text.pages] == [True, True, False, False, False]
    assert len(fake_tesseract) == 2
    assert ("OCR page cap of 2 reached: scanned pages 3-5 not read (setting ocr_max_pages)"
            in text.warnings)


def test_time_budget_stops_ocr_with_a_warning(tmp_path: Path, fake_tesseract: list[str]) -> None:
    scan = blank_scan(tmp_path / "slow scan.pdf", 6)
    text = read_contract_text(scan, ocr=OcrOptions(time_budget=0.5, workers=1, dpi=100))
    read = [page.number for page in text.pages if page.ocr]
    assert 1 <= len(read) < 6
    budget = [w for w in text.warnings if w.startswith("OCR time budget of 0.5 s reached")]
    assert budget and f"pages {page_ranges([n for n in range(1, 7) if n not in read])}" in budget[0]


def test_low_confidence_pages_and_values_are_flagged(tmp_path: Path,
                                                     fake_tesseract: list[str]) -> None:
    record = extract_record(blank_scan(tmp_path / "faint.pdf", 1), today=TODAY,
                            ocr=OcrOptions(dpi=100))
    assert record.governing_law == "New York"
    assert record.page_sources[0].ocr and record.page_sources[0].ocr_confidence == 40.0
    assert record.evidence.governing_law is not None
    assert record.evidence.governing_law.box is not None
    assert any(w.startswith("page 1 read by OCR with low confidence (40%)")
               for w in record.warnings)
    assert any(w.startswith("governing law read by OCR with low confidence (40%) on page 1")
               for w in record.warnings)


@pytest.mark.parametrize("missing", ["program", "binding"])
def test_without_tesseract_the_file_is_still_ingested(
    signed_copy: Path, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    if missing == "program":
        monkeypatch.setattr(ocr_engine.shutil, "which", lambda name: None)
        warning = "scanned pages not read: install tesseract-ocr"
    else:
        monkeypatch.setitem(__import__("sys").modules, "pytesseract", None)
        warning = "scanned pages not read: install pytesseract"
    record = extract_record(signed_copy, today=TODAY)
    assert warning in record.warnings
    assert "page 2 has no text layer (scanned?)" in record.warnings
    assert not any(source.ocr for source in record.page_sources)
    assert record.governing_law == "California" and len(record.parties) == 2


@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_signature_page(
    signed_copy: Path, tesseract_calls: list[int], tmp_path: Path
) -> None:
    text = read_contract_text(signed_copy, ocr=OcrOptions(cache_dir=tmp_path / "cache"))
    assert [page.ocr for page in text.pages] == [False, True, False, False]
    assert len(tesseract_calls) == 1
    signature = text.page_text(2)
    assert "IN WITNESS WHEREOF" in signature and "Priya Raman" in signature
    assert text.pages[1].ocr_confidence is not None and text.pages[1].ocr_confidence > 85
    start = text.text.index("Priya Raman")
    evidence = text.evidence(start, start + len("Priya Raman"))
    width, height = pdfium.PdfDocument(str(signed_copy))[1].get_size()
    assert evidence.page == 2 and evidence.box is not None
    assert 0 < evidence.box.x0 < evidence.box.x1 < width
    assert height / 2 < evidence.box.top < evidence.box.bottom < height  # lower half


@needs_tesseract
def test_reingest_never_reocrs(signed_copy: Path, tesseract_calls: list[int],
                               tmp_path: Path) -> None:
    options = OcrOptions(cache_dir=tmp_path / "ocr-cache")
    first = run_ingest([signed_copy], str(tmp_path / "a.db"), workers=1, today=TODAY, ocr=options)
    assert first.outcomes[0].status is FileStatus.added and len(tesseract_calls) == 1
    # the same file into another portfolio, and a re-saved copy (other bytes, same pages)
    resaved = tmp_path / "resaved.pdf"
    document = pdfium.PdfDocument(str(signed_copy))
    document.save(str(resaved), version=17)
    document.close()
    assert resaved.read_bytes() != signed_copy.read_bytes()
    again = run_ingest([signed_copy, resaved], str(tmp_path / "b.db"), workers=1, today=TODAY,
                       ocr=options)
    assert [o.status for o in again.outcomes] == [FileStatus.added, FileStatus.added]
    assert len(tesseract_calls) == 1, "a cached page was OCR'd again"
    assert again.outcomes[0].parties == first.outcomes[0].parties


def test_a_blank_scanned_page_is_not_sent_to_ocr(tmp_path: Path, fake_tesseract: list[str]
                                                 ) -> None:
    text = read_contract_text(blank_scan(tmp_path / "blank.pdf", 2, ink=False),
                              ocr=OcrOptions(cache_dir=None))
    assert fake_tesseract == []
    assert text.warnings == ["page 1 is blank (no text layer, OCR found no text)",
                             "page 2 is blank (no text layer, OCR found no text)"]


@needs_tesseract
def test_a_page_of_shapes_is_reported_blank(tmp_path: Path) -> None:
    text = read_contract_text(write_image_only_pdf(tmp_path / "shapes.pdf"))
    assert text.text == ""
    assert text.warnings == ["page 1 is blank (no text layer, OCR found no text)"]


def test_ocr_results_survive_a_broken_cache_entry(tmp_path: Path, fake_tesseract: list[str]
                                                  ) -> None:
    scan = blank_scan(tmp_path / "scan.pdf", 1)
    options = OcrOptions(cache_dir=tmp_path / "cache", dpi=100)
    read_scanned_pages(scan, [""], options)
    for entry in (tmp_path / "cache").glob("*/*.json"):
        entry.write_text("{not json")
    result = read_scanned_pages(scan, [""], options)
    assert result.ocr_pages == 1 and 1 in result.readings  # a miss, not a crash
    shutil.rmtree(tmp_path / "cache")
