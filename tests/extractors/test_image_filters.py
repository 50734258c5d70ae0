"""The OCR page filters give exactly the pixels of their plain definitions.

`extractors.image_filters` replaces Pillow's rank filters and a run-length map with
faster array code. Same pixels means the same OCR text (and valid OCR cache entries), so
every check here is equality: against Pillow, or against the definition written the
slow, obvious way, on random arrays of every small shape (edges are where such code
goes wrong) and on a real scanned page with a ruled table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter

from bench.scanned_fixtures import ScanStyle, scan_pdf
from extractors.image_filters import all_ahead, any_behind, max_filter, median3, runs_at_least
from extractors.scan_image import _rules, erase_rules, prepare_for_ocr, render_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "contracts"
SHAPES = [(1, 1), (1, 7), (7, 1), (2, 2), (3, 3), (4, 9), (9, 4), (17, 23)]


def random_pixels(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


def random_mask(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return rng.random(shape) < rng.uniform(0.2, 0.95)


@pytest.mark.parametrize("shape", SHAPES)
def test_median3_is_pillows_median_filter(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(sum(shape))
    for _ in range(20):
        pixels = random_pixels(rng, shape)
        expected = np.asarray(Image.fromarray(pixels).filter(ImageFilter.MedianFilter(3)))
        assert np.array_equal(median3(pixels), expected)


@pytest.mark.parametrize("size", [3, 5, 9])
@pytest.mark.parametrize("shape", SHAPES)
def test_max_filter_is_pillows_max_filter(shape: tuple[int, int], size: int) -> None:
    rng = np.random.default_rng(size * 100 + sum(shape))
    for _ in range(10):
        pixels = random_pixels(rng, shape)
        expected = np.asarray(Image.fromarray(pixels).filter(ImageFilter.MaxFilter(size)))
        assert np.array_equal(max_filter(pixels, size), expected)


def run_lengths(mask: np.ndarray, axis: int) -> np.ndarray:
    """For every True cell, the length of the run along `axis` it belongs to (else 0)."""
    lines = mask if axis == 1 else mask.T
    lengths = np.zeros(lines.shape, dtype=int)
    for row, line in enumerate(lines):
        start = None
        for col, value in enumerate([*line, False]):
            if value and start is None:
                start = col
            elif not value and start is not None:
                lengths[row, start:col] = col - start
                start = None
    return lengths if axis == 1 else lengths.T


def window(mask: np.ndarray, length: int, axis: int, ahead: bool, edge: bool) -> np.ndarray:
    """all() of the `length` cells ahead, or any() of the cells behind, cell by cell."""
    lines = mask if axis == 1 else mask.T
    out = np.zeros(lines.shape, dtype=bool)
    for row, line in enumerate(lines):
        for col in range(len(line)):
            if ahead:
                cells = [line[i] if i < len(line) else edge for i in range(col, col + length)]
                out[row, col] = all(cells)
            else:
                out[row, col] = any(line[max(0, col - length + 1) : col + 1])
    return out if axis == 1 else out.T


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("shape", SHAPES)
def test_windows_and_runs_match_their_definitions(shape: tuple[int, int], axis: int) -> None:
    rng = np.random.default_rng(7 * sum(shape) + axis)
    for _ in range(10):
        mask = random_mask(rng, shape)
        for length in (1, 2, 3, 5, 8, 13, 30):
            assert np.array_equal(all_ahead(mask, length, axis),
                                  window(mask, length, axis, ahead=True, edge=False))
            assert np.array_equal(all_ahead(mask, length, axis, beyond_edge=True),
                                  window(mask, length, axis, ahead=True, edge=True))
            assert np.array_equal(any_behind(mask, length, axis),
                                  window(mask, length, axis, ahead=False, edge=False))
            assert np.array_equal(runs_at_least(mask, length, axis),
                                  run_lengths(mask, axis) >= length)


def reference_rules(ink: np.ndarray, along: int, length: int, thickness: int, gap: int,
                    crossing: np.ndarray | None = None) -> np.ndarray:
    """Rule pixels by the definition: thin across, closed over small gaps, long along."""
    thin = ink & (run_lengths(ink, 1 - along) <= thickness)
    if crossing is not None:
        thin |= crossing
    lines = thin if along == 1 else thin.T
    bridged = lines.copy()
    for step in range(1, gap + 1):  # dilate forward ...
        bridged[:, step:] |= lines[:, :-step]
    closed = bridged.copy()
    for step in range(1, gap + 1):  # ... and erode back: small gaps closed
        closed[:, :-step] &= bridged[:, step:]
    closed = closed if along == 1 else closed.T
    return run_lengths(closed | thin, along) >= length


def test_rules_match_the_definition_on_random_ink() -> None:
    rng = np.random.default_rng(3)
    for _ in range(150):
        ink = random_mask(rng, tuple(rng.integers(1, 30, size=2)))
        length, thickness, gap = (int(v) for v in rng.integers(1, [25, 6, 5]))
        vertical = _rules(ink, 0, length, thickness, gap)
        assert np.array_equal(vertical, reference_rules(ink, 0, length, thickness, gap))
        assert np.array_equal(_rules(ink, 1, length, thickness, gap, crossing=vertical),
                              reference_rules(ink, 1, length, thickness, gap, vertical))


@pytest.fixture(scope="module")
def scanned_sla_page(tmp_path_factory: pytest.TempPathFactory) -> Image.Image:
    """A noisy, tilted scan of the fixture page with the ruled service-level table."""
    scan = scan_pdf(FIXTURES / "hosting_service_credits.pdf",
                    tmp_path_factory.mktemp("scan") / "scan.pdf", ScanStyle.noisy)
    pdf = pdfium.PdfDocument(str(scan))
    try:
        return render_page(pdf[1], 300)
    finally:
        pdf.close()


def test_real_page_rules_match_the_definition(scanned_sla_page: Image.Image) -> None:
    """The top of the table on a 300 dpi page (a band: the plain definition is slow),
    where the ruled grid starts and vertical rules meet a horizontal one."""
    ink = np.asarray(scanned_sla_page)[700:880] < 200
    vertical = _rules(ink, 0, 120, 8, 8)
    horizontal = _rules(ink, 1, 120, 8, 3, crossing=vertical)
    assert vertical.any() and horizontal.any()
    assert np.array_equal(vertical, reference_rules(ink, 0, 120, 8, 8))
    assert np.array_equal(horizontal, reference_rules(ink, 1, 120, 8, 3, vertical))


def test_prepared_page_is_deterministic(scanned_sla_page: Image.Image) -> None:
    """Denoised (the scan is grainy), flattened, straightened, rules erased: the table
    rules are gone and the page is the same pixels each time (the OCR cache relies on it)."""
    first, angle = prepare_for_ocr(scanned_sla_page, 300)
    again, _ = prepare_for_ocr(scanned_sla_page, 300)
    assert np.array_equal(np.asarray(first), np.asarray(again)) and angle != 0.0
    ink = np.asarray(first) < 200
    assert not _rules(ink, 0, 120, 8, 8).any()


def test_erasing_rules_keeps_the_letters() -> None:
    """A ruled box around a word: the rules go white, the letters stay."""
    image = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 50, 850, 250), outline=0, width=4)
    draw.line((450, 50, 450, 250), fill=0, width=3)
    for left in range(100, 400, 40):  # letter-like blocks: short and thick
        draw.rectangle((left, 120, left + 20, 160), fill=0)
    erased = np.asarray(erase_rules(image, 300))
    # the corner squares of the box are thick both ways and stay: a speck, not a line
    assert (erased[48:56, 56:845] == 255).all() and (erased[56:245, 446:455] == 255).all()
    assert (erased[56:245, 48:56] == 255).all()
    assert (erased[125:155, 105:115] == 0).all()
