"""Ingest throughput and memory: `python -m bench.ingest` (or `make bench-ingest`).

Every phase runs in a fresh subprocess over the same PDFs (default: the 116 contracts
of ../shared/eval/cuad-dev), so each reports its own wall time and peak RSS:

* `pdfium`      baseline: pypdfium2 text of every page, one process (the floor of our stack);
* `pdfplumber`  baseline: pdfplumber `extract_text` of every page, one process;
* `direct`      the pipeline end to end into a fresh embedded portfolio (all cores),
                called directly (`flows.ingest.run_ingest`), with an empty OCR cache: the
                scanned pages (16 of the 2,426 in cuad-dev, 4 of them blank) are read by Tesseract;
* `flow`        the same through the Prefect `ingest` flow (its own empty OCR cache); the
                temporary Prefect server is started before the clock starts (a deployment
                has a running server), and its start-up time is reported on its own;
* `rerun`       `direct` again with the OCR cache `direct` filled: what a re-ingest or a
                `contracts reindex` costs, and the pipeline's own speed without Tesseract;
* `flow-rerun`  `flow` with that same filled OCR cache;
* `big`         one generated 1,000-page contract through the direct path (peak RSS).

`direct` and `flow` run alternately, three times each by default (`--rounds`), and their
medians are compared: on a shared virtual machine a phase can lose a fifth of its CPU to
neighbours, which one run of each would read as orchestration overhead. `rerun` and
`flow-rerun` alternate the same way. That second comparison is the steadier measure of
the flow's own cost: without Tesseract, the runs vary far less (from scratch, how the
scanned pages of a few documents land on the two cores moves a run by several seconds).

The table prints absolute figures and ratios against the baselines of the same run, the
machine's load average before each phase, and the CPU time stolen by the hypervisor
during it (other work on a shared machine skews timings).
`--quick` uses the first 25 contracts and skips the 1,000-page document.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.machine import cpu_times, load_average, steal_share

REPO = Path(__file__).resolve().parent.parent
EVAL_PDFS = REPO.parent / "shared" / "eval" / "cuad-dev" / "pdf"
PHASES = ("pdfium", "pdfplumber", "direct", "flow", "rerun", "flow-rerun", "big")
OCR_CACHES = {"direct", "rerun", "flow-rerun", "big"}
"""Phases given an OCR cache folder of this run's: each `direct` an empty one of its own,
`rerun` and `flow-rerun` the one the first `direct` filled (`flow` reads scanned pages
with no cache)."""
FILLED_CACHE = {"rerun", "flow-rerun"}


def _peak_rss_mb() -> float:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _pdfium(pdfs: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in pdfs:
        pdf = pdfium.PdfDocument(str(path))
        for index in range(len(pdf)):
            page = pdf[index]
            page.get_textpage().get_text_range()
            pages += 1
        pdf.close()
    return pages


def _pdfplumber(pdfs: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for path in pdfs:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                pages += 1
                page.close()
    return pages


def _direct(pdfs: list[Path], store: str) -> tuple[int, float]:
    """Pages, and seconds for the run alone: module imports are not counted, as in `_flow`
    (a long-running worker or watcher has them loaded; worker processes still start inside
    the run)."""
    from extractors.ocr import OcrOptions
    from flows.ingest import FileStatus, run_ingest

    cache = os.environ.get("CONTRACTS_OCR_CACHE")
    started = time.perf_counter()
    report = run_ingest(pdfs, store, ocr=OcrOptions(cache_dir=Path(cache) if cache else None))
    seconds = time.perf_counter() - started
    failed = [o.path for o in report.outcomes if o.status is FileStatus.failed]
    if failed:
        raise SystemExit(f"failed: {failed}")
    return report.pages, seconds


def _flow(pdfs: list[Path], store: str) -> tuple[int, float, float]:
    """Pages, seconds for the flow run alone, seconds to start the temporary server."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    started = time.perf_counter()
    from prefect.testing.utilities import prefect_test_harness

    from extractors.ocr import OcrOptions
    from flows.ingest import ingest

    cache = os.environ.get("CONTRACTS_OCR_CACHE")
    ocr = OcrOptions(cache_dir=Path(cache)) if cache else None
    with prefect_test_harness(server_startup_timeout=120):
        server_seconds = time.perf_counter() - started
        run_started = time.perf_counter()
        report = ingest(paths=[str(p) for p in pdfs], store=store, ocr=ocr)
        run_seconds = time.perf_counter() - run_started
    return report.pages, run_seconds, server_seconds


def _big_pdf(folder: Path, pages: int = 1000) -> Path:
    """A 1,000-page contract: the fixtures' pages repeated, written with reportlab."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    from extractors.pdf import read_contract_text

    fixtures = sorted((REPO / "fixtures" / "contracts").glob("*.pdf"))
    source = [read_contract_text(p) for p in fixtures]
    texts = [t.page_text(n) for t in source for n in range(1, t.page_count + 1)]
    path = folder / "thousand-pages.pdf"
    pdf = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    for number in range(pages):
        body = pdf.beginText(54, 740)
        body.setFont("Helvetica", 8)
        for line in texts[number % len(texts)].splitlines()[:80]:
            body.textLine(line[:130])
        pdf.drawText(body)
        pdf.showPage()
    pdf.save()
    return path


def run_phase(name: str, pdfs: list[Path]) -> dict[str, Any]:
    """Run one phase in this process and return its measurements."""
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "portfolio.db")
        started = time.perf_counter()
        extra: dict[str, Any] = {}
        if name == "pdfium":
            pages = _pdfium(pdfs)
        elif name == "pdfplumber":
            pages = _pdfplumber(pdfs)
        elif name in ("direct", "rerun"):
            pages, run_seconds = _direct(pdfs, store)
            started = time.perf_counter() - run_seconds
        elif name in ("flow", "flow-rerun"):
            pages, run_seconds, server_seconds = _flow(pdfs, store)
            extra = {"server_seconds": round(server_seconds, 2)}
            started = time.perf_counter() - run_seconds
        elif name == "big":
            big = _big_pdf(Path(tmp))
            pages, run_seconds = _direct([big], store)
            started = time.perf_counter() - run_seconds
            pdfs = [big]
        else:
            raise SystemExit(f"unknown phase {name!r}")
        seconds = time.perf_counter() - started
    return {"phase": name, "pages": pages, "documents": len(pdfs), "seconds": round(seconds, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1), **extra}


def _spawn(name: str, limit: int, cache: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.ingest", "--phase", name, "--limit", str(limit)]
    env = dict(os.environ)
    env.pop("CONTRACTS_OCR_CACHE", None)  # the user's own cache would make "from scratch" warm
    if name in OCR_CACHES:
        env["CONTRACTS_OCR_CACHE"] = str(cache)
    load = load_average().split()[0]
    before = cpu_times()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False,
                          env=env)
    steal = steal_share(before, cpu_times())
    if done.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{done.stderr[-3000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load_before": load,
            "steal": None if steal is None else round(steal, 3)}


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time (the lower middle one of an even count), with every time."""
    ordered = sorted(runs, key=lambda run: float(run["seconds"]))
    return {**ordered[(len(ordered) - 1) // 2], "all_seconds": [r["seconds"] for r in runs]}


def print_table(console: Console, results: dict[str, dict[str, Any]]) -> None:
    base_pdfium = results["pdfium"]["pages"] / results["pdfium"]["seconds"]
    base_plumber = results["pdfplumber"]["pages"] / results["pdfplumber"]["seconds"]
    table = Table(title="Ingest benchmark (this machine, this run)")
    for column in ("phase", "docs", "pages", "seconds", "pages/s", "docs/s", "peak RSS MB",
                   "x pdfplumber", "x pdfium", "load", "steal"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for name, row in results.items():
        rate = row["pages"] / row["seconds"]
        runs = row.get("all_seconds", [])
        label = f"{name} (median of {len(runs)})" if len(runs) > 1 else name
        steal = row.get("steal")
        table.add_row(label, str(row["documents"]), str(row["pages"]), f"{row['seconds']:.2f}",
                      f"{rate:.0f}", f"{row['documents'] / row['seconds']:.2f}",
                      f"{row['peak_rss_mb']:.0f}", f"{rate / base_plumber:.1f}",
                      f"{rate / base_pdfium:.2f}", str(row.get("load_before", "")),
                      "?" if steal is None else f"{steal:.0%}")
    console.print(table)
    for name in ("direct", "flow", "rerun", "flow-rerun"):
        if len(results.get(name, {}).get("all_seconds", [])) > 1:
            console.print(f"{name} runs, alternating: "
                          + ", ".join(f"{s:.1f} s" for s in results[name]["all_seconds"]))
    for flow, direct, when in (("flow", "direct", "from scratch"),
                               ("flow-rerun", "rerun", "OCR cache filled")):
        if flow in results and direct in results:
            overhead = results[flow]["seconds"] / results[direct]["seconds"] - 1
            console.print(f"Prefect flow vs direct call, {when} (medians): {overhead:+.1%} "
                          f"(temporary server start, not counted: "
                          f"{results[flow].get('server_seconds', 0):.1f} s)")
    console.print("steal: CPU time the virtual machine's host gave to other machines during "
                  "the phase; phases with more steal ran slower for reasons outside the code")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ingest throughput and memory benchmark.")
    parser.add_argument("--phase", choices=PHASES, help="run one phase here (used internally)")
    parser.add_argument("--limit", type=int, default=0, help="first N PDFs only")
    parser.add_argument("--quick", action="store_true", help="25 PDFs, no 1,000-page PDF")
    parser.add_argument("--rounds", type=int, default=3,
                        help="direct and flow runs (and their reruns), alternating; the "
                             "medians are compared")
    args = parser.parse_args(argv)
    limit = 25 if args.quick and not args.limit else args.limit
    pdfs = sorted(EVAL_PDFS.glob("*.pdf"))
    pdfs = pdfs[:limit] if limit else pdfs
    if args.phase:
        print(json.dumps(run_phase(args.phase, pdfs)))
        return 0
    console = Console(width=max(120, Console().width))  # the table is wide; never truncate it
    rounds = max(1, args.rounds)
    plan = ["pdfium", "pdfplumber", *(["direct", "flow"] * rounds),
            *(["rerun", "flow-rerun"] * rounds)]
    plan += [] if args.quick else ["big"]
    runs: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory() as caches:
        for name in plan:
            console.print(f"[dim]running {name} …[/]")
            done = len(runs.setdefault(name, []))
            cache = Path(caches) / ("direct-0" if name in FILLED_CACHE else f"{name}-{done}")
            runs[name].append(_spawn(name, limit, cache))
    results = {name: _median_run(found) for name, found in runs.items()}
    print_table(console, results)
    out = REPO / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
