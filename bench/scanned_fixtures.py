"""Scanned copies of the fixture contracts, made on the fly (nothing large is committed).

Each fixture PDF is rendered to page images and wrapped back into a PDF with no text
layer, the way a signed paper copy comes back from a scanner:
* `clean`: 300 dpi grayscale, straight (a good flatbed scan);
* `noisy`: 150 dpi, each page tilted by 0.4-1.2 degrees, sensor noise and dust specks,
  JPEG-compressed (a hurried sheet-feeder scan).

`mixed_pdf` replaces chosen pages of a born-digital PDF by their scans (a signature page
printed, signed and scanned back in).
Output is deterministic (seeded noise), so a test failure reproduces.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


class ScanStyle(StrEnum):
    clean = "clean"
    noisy = "noisy"


_DPI = {ScanStyle.clean: 300, ScanStyle.noisy: 150}


def scan_page_image(page: pdfium.PdfPage, style: ScanStyle, seed: int) -> Image.Image:
    """One page as a scanner would return it."""
    dpi = _DPI[style]
    image = page.render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L")
    if style is ScanStyle.clean:
        return image
    rng = np.random.default_rng(seed)
    angle = float(rng.uniform(0.4, 1.2) * rng.choice([-1.0, 1.0]))
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.5))
    pixels = np.asarray(image, dtype=np.float64)
    pixels = pixels + rng.normal(0.0, 14.0, pixels.shape)
    specks = rng.random(pixels.shape)
    pixels[specks < 0.0015] = 0.0
    pixels[specks > 0.9985] = 255.0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def scan_pdf(source: Path, out: Path, style: ScanStyle, seed: int = 7) -> Path:
    """`source` as an image-only PDF at `out` (page size kept)."""
    pdf = pdfium.PdfDocument(str(source))
    try:
        images = [scan_page_image(pdf[i], style, seed + i) for i in range(len(pdf))]
    finally:
        pdf.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, "PDF", save_all=True, append_images=images[1:],
                   resolution=float(_DPI[style]), quality=80)
    return out


def mixed_pdf(source: Path, out: Path, scanned_pages: set[int],
              style: ScanStyle = ScanStyle.clean) -> Path:
    """`source` with the 1-based `scanned_pages` replaced by image-only scans of them."""
    scan = scan_pdf(source, out.with_suffix(".scan.pdf"), style)
    original, scanned, mixed = (pdfium.PdfDocument(str(source)),
                                pdfium.PdfDocument(str(scan)), pdfium.PdfDocument.new())
    try:
        for index in range(len(original)):
            donor = scanned if index + 1 in scanned_pages else original
            mixed.import_pages(donor, [index])
        mixed.save(str(out))
    finally:
        for document in (original, scanned, mixed):
            document.close()
    scan.unlink()
    return out
