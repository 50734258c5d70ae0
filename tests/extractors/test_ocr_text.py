"""OCR words into page text: exact offsets, a box per word, boxes on evidence."""

import pytest

from extractors.document import ContractText
from extractors.ocr_text import TesseractPage, TesseractWord, reading_from_tesseract


def word(text: str, left: int, top: int, line: int, confidence: float = 95.0,
         block: int = 1) -> TesseractWord:
    return TesseractWord(text=text, left=left, top=top, width=20 * len(text), height=40,
                         confidence=confidence, block=block, paragraph=1, line=line)


PAGE = TesseractPage(
    dpi=300, width=2550, height=3300,
    words=[word("Governed", 300, 600, 1), word("by", 500, 600, 1), word("the", 560, 600, 1),
           word("laws", 300, 660, 2, confidence=60.0), word("of", 400, 660, 2),
           word("\u201cNew", 460, 660, 2, confidence=40.0), word("York\u201d.", 560, 660, 2),
           word("|", 300, 720, 3), word(" ", 400, 720, 3)],
)


def test_words_become_lines_with_exact_offsets() -> None:
    reading = reading_from_tesseract(PAGE)
    assert reading.text == 'Governed by the\nlaws of "New York".\n1'
    for box in reading.words:
        assert reading.text[box.start : box.end] == reading.text[box.start : box.end].strip()
    assert [reading.text[b.start : b.end] for b in reading.words][:3] == ["Governed", "by", "the"]
    assert reading.confidence == pytest.approx((95 * 6 + 60 + 40) / 8, abs=0.1)


def test_boxes_are_in_pdf_points() -> None:
    first = reading_from_tesseract(PAGE).words[0]
    assert (first.x0, first.top, first.x1, first.bottom) == (72.0, 144.0, 110.4, 153.6)


def test_boxes_are_mapped_back_through_the_deskew_rotation() -> None:
    straight = reading_from_tesseract(PAGE).words[0]
    rotated = reading_from_tesseract(PAGE.model_copy(update={"skew_degrees": 1.0})).words[0]
    assert rotated.x0 != straight.x0
    assert abs(rotated.top - straight.top) < 6  # a degree moves a word a few points


def test_evidence_on_an_ocr_page_has_a_box_and_a_confidence() -> None:
    reading = reading_from_tesseract(PAGE)
    text = ContractText.from_pages("scan.pdf", ["born-digital page one", ""], {2: reading})
    assert [p.ocr for p in text.pages] == [False, True]
    assert text.warnings == []
    start = text.text.index('"New York"')
    evidence = text.evidence(start, start + len('"New York"'))
    assert evidence.page == 2 and evidence.text == '"New York"'
    assert evidence.box is not None and evidence.box.x0 == 460 * 72 / 300
    assert evidence.ocr_confidence == 67.5  # mean of 40 and 95
    layer = text.evidence(0, 4)
    assert layer.box is None and layer.ocr_confidence is None


def test_a_blank_scanned_page_says_so() -> None:
    blank = reading_from_tesseract(PAGE.model_copy(update={"words": []}))
    text = ContractText.from_pages("scan.pdf", [""], {1: blank})
    assert blank.confidence is None
    assert text.warnings == ["page 1 is blank (no text layer, OCR found no text)"]
