"""Fixtures for the OCR tests: scanned fixture contracts, a shared cache, a call counter.

Scans are made in the test session (`bench.scanned_fixtures`), never committed. Tests
that need the real Tesseract are marked `needs_tesseract` and skip, saying what to
install, where it is missing (`make test` installs it when run as root).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.scanned_fixtures import ScanStyle, mixed_pdf, scan_pdf
from extractors.ocr_engine import tesseract_problem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "contracts"

TESSERACT_PROBLEM = tesseract_problem("eng")
needs_tesseract = pytest.mark.skipif(
    TESSERACT_PROBLEM is not None,
    reason=f"{TESSERACT_PROBLEM} (`make test` installs it when run as root)",
)


@pytest.fixture(scope="session")
def ocr_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the session: a page is OCR'd once however many tests read it."""
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture(scope="session")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, ScanStyle], Path]:
    """`scanned(stem, style)`: the scan of a fixture contract (made once per session)."""
    folder = tmp_path_factory.mktemp("scans")
    made: dict[tuple[str, ScanStyle], Path] = {}

    def scan(stem: str, style: ScanStyle) -> Path:
        if (stem, style) not in made:
            made[stem, style] = scan_pdf(FIXTURES / f"{stem}.pdf",
                                         folder / f"{stem}.{style}.pdf", style)
        return made[stem, style]

    return scan


@pytest.fixture(scope="session")
def signed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hosting agreement with its signature page (page 2) printed, signed, scanned."""
    folder = tmp_path_factory.mktemp("mixed")
    return mixed_pdf(FIXTURES / "hosting_service_credits.pdf", folder / "hosting signed.pdf",
                     scanned_pages={2})


@pytest.fixture()
def tesseract_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts OCR runs: every page Tesseract reads goes through `image_to_data`."""
    import pytesseract

    calls: list[int] = []
    real = pytesseract.image_to_data

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pytesseract, "image_to_data", counting)
    return calls
