"""The document text model: one string for the whole contract, with page boundaries.

Every extractor works on `ContractText.text` and reports character offsets into it, so
evidence (page, span, quote) is exact and cheap: the page of an offset is a bisection
over the page start offsets.

Pages read by OCR enter the same model: their text replaces the (missing) text layer,
and their words keep a box on the page, so evidence quoted from a scan also says where
on the page it was read and how sure Tesseract was of those words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import takewhile
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from schemas import Evidence, PageBox

PAGE_SEPARATOR = "\n\n"
"""Pages are joined with a blank line, so a page break also ends a paragraph."""

_CHAR_FIXES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2212": "-", "\u00ad": None, "\u200b": None, "\ufeff": None, "\x00": None,
        "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl",
        "\r": "\n", "\x02": "-",
        # pdfium writes many semicolons as U+037E (a look-alike) and soft line-break
        # hyphens as U+FFFE; rules written for ";" and "-" must see them as such.
        "\u037e": ";", "\ufffe": "-",
    }
)
_DOUBLED_QUOTE = re.compile(r"''")
_PAGE_NUMBER = re.compile(r"^\W*(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?\W*$|^\W*[ivx]{1,5}\W*$",
                          re.IGNORECASE)
_PAGE_WORDS = re.compile(r"\bpage\b|\d\s*of\s*\d|^\W*\d+\W*$")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def normalise_page_text(raw: str) -> str:
    """Unify the typography PDFs vary in (curly quotes, dashes, ligatures, CRLF).

    Contract rules then need one spelling of `("Customer")`, not six. Offsets refer to
    this normalised text, which is what evidence quotes.
    """
    text = raw.replace("\r\n", "\n").translate(_CHAR_FIXES)
    text = _DOUBLED_QUOTE.sub('"', text)
    return _TRAILING_SPACE.sub("\n", text).strip("\n")


class WordBox(BaseModel):
    """An OCR'd word: its span in the page text and its box in PDF points (top-left origin)."""

    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


class OcrReading(BaseModel):
    """The text of one OCR'd page, its words in text order, their mean confidence (0-100;
    None when the page is blank)."""

    model_config = ConfigDict(frozen=True)

    text: str
    words: tuple[WordBox, ...]
    confidence: float | None


@dataclass(frozen=True)
class PageSpan:
    """Page `number` (1-based) occupies `text[start:end]`.

    `ocr` pages were read from the page image; `words` then hold their boxes (offsets
    relative to `start`) and `ocr_confidence` their mean confidence.
    """

    number: int
    start: int
    end: int
    has_text_layer: bool = True
    ocr: bool = False
    ocr_confidence: float | None = None
    words: tuple[WordBox, ...] = ()


@dataclass
class ContractText:
    """The whole contract as one normalised string plus where each page starts."""

    path: Path
    text: str
    pages: list[PageSpan]
    warnings: list[str] = field(default_factory=list)
    ocr_min_confidence: float = 70.0
    """Mean word confidence (0-100) below which OCR'd text is flagged in the warnings."""

    @classmethod
    def from_pages(
        cls, path: str | Path, page_texts: list[str],
        readings: Mapping[int, OcrReading] | None = None,
    ) -> ContractText:
        """Join page texts (already normalised) with `PAGE_SEPARATOR`, recording offsets.

        `readings` (by 1-based page number) replace the text layer of the pages OCR read.
        """
        readings = readings or {}
        parts: list[str] = []
        spans: list[PageSpan] = []
        warnings: list[str] = []
        offset = 0
        for number, layer_text in enumerate(page_texts, start=1):
            if parts:
                parts.append(PAGE_SEPARATOR)
                offset += len(PAGE_SEPARATOR)
            has_text = bool(layer_text.strip())
            reading = readings.get(number)
            page_text = reading.text if reading else layer_text
            if reading and not reading.text:
                warnings.append(f"page {number} is blank (no text layer, OCR found no text)")
            elif not page_text.strip():
                warnings.append(f"page {number} has no text layer (scanned?)")
            parts.append(page_text)
            end = offset + len(page_text)
            if reading:
                spans.append(PageSpan(number, offset, end, has_text, ocr=True,
                                      ocr_confidence=reading.confidence, words=reading.words))
            else:
                spans.append(PageSpan(number, offset, end, has_text))
            offset = end
        return cls(Path(path), "".join(parts), spans, warnings)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page_at(self, offset: int) -> int:
        """1-based page number holding character `offset` (a separator counts as the next page)."""
        if not self.pages:
            return 1
        starts = [p.start for p in self.pages]
        return self.pages[max(0, bisect_right(starts, offset) - 1)].number

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for `text[start:end]`, trimmed of surrounding white space."""
        quote = self.text[start:end]
        lead = len(quote) - len(quote.lstrip())
        trail = len(quote) - len(quote.rstrip())
        start, end = start + lead, end - trail
        page = self.page_at(start)
        box, confidence = self._ocr_region(page, start, end)
        return Evidence(
            page=page, start=start, end=end, text=" ".join(self.text[start:end].split()),
            box=box, ocr_confidence=confidence,
        )

    def lead_in_evidence(self, start: int, end: int, lead: int = 40) -> Evidence:
        """Evidence for a value at `text[start:end]` quoted with up to `lead` characters
        before it ("dated as of March 1, 2024"), so a reader sees why the value was taken.

        The lead-in starts on a word boundary and never on an earlier page: a date at the
        top of a page must cite that page, not the footer of the one before.
        """
        page_start = self.pages[self.page_at(start) - 1].start if self.pages else 0
        begin = max(page_start, start - lead)
        if begin > page_start and self.text[begin - 1].isalnum():
            while begin < start and self.text[begin].isalnum():
                begin += 1  # drop the partial word the window cut into
        return self.evidence(begin, end)

    def _ocr_region(self, page: int, start: int, end: int) -> tuple[PageBox | None, float | None]:
        """The box around the OCR'd words of `text[start:end]` on `page`, and their mean
        confidence; (None, None) on pages read from a text layer."""
        span = self.pages[page - 1] if self.pages else None
        if span is None or not span.words:
            return None, None
        local_start, local_end = start - span.start, end - span.start
        first = bisect_right([w.end for w in span.words], local_start)
        hit = list(takewhile(lambda w: w.start < local_end, span.words[first:]))
        if not hit:
            return None, None
        box = PageBox(x0=min(w.x0 for w in hit), top=min(w.top for w in hit),
                      x1=max(w.x1 for w in hit), bottom=max(w.bottom for w in hit))
        return box, round(sum(w.confidence for w in hit) / len(hit), 1)

    @cached_property
    def lines(self) -> list[tuple[int, str]]:
        """Every line of the text with the offset where it starts."""
        found: list[tuple[int, str]] = []
        offset = 0
        for raw in self.text.split("\n"):
            found.append((offset, raw))
            offset += len(raw) + 1
        return found

    @cached_property
    def running_lines(self) -> frozenset[int]:
        """Indexes (into `lines`) of page furniture: page numbers, running headers/footers.

        A running line is one repeated among the first or last three lines of at least
        30% of the pages (and of 3 pages); page numbers vary, so "Page 3 of 9" is keyed
        without its digits. Filing stamps ("Source: ACME INC, 8-K, 12/3/2018") are running
        lines too, so their dates are never mistaken for the contract's.
        """
        lines = self.lines
        keys = [_furniture_key(raw) if raw.strip() else "" for _, raw in lines]
        page_starts = [page.start for page in self.pages]
        per_page: dict[int, list[int]] = {}
        for index, (offset, _) in enumerate(lines):
            if keys[index]:
                per_page.setdefault(bisect_right(page_starts, offset), []).append(index)
        edges: Counter[str] = Counter()
        for indices in per_page.values():
            edges.update({keys[i] for i in indices[:3] + indices[-3:]})
        repeated = {k for k, n in edges.items() if n >= max(3, int(0.3 * len(self.pages)))}
        return frozenset(
            i for i, k in enumerate(keys)
            if k and (k in repeated or _PAGE_NUMBER.match(lines[i][1].strip()))
        )

    def in_running_line(self, offset: int) -> bool:
        """Whether `offset` falls on a running header/footer or page-number line."""
        return bisect_right(self._line_starts, offset) - 1 in self.running_lines

    @cached_property
    def _line_starts(self) -> list[int]:
        """Where each line starts (asked for every date of the contract: built once)."""
        return [start for start, _ in self.lines]

    def page_text(self, number: int) -> str:
        span = self.pages[number - 1]
        return self.text[span.start : span.end]


def _furniture_key(raw: str) -> str:
    """Page numbers vary, so "Page 3 of 9" is keyed without digits; other lines exactly,
    so "ARTICLE 5" and "ARTICLE 6" heading consecutive pages stay apart."""
    words = " ".join(raw.lower().split())
    return re.sub(r"\d+", "#", words) if _PAGE_WORDS.search(words) else words
