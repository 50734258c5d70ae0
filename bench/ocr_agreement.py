"""Scanned vs. born-digital: do OCR'd contracts give the same record?

`python -m bench.ocr_agreement [--only STEM ...] [--style clean|noisy ...]`

Every fixture contract is scanned (`bench.scanned_fixtures`: a clean 300 dpi copy and a
noisy, tilted 150 dpi one), the scan is extracted with OCR (no cache, so the timing is
real), and its key fields are compared with the record of the born-digital PDF. Prints
agreement per fixture and overall for each style, every mismatch, and the OCR seconds
per page (wall clock, all cores; and per core); writes `bench/out/ocr-agreement.json`.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.scanned_fixtures import ScanStyle, scan_pdf
from extractors.ocr import OcrOptions
from extractors.pdf import read_contract_text
from extractors.pipeline import extract_from_text, extract_record
from schemas import ContractRecord

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "contracts"
OUT = Path(__file__).resolve().parent / "out"
TODAY = date(2026, 11, 21)
KEY_FIELDS = ("parties", "agreement_date", "effective_date", "expiration_date", "initial_term",
              "perpetual", "auto_renews", "renewal_term", "notice_period", "governing_law", "sla")


def _name(name: str) -> str:
    return " ".join(name.lower().replace(",", " ").replace(".", " ").split())


def key_fields(record: ContractRecord) -> dict[str, Any]:
    """The fields a contract admin acts on, in a comparable form (no evidence, no offsets)."""
    data = json.loads(record.model_dump_json())
    renewal = data["renewal"]
    return {
        "parties": sorted((_name(p["name"]), (p["role"] or "").lower()) for p in data["parties"]),
        **{k: data[k] for k in ("agreement_date", "effective_date", "expiration_date",
                                "initial_term", "perpetual", "governing_law")},
        **{k: renewal[k] for k in ("auto_renews", "renewal_term", "notice_period")},
        "sla": sorted((s["metric"], s["target"], s["unit"], s["window"], s["severity"])
                      for s in data["sla"]),
    }


def mismatches(digital: ContractRecord, scanned: ContractRecord) -> dict[str, tuple[Any, Any]]:
    """Key field -> (born-digital value, scanned value) where they differ."""
    want, got = key_fields(digital), key_fields(scanned)
    return {field: (want[field], got[field]) for field in KEY_FIELDS if want[field] != got[field]}


def measure(stem: str, style: ScanStyle, work: Path, options: OcrOptions) -> dict[str, Any]:
    """Scan one fixture, OCR it, compare; the row of the report."""
    digital = extract_record(FIXTURES / f"{stem}.pdf", today=TODAY)
    scan = scan_pdf(FIXTURES / f"{stem}.pdf", work / f"{stem}.{style}.pdf", style)
    started, cpu = time.perf_counter(), _cpu_seconds()
    text = read_contract_text(scan, ocr=options)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    scanned = extract_from_text(text, record_id="0" * 64, source=str(scan), today=TODAY)
    wrong = mismatches(digital, scanned)
    confidences = [p.ocr_confidence for p in text.pages if p.ocr_confidence is not None]
    return {
        "fixture": stem, "style": style.value, "pages": text.page_count,
        "ocr_pages": sum(p.ocr for p in text.pages), "agree": len(KEY_FIELDS) - len(wrong),
        "fields": len(KEY_FIELDS), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
        "mean_confidence": round(sum(confidences) / len(confidences), 1) if confidences else None,
        "mismatches": {k: [repr(a), repr(b)] for k, (a, b) in wrong.items()},
        "warnings": [w for w in scanned.warnings if "OCR" in w or "scanned" in w],
    }


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the tesseract processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _print(rows: list[dict[str, Any]], workers: int) -> None:
    for style in ScanStyle:
        subset = [r for r in rows if r["style"] == style.value]
        if not subset:
            continue
        print(f"\n== {style.value} scans")
        for row in subset:
            share = row["agree"] / row["fields"]
            print(f"{row['fixture']:32} {row['agree']:2}/{row['fields']} ({share:.0%})  "
                  f"{row['pages']} pages  conf {row['mean_confidence']}  "
                  f"{row['seconds'] / max(1, row['ocr_pages']):.2f} s/page")
            for field, (want, got) in row["mismatches"].items():
                print(f"    {field}: born-digital {want}  scanned {got}")
        agree, total = sum(r["agree"] for r in subset), sum(r["fields"] for r in subset)
        pages, seconds = sum(r["ocr_pages"] for r in subset), sum(r["seconds"] for r in subset)
        cpu = sum(r["cpu_seconds"] for r in subset)
        print(f"{'overall':32} {agree}/{total} ({agree / total:.1%})  {pages} pages in "
              f"{seconds:.1f} s: {seconds / pages:.2f} s/page wall with {workers} workers, "
              f"{cpu / pages:.2f} CPU s/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="fixture stems (default: all)")
    parser.add_argument("--style", nargs="*", choices=[s.value for s in ScanStyle])
    parser.add_argument("--workers", type=int, default=0, help="pages OCR'd at once")
    parser.add_argument("--no-deskew", action="store_true")
    parser.add_argument("--cache", type=Path, help="OCR cache directory (timings then lie)")
    args = parser.parse_args()
    stems = args.only or sorted(p.name.removesuffix(".expected.json")
                                for p in FIXTURES.glob("*.expected.json"))
    styles = [ScanStyle(s) for s in args.style] if args.style else list(ScanStyle)
    options = OcrOptions(workers=args.workers, deskew=not args.no_deskew, cache_dir=args.cache)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for style in styles:
            for stem in stems:
                rows.append(measure(stem, style, Path(work), options))
    _print(rows, options.worker_count())
    OUT.mkdir(exist_ok=True)
    (OUT / "ocr-agreement.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
