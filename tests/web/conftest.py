"""A web app over a real SQLite portfolio: the fixture PDFs, extracted, plus a hostile one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from contracts.settings import Settings, load_settings
from portfolio.sqlite import SqlitePortfolio
from schemas.record import ContractRecord
from tests.alert_fixtures import EXTRACTED_ON
from tests.conftest import REPO, write_pdf
from web import create_app
from web.originals import archived_path

HOSTILE_TEXT = [
    "SERVICES AGREEMENT <script>alert('title')</script>\n"
    "This Services Agreement is made as of March 1, 2025 by and between\n"
    'Evil <b>Corp</b> Inc. ("Provider"), and Contoso Ltd ("Customer").\n'
    "1. Service Credits\n"
    "Provider shall pay a zebracredit of <script>alert(1)</script> & 5% per month.\n"
    "2. Governing Law\n"
    "This Agreement is governed by the laws of the State of New York.\n"
]


@pytest.fixture(scope="session")
def hostile_record(tmp_path_factory: pytest.TempPathFactory) -> ContractRecord:
    """A real PDF whose clause text holds markup, extracted like any other contract."""
    from extractors.pipeline import extract_record

    path = write_pdf(tmp_path_factory.mktemp("hostile") / "hostile.pdf", HOSTILE_TEXT)
    return extract_record(path, source=str(path), today=EXTRACTED_ON)


@pytest.fixture()
def web_settings(
    tmp_path: Path, fixture_records: dict[str, ContractRecord], hostile_record: ContractRecord
) -> Settings:
    """A data directory whose portfolio holds the fixtures; one original is archived."""
    settings = load_settings(home=tmp_path / "home")
    with SqlitePortfolio(settings.store_url) as portfolio:
        portfolio.add_many([*fixture_records.values(), hostile_record])
    archived = fixture_records["msa_sla_exhibit"]
    target = archived_path(settings.archive, archived.id)
    target.parent.mkdir(parents=True)
    shutil.copyfile(REPO / archived.source, target)
    return settings


@pytest.fixture()
def client(web_settings: Settings) -> Iterator[TestClient]:
    app = create_app(web_settings, today=lambda: EXTRACTED_ON)
    app.state.web.originals.base = REPO  # fixture sources are relative to the repository
    with TestClient(app) as test_client:
        yield test_client


def today() -> date:
    return EXTRACTED_ON


# --- a data directory filled by the real inbox worker (status page, browser tests) -------

DUPLICATE_NAME = "MSA copy from legal.pdf"
BAD_NAME = "scan of NDA <img src=x onerror=alert(1)>.pdf"
NEW_VERSION_NAME = "saas_subscription.pdf"
WAITING_NAME = "still copying.pdf"


@pytest.fixture(scope="session")
def inbox_home(prefect_server: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ingest-inbox` run twice over the fixture PDFs, as a contract admin would drop them.

    First run: every fixture contract, a second copy of one under another name (a
    duplicate) and a truncated PDF (failed). Second run: a re-saved `saas_subscription.pdf`
    (same name, other bytes: a new version). Then one more file is dropped and not taken
    (waiting). Extraction runs as of `EXTRACTED_ON`, like the other web tests.
    """
    from pypdf import PdfWriter

    from flows.inbox import ingest_inbox
    from tests.conftest import FIXTURES

    home = tmp_path_factory.mktemp("inbox-web") / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    for number, pdf in enumerate(sorted(FIXTURES.glob("*.pdf"))):
        shutil.copyfile(pdf, inbox / pdf.name)
        os.utime(inbox / pdf.name, (1_700_000_000 + number,) * 2)  # claimed oldest first
    shutil.copyfile(FIXTURES / "msa_sla_exhibit.pdf", inbox / DUPLICATE_NAME)
    nda = (FIXTURES / "mutual_nda.pdf").read_bytes()
    (inbox / BAD_NAME).write_bytes(nda[: len(nda) // 2])
    first = sorted(str(p) for p in inbox.iterdir())
    ingest_inbox(files=first, home=str(home), workers=1, today=EXTRACTED_ON)

    writer = PdfWriter(clone_from=FIXTURES / NEW_VERSION_NAME)
    writer.add_metadata({"/Subject": "Order Form, amended"})
    with (inbox / NEW_VERSION_NAME).open("wb") as handle:
        writer.write(handle)
    ingest_inbox(files=[str(inbox / NEW_VERSION_NAME)], home=str(home), workers=1,
                 today=EXTRACTED_ON)
    write_pdf(inbox / WAITING_NAME, ["MASTER SERVICES AGREEMENT\n(still being scanned)\n"])
    return home
