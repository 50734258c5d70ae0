"""The contract page, its JSON twin, and the original PDF (never an arbitrary path)."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from contracts.settings import Settings
from portfolio.sqlite import SqlitePortfolio
from schemas.record import ContractRecord
from tests.conftest import REPO
from web.formatting import quantity
from web.originals import OriginalFiles


def test_every_field_with_evidence_and_open_at_page(
    client: TestClient, fixture_records: dict[str, ContractRecord]
) -> None:
    record = fixture_records["msa_sla_exhibit"]
    page = client.get(f"/contracts/{record.id}")
    assert page.status_code == 200
    assert record.title and record.title in page.text
    for party in record.parties:
        assert party.name in page.text
    assert record.evidence.governing_law is not None
    link = f'/contracts/{record.id}/original#page={record.evidence.governing_law.page}'
    assert link in page.text
    assert 'class="sla"' in page.text and 'class="penalties"' in page.text
    assert page.text.count('<li id="clause-') == len(record.clauses)


def test_warnings_are_shown(client: TestClient, fixture_records: dict[str, ContractRecord]) -> None:
    record = next(r for r in fixture_records.values() if r.warnings)
    page = client.get(f"/contracts/{record.id}")
    assert 'class="warnings"' in page.text
    assert record.warnings[0].split("'")[0] in page.text


def test_api_contract_is_the_stored_record(
    client: TestClient, fixture_records: dict[str, ContractRecord]
) -> None:
    record = fixture_records["saas_subscription"]
    body = client.get(f"/api/contracts/{record.id}").json()
    assert ContractRecord.model_validate(body) == record


def test_unknown_contract_is_404(client: TestClient) -> None:
    assert client.get("/contracts/" + "0" * 64).status_code == 404
    assert client.get("/contracts/msa_sla_exhibit.pdf").status_code == 404


def test_contract_page_escapes_markup(client: TestClient, hostile_record: ContractRecord) -> None:
    page = client.get(f"/contracts/{hostile_record.id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<b>Corp" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


@pytest.mark.parametrize("name", ["msa_sla_exhibit", "saas_subscription"])
def test_original_pdf_from_archive_or_source(
    client: TestClient, fixture_records: dict[str, ContractRecord], name: str
) -> None:
    record = fixture_records[name]  # the first is archived, the second only at its source
    response = client.get(f"/contracts/{record.id}/original")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert hashlib.sha256(response.content).hexdigest() == record.id


@pytest.mark.parametrize(
    "path",
    [
        "/contracts/../../../../etc/passwd/original",
        "/contracts/..%2F..%2F..%2Fetc%2Fpasswd/original",
        "/contracts/%2e%2e%2f%2e%2e%2fetc%2fpasswd/original",
        "/contracts/msa_sla_exhibit.pdf/original",
        "/contracts/" + "0" * 64 + "/original",
        "/static/../web/app.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_original_refuses_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 400)
    assert b"root:" not in response.content and b"create_app" not in response.content


def test_tampered_source_is_not_served(
    web_settings: Settings, fixture_records: dict[str, ContractRecord], client: TestClient
) -> None:
    record = fixture_records["mutual_nda"]
    tampered = record.model_copy(update={"source": "../../../../../../etc/passwd"})
    with SqlitePortfolio(web_settings.store_url) as portfolio:
        portfolio.add(tampered)
    assert client.get(f"/contracts/{record.id}/original").status_code == 404
    page = client.get(f"/contracts/{record.id}")
    assert "original file not available" in page.text


def test_a_file_with_other_bytes_is_refused(
    tmp_path: object, fixture_records: dict[str, ContractRecord]
) -> None:
    record = fixture_records["mutual_nda"]
    other = REPO / fixture_records["saas_subscription"].source
    originals = OriginalFiles(archive=REPO / "no-archive", base=REPO)
    assert originals.locate(record.model_copy(update={"source": str(other)})) is None
    assert originals.locate(record) == REPO / record.source


def test_sla_and_penalty_amounts_read_as_the_contract_says_them(
    client: TestClient, fixture_records: dict[str, ContractRecord]
) -> None:
    record = fixture_records["msa_sla_exhibit"]
    page = client.get(f"/contracts/{record.id}").text
    assert "99.9%" in page
    assert "10% of monthly fees" in page and "percent_of_monthly_fees" not in page


@pytest.mark.parametrize(
    ("amount", "unit", "reads"),
    [
        (99.9, "percent", "99.9%"),
        (5.0, "percent_of_monthly_fees", "5% of monthly fees"),
        (1.5, "percent_per_month", "1.5% per month"),
        (250000.0, "USD", "USD 250,000"),
        (4.0, "business_hours", "4 business hours"),
        (None, "USD", "—"),
    ],
)
def test_quantity_wording(amount: float | None, unit: str, reads: str) -> None:
    assert quantity(amount, unit) == reads
