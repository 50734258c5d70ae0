"""Is a page's text layer worth reading, or must the page image be OCR'd?

Scanned contracts come in three shapes, and each needs OCR only where the text layer
fails:
* no text layer at all (a plain scan, or text drawn as vector outlines);
* a sparse one: a scanner or a stamping tool put a few words on an image page (a Bates
  number, "Page 3 of 9", a filing stamp) while the contract text is only in the image;
* a garbage one: fonts without a usable Unicode map give control characters, private-use
  code points or letter salad without vowels.

A born-digital cover or signature page is sparse too, but has no page-sized image, so
it is left alone: only sparse pages mostly covered by images are OCR'd.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

SPARSE_LETTERS_PER_SQUARE_INCH = 1.0
"""A full page of contract text has ~30 letters per square inch; fewer than 1 (about 90
on a Letter or A4 page) is a stamp or a page number, not the page's text."""

IMAGE_COVERAGE_FOR_SCAN = 0.3
"""A sparse page is treated as a scan when images cover at least this share of it."""

_GARBAGE_MIN_CHARS = 20
_SAMPLE = 3000
_FILLER = re.compile(r"\[\*+\]|([^\w\s])\1{2,}|_{3,}|\*{2,}")
_BROKEN = re.compile(r"(?!\s)[\x00-\x1f\ue000-\uf8ff\ufffd]")  # controls, private use, U+FFFD
_WORD = re.compile(r"[^\W\d_]{3,}")
_VOWEL = re.compile(r"[aeiouyàáâäåèéêëìíîïòóôöùúûüæœøAEIOUYÀÁÂÄÅÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜÆŒØ]")


class TextLayerVerdict(StrEnum):
    usable = "usable"
    none = "none"
    sparse = "sparse"
    garbage = "garbage"

    @property
    def needs_ocr(self) -> bool:
        return self is not TextLayerVerdict.usable


def judge_by_text(text: str) -> TextLayerVerdict | None:
    """The verdict the text alone settles, or None when the page size must decide.

    Cheap enough to run on every page of every born-digital contract: a page with 200
    letters or more of plausible text never opens the PDF a second time.
    """
    if not text.strip():
        return TextLayerVerdict.none
    if is_garbage(text):
        return TextLayerVerdict.garbage
    if _letter_count(text) >= 200:
        return TextLayerVerdict.usable
    return None


def judge_text_layer(
    text: str, width_pt: float, height_pt: float, image_coverage: float
) -> TextLayerVerdict:
    """Verdict for one page: its text, its size in PDF points, the share images cover."""
    verdict = judge_by_text(text)
    if verdict is not None:
        return verdict
    square_inches = max(1.0, width_pt * height_pt / 72.0 / 72.0)
    sparse = _letter_count(text) / square_inches < SPARSE_LETTERS_PER_SQUARE_INCH
    if sparse and image_coverage >= IMAGE_COVERAGE_FOR_SCAN:
        return TextLayerVerdict.sparse
    return TextLayerVerdict.usable


def is_garbage(text: str) -> bool:
    """Mostly symbols, control or private-use characters, or words without vowels.

    Digits count as text: a fee schedule is mostly numbers and still a good text layer.
    Filler is not counted at all: signature lines (`______`), dot leaders of a table of
    contents, rules of dashes and redaction marks (`***`, `[**]`) are real text, just no
    words; nor are abbreviations (`TBD`, `MW`) in the vowel count.
    Only the first few thousand characters are looked at: a broken font breaks a whole
    page, and this runs on every page of every contract.
    """
    sample = _FILLER.sub("", text[:_SAMPLE])
    chars = len(sample) - count_chars(sample, str.isspace)
    if chars < _GARBAGE_MIN_CHARS:
        return False
    alphanumeric = count_chars(sample, str.isalnum)
    broken = len(_BROKEN.findall(sample))
    if alphanumeric / chars < 0.5 or broken / chars > 0.1:
        return True
    words = [w for w in _WORD.findall(text[:_SAMPLE]) if not w.isupper()]  # not "TBD", "MW"
    if len(words) < 10:
        return False
    voiceless = sum(1 for word in words if not _VOWEL.search(word))
    return voiceless / len(words) > 0.5


def _letter_count(text: str) -> int:
    return count_chars(text, str.isalpha)


_ASCII_CLASSES: dict[Callable[[str], bool], bytes] = {
    test: bytes(c for c in range(128) if test(chr(c)))
    for test in (str.isspace, str.isalnum, str.isalpha)
}
"""The ASCII characters each test accepts (for `count_chars`)."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def count_chars(text: str, test: Callable[[str], bool]) -> int:
    """How many characters of `text` pass `test` (`str.isspace`, `isalnum` or `isalpha`).

    Runs on every page: the ASCII characters are counted by one C-level byte deletion on
    the UTF-8 bytes (where every other character is made of bytes above 127), the rest,
    usually a few quotes and dashes, one by one. The same count as testing each character.
    """
    accepted = _ASCII_CLASSES.get(test)
    if accepted is None:
        return sum(map(test, text))
    data = text.encode("utf-8", "surrogatepass")
    ascii_hits = len(data) - len(data.translate(None, accepted))
    return ascii_hits + sum(map(test, _NON_ASCII.findall(text)))
