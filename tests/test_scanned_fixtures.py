"""Scanned contracts read like born-digital ones: the key fields agree.

Each case scans a fixture contract (clean 300 dpi, or noisy: 150 dpi, tilted, grainy),
extracts it through OCR, and compares the key fields with the record of the born-digital
PDF. A subset keeps the suite fast; `python -m bench.ocr_agreement` runs all fixtures
in both styles and reports the agreement and OCR seconds per page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.ocr_agreement import KEY_FIELDS, mismatches
from bench.scanned_fixtures import ScanStyle
from contracts.cli import app
from extractors.ocr import OcrOptions
from extractors.pipeline import extract_record
from schemas import ContractRecord
from tests.conftest import FIXTURES
from tests.ocr_fixtures import needs_tesseract

TODAY = date(2026, 11, 21)
CASES = [("hosting_service_credits", ScanStyle.clean), ("mutual_nda", ScanStyle.noisy)]


def _values_with_evidence(record: ContractRecord) -> list[tuple[str, object]]:
    found = [(f"party {p.name}", p.evidence) for p in record.parties]
    found += [(f"sla {s.metric}", s.evidence) for s in record.sla]
    found += [("agreement_date", record.evidence.agreement_date),
              ("governing_law", record.evidence.governing_law)]
    return found


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize(("stem", "style"), CASES, ids=[f"{s}-{v}" for s, v in CASES])
def test_scanned_record_agrees_with_born_digital(
    stem: str, style: ScanStyle, scanned: Callable[[str, ScanStyle], Path], ocr_cache_dir: Path
) -> None:
    digital = extract_record(FIXTURES / f"{stem}.pdf", today=TODAY)
    record = extract_record(scanned(stem, style), today=TODAY,
                            ocr=OcrOptions(cache_dir=ocr_cache_dir))
    wrong = mismatches(digital, record)
    for field, (want, got) in wrong.items():
        print(f"{stem} ({style}) {field}: born-digital {want!r}, scanned {got!r}")
    agreement = 1 - len(wrong) / len(KEY_FIELDS)
    assert agreement >= 0.9, f"{agreement:.0%} of key fields agree; mismatches: {wrong}"
    assert all(source.ocr for source in record.page_sources)
    for name, evidence in _values_with_evidence(record):
        assert evidence is not None, name
        assert evidence.box is not None and evidence.ocr_confidence is not None, name


@needs_tesseract
@pytest.mark.slow
def test_contracts_ingest_reads_a_scanned_contract(
    scanned: Callable[[str, ScanStyle], Path], ocr_cache_dir: Path, tmp_path: Path,
    prefect_server: None,
) -> None:
    scan = scanned("hosting_service_credits", ScanStyle.clean)
    runner = CliRunner()
    env = {"CONTRACTS_OCR_CACHE": str(ocr_cache_dir)}
    home = str(tmp_path / "home")
    result = runner.invoke(app, ["ingest", str(scan), "--home", home, "--today", "2026-11-21"],
                           env=env)
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    shown = runner.invoke(app, ["show", scan.name, "--json", "--home", home], env=env)
    assert shown.exit_code == 0, shown.output
    record = ContractRecord.model_validate(json.loads(shown.output))
    assert [s.ocr for s in record.page_sources] == [True] * 4
    assert {p.name for p in record.parties} == {"Relecloud Hosting Corp.",
                                                "Wide World Importers, Inc."}
    assert record.renewal.notice_period is not None and record.governing_law == "California"
    assert record.evidence.governing_law is not None and record.evidence.governing_law.box
    assert not [w for w in record.warnings if "OCR" in w or "scanned" in w], record.warnings
