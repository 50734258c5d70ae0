"""Where ingest time goes: `python -m bench.ingest_profile` (or `make profile-ingest`).

Runs the same direct pipeline as `bench.ingest` over the cuad-dev PDFs in one process
(`workers=1`, so the profiler sees every step) under pyinstrument, twice, each in a fresh
process: with an empty OCR cache (a first ingest, Tesseract reading the scanned pages)
and again with the cache that run filled (a re-ingest: the pipeline's own cost). Module
imports, the spaCy pipeline and dateparser's first use are loaded on a fixture before the
clock starts: a worker pays them once. Scanned pages are OCR'd by Tesseract processes
in parallel; the profile shows the time the pipeline waits for them.

For each run it prints the time per stage of the ingest path, then writes the full call
trees to `bench/out/ingest-profile-{cold,warm}.html` (open in a browser) and `.txt`.

Stages are named by the function that does the work; a stage's time includes what it
calls, and "other" is what no named stage covers (building and checking records,
evidence, file hashing).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler
from pyinstrument.frame import Frame
from rich.console import Console
from rich.table import Table

from bench.ingest import EVAL_PDFS, REPO

STAGES: dict[str, tuple[str, str]] = {
    "page_texts": ("extractors/pdf.py", "PDF text layer (pypdfium2)"),
    "read_scanned_pages": ("extractors/ocr.py", "scanned pages: detect, render, OCR"),
    "normalise_page_text": ("extractors/document.py", "page text normalising"),
    "parse": ("extractors/nlp.py", "spaCy parse: tokens, sentences, entity patterns"),
    "find_agreement_dates": ("extractors/dates.py", "dates (dateparser on candidates)"),
    "find_term": ("extractors/term.py", "term and expiration"),
    "find_renewal": ("extractors/renewal.py", "renewal and notice"),
    "segment_clauses": ("extractors/clauses.py", "clause segmenting and typing"),
    "find_sla_commitments": ("extractors/sla.py", "SLA commitments"),
    "find_penalties": ("extractors/penalties.py", "penalty terms"),
    "find_parties": ("extractors/parties.py", "parties"),
    "store_records": ("flows/ingest.py", "portfolio writes (SQLite, FTS5)"),
}
"""Function name -> (file it lives in, stage label)."""


PARSE = STAGES["parse"][1]


def stage_seconds(root: Frame) -> dict[str, float]:
    """Seconds per stage label; a stage nested in another counts in the outer one only.

    pyinstrument cannot see through spaCy's compiled (Cython) code: time spent there
    appears at the top of the tree with no Python caller; it is counted under parsing,
    the only stage that runs spaCy's tokenizer and matcher.
    """
    found: dict[str, float] = {}
    for frame in root.children:
        if (frame.file_path or "").endswith(".pyx"):
            found[PARSE] = found.get(PARSE, 0.0) + frame.time

    def visit(frame: Frame, inside: bool) -> None:
        stage = STAGES.get(frame.function or "")
        if stage is not None and stage[0] not in (frame.file_path or ""):
            stage = None  # a function of the same name elsewhere
        if stage is not None and not inside:
            found[stage[1]] = found.get(stage[1], 0.0) + frame.time
        for child in frame.children:
            visit(child, inside or stage is not None)

    visit(root, False)
    return found


def profile_run(pdfs: list[Path], cache: Path) -> Profiler:
    from extractors.ocr import OcrOptions
    from extractors.pipeline import extract_record
    from flows.ingest import run_ingest

    warm_up = REPO / "fixtures" / "contracts" / "msa_sla_exhibit.pdf"
    extract_record(warm_up, ocr=OcrOptions(enabled=False))
    profiler = Profiler(interval=0.002)
    with tempfile.TemporaryDirectory() as tmp:
        profiler.start()
        run_ingest(pdfs, str(Path(tmp) / "portfolio.db"), workers=1,
                   ocr=OcrOptions(cache_dir=cache))
        profiler.stop()
    return profiler


def print_stages(console: Console, title: str, profiler: Profiler, pages: int) -> None:
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    total = root.time if root is not None else session.duration
    stages = stage_seconds(root) if root is not None else {}
    table = Table(title=f"{title}: {total:.1f} s in one process, {pages} pages "
                        f"({pages / total:.0f} pages/s on one core)")
    for column in ("stage", "seconds", "share", "ms/page"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    rows = sorted(stages.items(), key=lambda item: -item[1])
    rows.append(("other", total - sum(stages.values())))
    for label, seconds in rows:
        table.add_row(label, f"{seconds:.2f}", f"{seconds / total:.0%}",
                      f"{seconds * 1000 / pages:.2f}")
    console.print(table)


RUNS = {"cold": "First ingest (empty OCR cache)", "warm": "Re-ingest (OCR cache filled)"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile of the ingest path, by stage.")
    parser.add_argument("--limit", type=int, default=0, help="first N PDFs only")
    parser.add_argument("--run", choices=RUNS, help="profile one run here (used internally)")
    parser.add_argument("--cache", type=Path, help="OCR cache folder (used internally)")
    args = parser.parse_args(argv)
    if args.run is None:
        with tempfile.TemporaryDirectory() as cache:
            for name in RUNS:  # cold fills the cache warm reads
                command = [sys.executable, "-m", "bench.ingest_profile", "--run", name,
                           "--cache", cache, "--limit", str(args.limit)]
                if subprocess.run(command, cwd=REPO, check=False).returncode != 0:
                    return 1
        return 0
    pdfs = sorted(EVAL_PDFS.glob("*.pdf"))
    pdfs = pdfs[: args.limit] if args.limit else pdfs
    import pypdfium2 as pdfium

    pages = sum(len(pdfium.PdfDocument(str(p))) for p in pdfs)
    console = Console(width=max(100, Console().width))
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    profiler = profile_run(pdfs, args.cache)
    print_stages(console, RUNS[args.run], profiler, pages)
    (out / f"ingest-profile-{args.run}.html").write_text(profiler.output_html(),
                                                          encoding="utf-8")
    (out / f"ingest-profile-{args.run}.txt").write_text(
        profiler.output_text(unicode=True, color=False), encoding="utf-8")
    console.print(f"call tree: {out}/ingest-profile-{args.run}.html (.txt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
