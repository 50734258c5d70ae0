"""A synthetic portfolio of any size, made from real extracted records.

Seeds are the records extracted from the fixtures and the cuad-dev contracts (cached
in `bench/out/seed-records.jsonl`; extracted again when missing). Contract *i* is seed
`i mod len(seeds)` with:

* a new id (sha256 of seed id and i) and file name;
* every party renamed to a generated company name, in the party list *and* in the
  clause texts, so party filters and searches see varied names;
* all dates shifted by the same random number of days (-900..+900), so deadlines
  spread over the calendar;
* a governing law drawn from a weighted list of common jurisdictions.

Clause texts, SLA and penalty items stay as extracted: realistic lengths and wording.
Random choices come from `random.Random(seed)`, so a size and a seed always give the
same portfolio.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from schemas import ContractRecord

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "bench" / "out" / "seed-records.jsonl"
EVAL_PDFS = REPO.parent / "shared" / "eval" / "cuad-dev" / "pdf"

_FIRST = ["Northwind", "Contoso", "Fabrikam", "Adatum", "Litware", "Proseware", "Relecloud",
          "Tailspin", "Woodgrove", "Lucerne", "Alpine", "Humongous", "Wingtip", "Coho",
          "Blue Yonder", "Fourth Coffee", "Margie's", "Trey", "Wide World", "Graphic",
          "Southridge", "Lamna", "Datum", "Bellows", "Consolidated", "Nod", "Fincher",
          "Hanover", "Summit", "Redwood"]
_SECOND = ["Cloud", "Systems", "Software", "Hosting", "Networks", "Data", "Logistics",
           "Analytics", "Health", "Energy", "Media", "Retail", "Security", "Labs", "Digital"]
_SUFFIX = ["Inc.", "LLC", "Ltd.", "Corporation", "GmbH", "plc", "S.A.", "B.V."]
_LAWS = [("New York", 30), ("Delaware", 20), ("California", 15), ("Texas", 8),
         ("England and Wales", 8), ("Illinois", 5), ("Massachusetts", 4), ("Ontario, Canada", 4),
         ("Germany", 3), ("Florida", 3)]


def company_name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_SECOND)} {rng.choice(_SUFFIX)}"


def load_seeds() -> list[ContractRecord]:
    """Seed records, extracted once from the fixtures and cuad-dev and cached."""
    if SEEDS.exists():
        return [ContractRecord.model_validate_json(line)
                for line in SEEDS.read_text(encoding="utf-8").splitlines() if line]
    from extractors.batch import ExtractionJob, extract_many
    from extractors.pipeline import file_sha256

    pdfs = sorted((REPO / "fixtures" / "contracts").glob("*.pdf")) + sorted(EVAL_PDFS.glob("*.pdf"))
    jobs = [ExtractionJob(path=p, record_id=file_sha256(p), source=p.name) for p in pdfs]
    records = sorted((r.record for r in extract_many(jobs) if r.record), key=lambda r: r.filename)
    SEEDS.parent.mkdir(parents=True, exist_ok=True)
    SEEDS.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return records


def _shift(record: ContractRecord, days: int) -> None:
    delta = timedelta(days=days)
    for field in ("agreement_date", "effective_date", "expiration_date"):
        value = getattr(record, field)
        if value is not None:
            setattr(record, field, value + delta)
    renewal = record.renewal
    if renewal.current_term_end:
        renewal.current_term_end += delta
    if renewal.notice_deadline:
        renewal.notice_deadline += delta


def variant(seed: ContractRecord, index: int, rng: random.Random,
            keep_clauses: bool = True) -> ContractRecord:
    """Contract number `index` of the synthetic portfolio, derived from `seed`."""
    record = seed.model_copy(deep=True)
    record.id = hashlib.sha256(f"{seed.id}:{index}".encode()).hexdigest()
    stem = seed.filename.rsplit(".", 1)[0][:60]
    record.filename = f"{stem}-{index:06d}.pdf"
    record.source = f"synthetic/{record.filename}"
    renames = {party.name: company_name(rng) for party in record.parties if party.name}
    for party in record.parties:
        party.name = renames.get(party.name, party.name)
    if keep_clauses:
        for clause in record.clauses:
            for old, new in renames.items():
                clause.text = clause.text.replace(old, new)
    else:
        record.clauses = []
    _shift(record, rng.randint(-900, 900))
    laws, weights = zip(*_LAWS, strict=True)
    record.governing_law = rng.choices(laws, weights)[0]
    return record


def portfolio_records(count: int, seed: int = 7, keep_clauses: bool = True
                      ) -> Iterator[ContractRecord]:
    """`count` synthetic contracts, deterministic for a given `seed`."""
    seeds = load_seeds()
    rng = random.Random(seed)
    for index in range(count):
        yield variant(seeds[index % len(seeds)], index, rng, keep_clauses)


def party_names(records: list[ContractRecord]) -> list[str]:
    return sorted({p.name for r in records for p in r.parties})


if __name__ == "__main__":  # pragma: no cover - manual inspection
    for record in portfolio_records(3):
        print(json.dumps({"id": record.id[:12], "file": record.filename,
                          "parties": [p.name for p in record.parties],
                          "law": record.governing_law}))
