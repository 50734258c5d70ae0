"""Check bench/labels/sla_penalties.jsonl against the PDFs it describes.

Run from the repository root:  .venv/bin/python bench/labels/validate.py

Checks, for every line: it parses; the keys and enum values follow bench/labels/README.md;
the file exists; each item's page is within the PDF's page count; and each quote occurs
in the document text (whitespace normalised), preferably on the stated page.
Exits non-zero if anything is wrong.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractors.pdf import read_contract_text  # noqa: E402

LABELS = Path(__file__).with_name("sla_penalties.jsonl")
ROOTS = {"cuad-dev/": Path("/work/shared/eval/cuad-dev"), "fixtures/": ROOT / "fixtures"}
METRICS = {"availability", "response_time", "resolution_time", "other"}
SLA_UNITS = {"percent", "minutes", "hours", "business_hours", "days", "business_days"}
KINDS = {"service_credit", "liquidated_damages", "late_payment", "fee_reduction",
         "termination_right", "other"}
TOP_KEYS = {"file", "labelled_by_reading", "complete", "sla", "penalties", "notes"}
SLA_KEYS = {"metric", "target", "unit", "window", "severity", "page", "quote"}
PEN_KEYS = {"kind", "amount", "unit", "trigger", "cap", "page", "quote"}


def norm(text: str) -> str:
    return " ".join(text.split())


def resolve(file: str) -> Path:
    for prefix, base in ROOTS.items():
        if file.startswith(prefix):
            return base / file[len(prefix):]
    raise ValueError(f"unknown file prefix: {file}")


def main() -> int:
    problems: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    lines = LABELS.read_text(encoding="utf-8").splitlines()
    for lineno, line in enumerate(lines, 1):
        where = f"line {lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc})")
            continue
        where = f"line {lineno} ({rec.get('file')})"
        if set(rec) != TOP_KEYS:
            problems.append(f"{where}: keys {sorted(rec)}")
        if rec.get("file") in seen:
            problems.append(f"{where}: duplicate file")
        seen.add(rec.get("file"))
        if rec.get("labelled_by_reading") is not True or rec.get("complete") is not True:
            problems.append(f"{where}: labelled_by_reading/complete must be true")
        path = resolve(rec["file"])
        if not path.is_file():
            problems.append(f"{where}: missing PDF {path}")
            continue
        ct = read_contract_text(path)
        whole = norm(ct.text)
        pages = {n: norm(ct.page_text(n)) for n in range(1, ct.page_count + 1)}
        items = [("sla", i, SLA_KEYS) for i in rec["sla"]] + [
            ("penalty", i, PEN_KEYS) for i in rec["penalties"]]
        for kind, item, keys in items:
            tag = f"{where} {kind} {item.get('metric') or item.get('kind')}"
            if set(item) != keys:
                problems.append(f"{tag}: keys {sorted(item)}")
            if kind == "sla":
                if item["metric"] not in METRICS:
                    problems.append(f"{tag}: bad metric")
                if item["unit"] not in SLA_UNITS:
                    problems.append(f"{tag}: bad unit {item['unit']}")
                if not isinstance(item["target"], (int, float)):
                    problems.append(f"{tag}: target must be a number")
            else:
                if item["kind"] not in KINDS:
                    problems.append(f"{tag}: bad kind")
                if item["amount"] is not None and not isinstance(item["amount"], (int, float)):
                    problems.append(f"{tag}: amount must be a number or null")
                if (item["amount"] is None) != (item["unit"] is None):
                    warnings.append(f"{tag}: amount/unit: one is null, the other not")
                cap = item["cap"]
                if cap is not None and (set(cap) != {"amount", "unit"}
                                        or not isinstance(cap["amount"], (int, float))):
                    problems.append(f"{tag}: bad cap {cap}")
            page = item["page"]
            if not (isinstance(page, int) and 1 <= page <= ct.page_count):
                problems.append(f"{tag}: page {page} outside 1..{ct.page_count}")
                continue
            quote = norm(item["quote"])
            if not quote:
                problems.append(f"{tag}: empty quote")
            elif quote not in whole:
                problems.append(f"{tag}: quote not in text: {quote!r}")
            elif quote not in pages[page]:
                found = [n for n, t in pages.items() if quote in t]
                if found:
                    problems.append(f"{tag}: quote is on page(s) {found}, not {page}")
                else:
                    warnings.append(f"{tag}: quote spans a page break (page {page})")
    for w in warnings:
        print("warning:", w)
    for p in problems:
        print("PROBLEM:", p)
    n_sla = n_pen = 0
    for line in lines:
        rec = json.loads(line)
        n_sla += len(rec["sla"])
        n_pen += len(rec["penalties"])
    print(f"{len(lines)} contracts, {n_sla} SLA items, {n_pen} penalty items; "
          f"{len(problems)} problems, {len(warnings)} warnings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
