"""Extraction accuracy on real contracts: `python -m bench.accuracy` (or `make accuracy`).

Runs the real pipeline (the same process pool as `contracts ingest`) over
`../shared/eval/cuad-dev/pdf/*.pdf`, scores every field against `labels.jsonl`, prints
precision / recall / F1 with counts and the target per field, reports pages/s, and
writes a per-contract error report (`bench/out/accuracy-errors.md`: expected vs. got
with the evidence quote and page) plus `bench/out/accuracy.json`.

Scoring rules
-------------
* Dates (agreement, effective): exact ISO match. A gold `partial` date is skipped. A
  prediction where gold is null is a false positive, except for `effective_date`, where
  gold null is skipped (annotators often left it empty when it equals the agreement
  date).
* Expiration: gold `perpetual` matches `"perpetual": true` (no fixed end date, evergreen
  included); otherwise the date within +/-1 day (annotators computed some from the term
  using the anniversary itself, others the day before).
* Renewal exists: a renewal exists when `renewal.auto_renews` or `renewal.renewal_term`
  is set; gold: `renewal_term` is not null.
* Renewal term and notice period: durations compared in days (12 months = 1 year),
  tolerance 2%; where the annotators gave several values (`6 months; 12 months`) any
  one matches. The notice period scored is `renewal.notice_period` except on evergreen
  contracts, where that field holds the notice to *terminate* (there is no renewal to
  stop, and CUAD's field is the notice to stop a renewal).
* Governing law: case-insensitive after stripping "State of", "Commonwealth of",
  "Province of", "the laws of", a trailing country ("USA", "United Kingdom") and
  punctuation; gold alternatives separated by `;` each count, and the annotators'
  variants of one jurisdiction ("England", "Wales", "England and Wales") are one.
* Parties: recall = gold party names (text before the parenthesised alias) matched by
  some predicted name; precision = predicted names matching any gold party mention; a
  match is equality, containment, or word-Jaccard >= 0.5 after dropping corporate
  suffixes (Inc., LLC, Ltd., Corporation, GmbH, ...). Gold entries that only name the
  parties as a group are dropped.
* SLA and penalty items (`bench/labels/sla_penalties.jsonl`, labelled by reading the
  contracts): see `bench/sla_scoring.py`.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.scoring import (
    Tally,
    score_date,
    score_duration,
    score_expiration,
    score_governing_law,
    score_parties,
    score_renewal_exists,
)
from extractors.batch import ExtractionJob, extract_many
from extractors.pipeline import file_sha256
from schemas import ContractRecord, Evidence

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO.parent / "shared" / "eval" / "cuad-dev"
OUT_DIR = REPO / "bench" / "out"

TARGETS = {
    "governing_law": 0.95, "agreement_date": 0.90, "effective_date": 0.85, "expiration": 0.75,
    "renewal_exists": 0.90, "renewal_term": 0.85, "notice_period": 0.85, "parties": 0.90,
    "sla_penalty_items": 0.85,
}


@dataclass(frozen=True)
class Field:
    name: str
    score: Callable[[dict[str, Any], ContractRecord], Tally | None]
    evidence: Callable[[ContractRecord], list[Evidence | None]]


def _notice(record: ContractRecord) -> Any:
    return None if record.renewal.evergreen else record.renewal.notice_period


FIELDS = [
    Field("governing_law", lambda g, r: score_governing_law(g["governing_law"], r.governing_law),
          lambda r: [r.evidence.governing_law]),
    Field("agreement_date",
          lambda g, r: score_date(g["agreement_date"], r.agreement_date, "agreement date"),
          lambda r: [r.evidence.agreement_date]),
    Field("effective_date",
          lambda g, r: score_date(g["effective_date"], r.effective_date, "effective date",
                                  gold_null_skipped=True),
          lambda r: [r.evidence.effective_date]),
    Field("expiration", lambda g, r: score_expiration(g["expiration_date"], r),
          lambda r: [r.evidence.expiration_date]),
    Field("renewal_exists", lambda g, r: score_renewal_exists(g["renewal_term"], r),
          lambda r: [r.renewal.evidence]),
    Field("renewal_term",
          lambda g, r: score_duration(g["renewal_term"], r.renewal.renewal_term, "renewal term"),
          lambda r: [r.renewal.evidence]),
    Field("notice_period",
          lambda g, r: score_duration(g["notice_period_to_terminate_renewal"], _notice(r),
                                      "notice period"),
          lambda r: [r.renewal.notice_evidence]),
    Field("parties", lambda g, r: score_parties(g["parties"], r),
          lambda r: [p.evidence for p in r.parties]),
]


def run_pipeline(pdfs: list[Path], workers: int) -> tuple[dict[str, ContractRecord], float, int]:
    """Extract every PDF; returns records by file stem, wall seconds and pages."""
    jobs = [ExtractionJob(path=p, record_id=file_sha256(p), source=str(p)) for p in pdfs]
    started = time.perf_counter()
    records: dict[str, ContractRecord] = {}
    for result in extract_many(jobs, workers=workers):
        if result.record is None:
            raise SystemExit(f"{result.job.path.name}: {result.reason}: {result.message}")
        records[result.job.path.stem] = result.record
    seconds = time.perf_counter() - started
    return records, seconds, sum(r.pages for r in records.values())


def score_all(labels: list[dict[str, Any]], records: dict[str, ContractRecord]
              ) -> tuple[dict[str, Tally], dict[str, list[str]]]:
    totals = {f.name: Tally() for f in FIELDS}
    errors: dict[str, list[str]] = {}
    for gold in labels:
        record = records.get(gold["id"])
        if record is None:
            continue
        for spec in FIELDS:
            tally = spec.score(gold, record)
            if tally is None:
                continue
            totals[spec.name].add(tally)
            for miss in tally.misses:
                quotes = [e for e in spec.evidence(record) if e is not None][:2]
                where = "; ".join(f'p.{e.page} "{e.text[:160]}"' for e in quotes) or "no evidence"
                errors.setdefault(gold["id"], []).append(f"{miss}  — {where}")
    return totals, errors


def print_table(console: Console, totals: dict[str, Tally], pages: int, seconds: float) -> None:
    table = Table(title=f"Accuracy on cuad-dev ({pages} pages, {pages / seconds:.0f} pages/s)")
    for column in ("field", "P", "R", "F1", "target", "right/pred", "found/gold"):
        table.add_column(column, justify="right" if column != "field" else "left")
    for name, tally in totals.items():
        target = TARGETS.get(name)
        mark = "" if target is None else (" ok" if tally.f1 >= target else " below")
        table.add_row(
            name, f"{tally.precision:.3f}", f"{tally.recall:.3f}", f"{tally.f1:.3f}{mark}",
            f"{target:.2f}" if target else "", f"{tally.right}/{tally.predicted}",
            f"{tally.found}/{tally.gold}",
        )
    console.print(table)


def write_reports(totals: dict[str, Tally], errors: dict[str, list[str]], pages: int,
                  seconds: float, extra: dict[str, Any]) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    summary = {
        "pages": pages, "seconds": round(seconds, 2), "pages_per_second": round(pages / seconds, 1),
        "fields": {name: {"precision": round(t.precision, 4), "recall": round(t.recall, 4),
                          "f1": round(t.f1, 4), "right": t.right, "predicted": t.predicted,
                          "found": t.found, "gold": t.gold, "target": TARGETS.get(name)}
                   for name, t in totals.items()},
        **extra,
    }
    (OUT_DIR / "accuracy.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    lines = ["# Accuracy errors on cuad-dev", ""]
    for contract, misses in sorted(errors.items()):
        lines += [f"## {contract}", ""] + [f"- {miss}" for miss in misses] + [""]
    (OUT_DIR / "accuracy-errors.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--workers", type=int, default=0, help="0 = one per core")
    parser.add_argument("--limit", type=int, default=0, help="only the first N contracts")
    args = parser.parse_args(argv)
    console = Console()
    labels = [json.loads(line) for line in (args.eval_dir / "labels.jsonl").open(encoding="utf-8")]
    if args.limit:
        labels = labels[: args.limit]
    pdfs = [args.eval_dir / gold["pdf"] for gold in labels]
    records, seconds, pages = run_pipeline(pdfs, args.workers)
    totals, errors = score_all(labels, records)

    from bench.sla_scoring import score_sla_labels

    sla_totals = score_sla_labels(REPO, args.eval_dir.parent, args.workers)
    totals.update(sla_totals)
    print_table(console, totals, pages, seconds)
    write_reports(totals, errors, pages, seconds, {"contracts": len(records)})
    console.print(f"per-contract errors: {OUT_DIR / 'accuracy-errors.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
