"""From Tesseract's words to page text the extractors can read, with a box per word.

Tesseract reports words with their pixel box, confidence and (block, paragraph, line)
numbers. `reading_from_tesseract` turns them into one page string laid out like the
pdfium text layer (one line per printed line, no blank lines between paragraphs), so
the extractors tuned on born-digital text see the same shapes, and keeps, for every
word, its character span in that string and its box on the page in PDF points. Evidence
quoted from an OCR'd page can then point at the region of the page it was read from.

The raw Tesseract result (`TesseractPage`) is what the OCR cache stores; assembling
text is pure and cheap, so a change here never needs a re-OCR.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import groupby

from pydantic import BaseModel, ConfigDict

from extractors.document import OcrReading, WordBox, normalise_page_text
from extractors.ocr_corrections import correct_words


class TesseractWord(BaseModel):
    """One word as Tesseract reports it: pixel box in the image it was given."""

    model_config = ConfigDict(frozen=True)

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    block: int
    paragraph: int
    line: int


class TesseractPage(BaseModel):
    """Tesseract's reading of one page image (what the OCR cache stores)."""

    words: list[TesseractWord]
    width: int
    height: int
    dpi: int
    skew_degrees: float = 0.0
    """The image was rotated by this angle (counter-clockwise) before OCR; boxes are in
    the rotated frame and are mapped back to the page by `reading_from_tesseract`."""


_Box = tuple[float, float, float, float]
_TALL_SYMBOLS = frozenset("|[]{}()/\\!")


def _line_of(pair: tuple[TesseractWord, str]) -> tuple[int, int, int]:
    word = pair[0]
    return word.block, word.paragraph, word.line


def reading_from_tesseract(page: TesseractPage) -> OcrReading:
    """Lay the words out line by line; normalise each word so offsets stay exact."""
    parts: list[str] = []
    boxes: list[WordBox] = []
    offset = 0
    to_points = _point_mapper(page)
    words = _without_specks(page.words)
    texts = correct_words([normalise_page_text(w.text).strip() for w in words])
    for _, line in groupby(zip(words, texts, strict=True), key=_line_of):
        line_words = [(w, text) for w, text in line if text]
        if not line_words:
            continue
        if parts:
            parts.append("\n")
            offset += 1
        for index, (word, text) in enumerate(line_words):
            if index:
                parts.append(" ")
                offset += 1
            x0, top, x1, bottom = to_points(word)
            boxes.append(WordBox(start=offset, end=offset + len(text), x0=x0, top=top, x1=x1,
                                 bottom=bottom, confidence=word.confidence))
            parts.append(text)
            offset += len(text)
    mean = round(sum(b.confidence for b in boxes) / len(boxes), 1) if boxes else None
    return OcrReading(text="".join(parts), words=tuple(boxes), confidence=mean)


def _without_specks(words: list[TesseractWord]) -> list[TesseractWord]:
    """Drop dust read as text: letters, digits or tall symbols (`|`, `[`, `/`) under 40%
    of the page's letter height.

    Remnants of table rules and scanner specks come back as a `|`, a `7` or an `ae` two
    to five pixels tall, and would put stray words between a table's cells or a label
    and its value. Real letters are never that small (superscripts are ~60%); short
    punctuation (`-`, `.`, `,`) is short by nature and is kept.
    """
    heights = sorted(w.height for w in words if any(c.isalnum() for c in w.text))
    if not heights:
        return words
    floor = 0.4 * heights[len(heights) // 2]
    return [w for w in words if w.height >= floor or not _speck_shaped(w.text)]


def _speck_shaped(text: str) -> bool:
    return any(c.isalnum() for c in text) or set(text) <= _TALL_SYMBOLS


def _point_mapper(page: TesseractPage) -> Callable[[TesseractWord], _Box]:
    """Pixel box in the (deskewed) image -> bounding box in PDF points on the page.

    The image was rotated about its centre; rotating the box's corners back and taking
    their bounds gives the region on the page as rendered (slightly generous, never
    short of the word).
    """
    scale = 72.0 / page.dpi
    cx, cy = page.width / 2, page.height / 2
    angle = math.radians(page.skew_degrees)
    cos, sin = math.cos(angle), math.sin(angle)

    def to_points(word: TesseractWord) -> _Box:
        corners = [(word.left, word.top), (word.left + word.width, word.top),
                   (word.left, word.top + word.height),
                   (word.left + word.width, word.top + word.height)]
        xs, ys = [], []
        for x, y in corners:
            # Undo a counter-clockwise rotation in image coordinates (y grows downwards).
            dx, dy = x - cx, y - cy
            xs.append(cx + dx * cos - dy * sin)
            ys.append(cy + dx * sin + dy * cos)
        return (round(max(0.0, min(xs)) * scale, 1), round(max(0.0, min(ys)) * scale, 1),
                round(min(page.width, max(xs)) * scale, 1),
                round(min(page.height, max(ys)) * scale, 1))

    return to_points
