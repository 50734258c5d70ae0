"""Shared test helpers: real PDF files written with reportlab, and bad files of each kind."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "contracts"
CUAD_DEV = REPO.parent / "shared" / "eval" / "cuad-dev"

pytest_plugins = ["tests.alert_fixtures",  # SMTP/HTTP servers and the fixture portfolio
                  "tests.ocr_fixtures"]  # scanned contracts, OCR cache, Tesseract calls


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A real text PDF, one string per page (lines split on newlines)."""
    pdf = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    for page in pages:
        text = pdf.beginText(72, 720)
        text.setFont("Helvetica", 10)
        for line in page.splitlines():
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return path


def write_image_only_pdf(path: Path) -> Path:
    """A 'scan': a page with only vector shapes and no text layer."""
    pdf = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    for y in range(100, 700, 40):
        pdf.rect(72, y, 400, 20, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def write_encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


SAMPLE_CONTRACT = (
    "MASTER SERVICES AGREEMENT\n"
    "This Master Services Agreement is made as of March 1, 2024 by and between\n"
    'Northwind Cloud Services, Inc., a Delaware corporation ("Provider"), and\n'
    'Contoso Manufacturing GmbH ("Customer").\n'
    "1. TERM\n"
    "1.1 The initial term of this Agreement is three (3) years from the Effective Date.\n"
    "This Agreement shall automatically renew for successive one (1) year terms unless\n"
    "either party gives notice of non-renewal at least ninety (90) days prior to the end\n"
    "of the then-current term.\n"
    "2. GOVERNING LAW\n"
    "This Agreement shall be governed by the laws of the State of New York.\n"
)


@pytest.fixture()
def sample_pdf(tmp_path: Path) -> Path:
    return write_pdf(tmp_path / "sample msa.pdf", [SAMPLE_CONTRACT, "3. SERVICE LEVELS\n"
                     "Provider shall make the Service available 99.9% of the time each month.\n"])


@pytest.fixture()
def bad_files(tmp_path: Path, sample_pdf: Path) -> dict[str, Path]:
    """One file of each bad kind, keyed by the reason the pipeline must give."""
    bad = tmp_path / "bad"
    bad.mkdir()
    data = sample_pdf.read_bytes()
    files = {
        "empty file": bad / "empty.pdf",
        "not a PDF": bad / "notes.pdf",
        "corrupt PDF": bad / "truncated.pdf",
        "encrypted": bad / "locked.pdf",
    }
    files["empty file"].write_bytes(b"")
    files["not a PDF"].write_text("Meeting notes: renew the hosting contract.\n")
    files["corrupt PDF"].write_bytes(data[: len(data) // 2])
    write_encrypted_pdf(files["encrypted"], sample_pdf)
    return files


@pytest.fixture()
def make_pdf(tmp_path: Path) -> Callable[[str, list[str]], Path]:
    def make(name: str, pages: list[str]) -> Path:
        return write_pdf(tmp_path / name, pages)

    return make


@pytest.fixture(autouse=True, scope="session")
def _isolated_prefect_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Prefect state of test runs never touches the developer's ~/.prefect."""
    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A real temporary Prefect API (SQLite) shared by the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
