"""Page images for OCR: render, fingerprint, straighten.

* Rendering is pypdfium2 at the OCR resolution (300 dpi by default: Tesseract's
  accuracy drops quickly below ~200 dpi, and gains nothing above 300 on contract type),
  in grayscale (colour only costs time).
* The fingerprint of the rendered image keys the OCR cache: the same scanned page
  inside a re-saved, re-named or re-merged PDF is still a cache hit.
* Deskew: a page fed crooked through a scanner tilts its lines by a degree or two;
  Tesseract then splits lines and misreads words near line ends. The skew is found on a
  small copy (the angle whose ink rows are sharpest) and undone on the full image.
* Denoise, only when the paper is grainy: sensor noise and dust specks become stray
  marks and broken letters. A median filter removes them; on our noisy 150 dpi scans a
  5x5 one raised the words read from 89% to 94% and Tesseract's confidence from 77% to
  93%. Two passes of a 3x3 median do as well (99.2% of words vs 99.1%, with the steps
  below) for half the CPU of one 5x5. Clean pages are left untouched (the filter would
  only thin their strokes).
  (Also setting the remaining light grain to white halved Tesseract's time on noisy
  pages but lost words that mattered: key-field agreement fell from 99% to 94%.)
* Shading is flattened: the grey fill of table header rows, divided out by an estimate
  of the local paper colour (a wide maximum filter), becomes white paper, so header
  cells ("Severity Level", "Response", "Resolution") are read instead of skipped.
* Table rules are erased: Tesseract reads ruling lines as "|", "[" or stray letters and,
  worse, splits ruled tables into column blocks, so SLA and fee rows came out as lists
  of cells. On table pages of our scans, erasing them raised the words read from 57-73%
  to 99%; pages without tables are unchanged.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from extractors.image_filters import all_ahead, any_behind, max_filter, median3, runs_at_least

PREPARATION_VERSION = "5"
"""Part of the OCR cache key: bump it when `prepare_for_ocr` changes what Tesseract sees."""

MAX_SKEW_DEGREES = 3.0
"""Larger tilts are rare in office scans and costly to search; Tesseract copes with
small residual angles itself."""

MIN_CORRECTION_DEGREES = 0.1
"""Below this a rotation (which blurs the image slightly) is not worth it."""

NOISY_PAPER = 1.5
"""Robust noise level (grey levels) of the paper above which a page is denoised: a
rendered born-digital page or a clean scan measures 0, our noisy scans about 3."""

_REDUCE = 4
_DOWN, _ACROSS = 0, 1
"""Array axes: rows run down the page, columns across it."""
_INK = 160
_RULE_INK = 200


def render_page(page: Any, dpi: int) -> Image.Image:
    """A pypdfium2 page as an 8-bit grayscale image at `dpi` (page rotation applied)."""
    bitmap = page.render(scale=dpi / 72.0, grayscale=True)
    image: Image.Image = bitmap.to_pil()
    return image if image.mode == "L" else image.convert("L")


def image_fingerprint(image: Image.Image) -> str:
    """sha256 of the pixels (and size), not of any encoded file: encoders vary, pixels don't."""
    digest = hashlib.sha256(f"{image.mode}:{image.width}x{image.height}:".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def estimate_skew(image: Image.Image) -> float:
    """Angle (degrees, counter-clockwise) that makes the text lines horizontal.

    Projection profile: rotate the ink mask of a quarter-size copy through candidate
    angles and keep the one whose row sums vary most (text lines sharp, gaps empty);
    coarse steps of 0.25 degree, then 0.05 around the best.
    """
    small = image.reduce(_REDUCE)
    ink = Image.fromarray(((np.asarray(small) < _INK) * 255).astype(np.uint8))
    if not np.asarray(ink).any():
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1)
        return float(np.square(np.diff(rows.astype(np.float64))).sum())

    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.001, 0.25)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - 0.2, best + 0.201, 0.05)
    return round(float(max(fine, key=sharpness)), 2)


def straighten(image: Image.Image) -> tuple[Image.Image, float]:
    """The image rotated so its lines are horizontal, and the angle applied (0 if none)."""
    angle = estimate_skew(image)
    if abs(angle) < MIN_CORRECTION_DEGREES:
        return image, 0.0
    rotated = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return rotated, angle


def noise_level(image: Image.Image) -> float:
    """Robust standard deviation of the grain of the paper (grey levels).

    Measured on the centre of a half-size copy as the median absolute difference from a
    3x3 median-filtered copy, over light pixels only: text strokes are few, so the
    median ignores them and only the grain of the paper counts.
    """
    small = image.reduce(2)
    width, height = small.size
    centre = small.crop((width // 4, height // 4, 3 * width // 4, 3 * height // 4))
    pixels = np.asarray(centre, dtype=np.float64)
    smooth = median3(np.asarray(centre)).astype(np.float64)
    paper = np.abs(pixels - smooth)[smooth >= 128]
    return 1.4826 * float(np.median(paper)) if paper.size else 0.0


BLANK_INK_SHARE = 2e-5
"""Share of dark pixels below which a page is blank (at 300 dpi about 170 pixels: a speck
or two, not a word). Blank separator pages are common in filed contracts."""


def is_blank(image: Image.Image) -> bool:
    """True for a page with no ink worth reading: preparing and OCR'ing it costs about
    1.5 s of a core and finds nothing."""
    pixels = np.asarray(image.convert("L"))
    return int(np.count_nonzero(pixels < _INK)) < BLANK_INK_SHARE * pixels.size


def prepare_for_ocr(
    image: Image.Image, dpi: int, deskew: bool = True
) -> tuple[Image.Image, float]:
    """Denoise a grainy page, straighten it, erase table rules; the image and the
    rotation applied."""
    if noise_level(image) >= NOISY_PAPER:
        image = Image.fromarray(median3(median3(np.asarray(image))))
    image = flatten_background(image)
    image, angle = straighten(image) if deskew else (image, 0.0)
    return erase_rules(image, dpi), angle


def flatten_background(image: Image.Image) -> Image.Image:
    """The page divided by its local paper colour: shading and uneven lighting go white.

    The paper colour is the maximum over ~1/10 inch (wider than any stroke, so text never
    counts as paper), computed on a quarter-size copy and smoothed back to full size.
    """
    lightest = Image.fromarray(max_filter(np.asarray(image.reduce(_REDUCE)), 9))
    paper = lightest.filter(ImageFilter.BoxBlur(4))
    background = np.asarray(paper.resize(image.size, Image.Resampling.BILINEAR), np.float32)
    pixels = np.asarray(image, dtype=np.float32)
    flat = np.clip(pixels / np.maximum(background, 1.0) * 255.0, 0, 255)
    return Image.fromarray(flat.astype(np.uint8))


def erase_rules(image: Image.Image, dpi: int) -> Image.Image:
    """The image with its long thin horizontal and vertical lines painted white.

    A rule is ink at most ~0.7 mm thick and at least 1 cm long. Vertical rules are found
    first, bridging the gaps where horizontal rules cross them; horizontal rules then
    treat vertical rule pixels as their own, so grids come out whole. Letters are thick
    or short in one direction or the other and are kept.
    """
    pixels = np.asarray(image)
    ink = pixels < _RULE_INK
    scale = dpi / 300.0
    length, thickness = int(120 * scale), max(2, round(8 * scale))
    vertical = _rules(ink, _DOWN, length, thickness, gap=thickness)
    horizontal = _rules(ink, _ACROSS, length, thickness, gap=max(1, round(3 * scale)),
                        crossing=vertical)
    rules = vertical | horizontal
    if not rules.any():
        return image
    grown = rules.copy()
    for step in (1, 2):  # the anti-aliased edges of the line go too
        grown[step:, :] |= rules[:-step, :]
        grown[:-step, :] |= rules[step:, :]
        grown[:, step:] |= rules[:, :-step]
        grown[:, :-step] |= rules[:, step:]
    cleaned = pixels.copy()
    cleaned[grown & (pixels < 235)] = 255
    return Image.fromarray(cleaned)


def _rules(
    ink: np.ndarray, along: int, length: int, thickness: int, gap: int,
    crossing: np.ndarray | None = None,
) -> np.ndarray:
    """Pixels of rules running `along` an axis: ink at most `thickness` thick across it,
    in runs of at least `length` along it once gaps of up to `gap` pixels are bridged."""
    thin = ink & ~runs_at_least(ink, thickness + 1, axis=1 - along)
    if crossing is not None:
        thin |= crossing
    bridged = any_behind(thin, gap + 1, along)  # closing: dilate forward, erode back
    closed = all_ahead(bridged, gap + 1, along, beyond_edge=True)
    return runs_at_least(closed | thin, length, along)
