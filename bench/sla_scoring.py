"""SLA and penalty items against labels made by reading the contracts.

`bench/labels/sla_penalties.jsonl` holds, per contract, every SLA commitment and
penalty term a careful reader finds (see `bench/labels/README.md` for the rules).

Matching, one-to-one and greedy:
* an SLA item matches when metric, target and unit agree (times compared in minutes,
  so "1 hour" = "60 minutes"; business units only match business units) and the
  severities agree (compared by their number when both have one: "Severity 1" =
  "P1" = "Priority 1"; a missing severity matches only a missing one);
* a penalty item matches when kind, amount and unit agree (amounts to 0.01).
Precision = matched predictions / predictions; recall = matched labels / labels.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bench.scoring import Tally
from extractors.batch import ExtractionJob, extract_many
from extractors.pipeline import file_sha256
from schemas import ContractRecord

LABELS = Path(__file__).resolve().parent / "labels" / "sla_penalties.jsonl"

_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "business_hours": 60, "business_days": 1440}


def _severity_key(severity: str | None) -> str | None:
    if not severity:
        return None
    number = re.search(r"\d+", severity)
    return number.group() if number else severity.strip().lower()


def _sla_key(metric: str, target: float, unit: str, severity: str | None) -> tuple[Any, ...]:
    if unit in _MINUTES:
        business = unit.startswith("business")
        return (metric, round(target * _MINUTES[unit], 3), business, _severity_key(severity))
    return (metric, round(target, 3), unit, _severity_key(severity))


def _penalty_key(kind: str, amount: float | None, unit: str | None) -> tuple[Any, ...]:
    return (kind, None if amount is None else round(amount, 2), (unit or "").lower())


def _match(gold: list[tuple[Any, ...]], predicted: list[tuple[Any, ...]], label: str) -> Tally:
    remaining = list(gold)
    right = 0
    misses: list[str] = []
    for item in predicted:
        if item in remaining:
            remaining.remove(item)
            right += 1
        else:
            misses.append(f"{label} not in labels: {item}")
    misses += [f"{label} missed: {item}" for item in remaining]
    return Tally(right=right, predicted=len(predicted), found=right, gold=len(gold),
                 misses=misses)


def score_record(label: dict[str, Any], record: ContractRecord) -> tuple[Tally, Tally]:
    gold_sla = [_sla_key(s["metric"], s["target"], s["unit"], s.get("severity"))
                for s in label["sla"]]
    pred_sla = [_sla_key(s.metric.value, s.target, s.unit, s.severity) for s in record.sla]
    gold_pen = [_penalty_key(p["kind"], p.get("amount"), p.get("unit")) for p in label["penalties"]]
    pred_pen = [_penalty_key(p.kind.value, p.amount, p.unit) for p in record.penalties]
    return _match(gold_sla, pred_sla, "SLA"), _match(gold_pen, pred_pen, "penalty")


def _resolve(file: str, repo: Path, eval_root: Path) -> Path:
    candidate = repo / file
    return candidate if candidate.exists() else eval_root / file


def score_sla_labels(repo: Path, eval_root: Path, workers: int = 0,
                     labels_path: Path = LABELS) -> dict[str, Tally]:
    """Extract every labelled contract and score its SLA and penalty items."""
    if not labels_path.exists():
        return {}
    labels = [json.loads(line) for line in labels_path.open(encoding="utf-8") if line.strip()]
    paths = {label["file"]: _resolve(label["file"], repo, eval_root) for label in labels}
    jobs = [ExtractionJob(path=p, record_id=file_sha256(p), source=f)
            for f, p in paths.items() if p.exists()]
    records = {r.job.source: r.record for r in extract_many(jobs, workers=workers) if r.record}
    sla, penalties, both = Tally(), Tally(), Tally()
    for label in labels:
        record = records.get(label["file"])
        if record is None:
            continue
        sla_tally, penalty_tally = score_record(label, record)
        sla.add(sla_tally)
        penalties.add(penalty_tally)
        both.add(sla_tally)
        both.add(penalty_tally)
    return {"sla_items": sla, "penalty_items": penalties, "sla_penalty_items": both}
