"""PDF reading: page offsets, typography normalisation, and a clear error per bad file."""

from pathlib import Path

import pytest

from extractors.document import ContractText, normalise_page_text
from extractors.ocr import OcrOptions
from extractors.pdf import read_contract_text
from schemas import ContractError, CorruptPdf, EmptyFile, EncryptedPdf, NotAPdf
from tests.conftest import write_image_only_pdf


@pytest.mark.parametrize("layer", ["pdfium", "pdfplumber"])
def test_pages_and_offsets(sample_pdf: Path, layer: str) -> None:
    text = read_contract_text(sample_pdf, text_layer=layer)
    assert text.page_count == 2
    offset = text.text.index("99.9%")
    assert text.page_at(offset) == 2
    assert text.page_at(text.text.index("MASTER SERVICES")) == 1
    evidence = text.evidence(offset, offset + 5)
    assert (evidence.page, evidence.text) == (2, "99.9%")
    assert text.page_text(2).startswith("3. SERVICE LEVELS")


def test_typography_is_normalised() -> None:
    raw = "the \u201cCustomer\u201d\r\nshall\u00a0pay \ufb01fteen \u2013 ‘‘Fees’’"
    assert normalise_page_text(raw) == 'the "Customer"\nshall pay fifteen - "Fees"'


def test_pdfium_lookalike_characters_are_mapped() -> None:
    assert normalise_page_text("Acme, Inc.\u037e and con\ufffetract") == "Acme, Inc.; and con-tract"


def test_evidence_is_trimmed_and_single_spaced() -> None:
    text = ContractText.from_pages("t.pdf", ["alpha  beta\n gamma ", "delta"])
    evidence = text.evidence(0, 20)
    assert evidence.text == "alpha beta gamma"
    assert text.page_at(text.text.index("delta")) == 2


@pytest.mark.parametrize(
    ("kind", "error"),
    [("empty file", EmptyFile), ("not a PDF", NotAPdf), ("corrupt PDF", CorruptPdf),
     ("encrypted", EncryptedPdf)],
)
def test_bad_files_raise_a_named_error(bad_files: dict[str, Path], kind: str, error: type) -> None:
    path = bad_files[kind]
    with pytest.raises(error) as raised:
        read_contract_text(path)
    assert isinstance(raised.value, ContractError)
    assert raised.value.path == path
    assert path.name in str(raised.value)
    assert raised.value.explain().startswith(kind)
    assert "hint:" in raised.value.explain()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="not found"):
        read_contract_text(tmp_path / "nope.pdf")


def test_image_only_pdf_is_read_with_a_warning(tmp_path: Path) -> None:
    text = read_contract_text(write_image_only_pdf(tmp_path / "scan.pdf"),
                              ocr=OcrOptions(enabled=False))
    assert text.page_count == 1
    assert text.text == ""
    assert text.warnings == ["page 1 has no text layer (scanned?)"]
