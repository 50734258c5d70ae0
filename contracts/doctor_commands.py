"""`contracts doctor`: is this machine ready to read every kind of contract PDF?

Born-digital PDFs need nothing beyond the Python packages. Scanned ones need the OCR
stack, which lives outside the virtualenv (the `tesseract` program and its language
data come from the system's package manager), so a fresh machine silently lacks it
until a scanned contract comes back with "scanned pages not read". The doctor says
what is missing and the exact commands that install it, before that happens.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from contracts.options import HomeOption
from contracts.settings import Settings, load_settings

out = Console()


class Check(BaseModel):
    """One line of the report: what was checked, whether it is fine, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None
    required: bool = True


def register(app: typer.Typer) -> None:
    """Add `contracts doctor` to the CLI."""
    app.command(name="doctor")(doctor)


def doctor(
    home: HomeOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="the checks as JSON")] = False,
) -> None:
    """Check what reading contracts needs here (OCR for scans) and say how to install it."""
    settings = load_settings(home=home)
    checks = [check if not check.ok else check.model_copy(update={"fix": None})
              for check in (_python(), _sqlite(), *_ocr_checks(settings),
                                 _ocr_cache(settings))]
    if json_out:
        out.print_json(data=[check.model_dump() for check in checks])
    else:
        _print(checks)
    if any(check.required and not check.ok for check in checks):
        raise typer.Exit(code=1)


def _python() -> Check:
    version = platform.python_version()
    return Check(name="python", ok=sys.version_info[:2] == (3, 11), detail=version,
                 fix="use Python 3.11 (make builds .venv with it)")


def _sqlite() -> Check:
    """The SQLite the portfolio runs on: clause search needs its FTS5 module."""
    from portfolio.sqlite_driver import compile_options, library_description

    return Check(name="sqlite (portfolio store)", ok="ENABLE_FTS5" in compile_options(),
                 detail=library_description(),
                 fix="use a Python whose SQLite has FTS5 (python.org and Debian builds do)")


def _ocr_checks(settings: Settings) -> list[Check]:
    """The binding, the program, the language data, and whether OCR is switched on."""
    from extractors.ocr_engine import tesseract_status

    status = tesseract_status(settings.ocr_language)
    languages = [f"tesseract-ocr-{lang}" for lang in settings.ocr_language.split("+")]
    system_fix = _system_install(["tesseract-ocr", *languages])
    checks = [
        Check(name="pytesseract (Python binding)", ok=status.binding is not None,
              detail=status.binding or "not installed",
              fix=f"{Path(sys.executable).parent / 'pip'} install pytesseract"),
        Check(name="tesseract (OCR program)", ok=status.version is not None,
              detail=f"{status.version} at {status.program}" if status.version
              else "not found on PATH", fix=system_fix),
    ]
    if status.version is not None:
        missing = status.missing_languages
        checks.append(Check(
            name=f"OCR language data ({settings.ocr_language})", ok=not missing,
            detail=f"installed: {', '.join(status.languages) or 'none'}",
            fix=_system_install([f"tesseract-ocr-{lang}" for lang in missing]) if missing
            else None,
        ))
    checks.append(Check(
        name="OCR of scanned pages", ok=settings.ocr, required=False,
        detail=f"on: up to {settings.ocr_max_pages} pages and {settings.ocr_time_budget:g} s "
        "per document" if settings.ocr else "switched off (CONTRACTS_OCR=false)",
        fix=None if settings.ocr else "unset CONTRACTS_OCR or set it to true",
    ))
    return checks


def _ocr_cache(settings: Settings) -> Check:
    """The cache must be writable, or every re-ingest OCRs its scans again."""
    directory = settings.ocr_options().cache_dir or settings.home / "ocr-cache"
    existing = directory if directory.exists() else _nearest_existing(directory)
    writable = os.access(existing, os.W_OK)
    entries = sum(1 for _ in directory.glob("*/*.json")) if directory.exists() else 0
    return Check(name="OCR cache", ok=writable, required=False,
                 detail=f"{directory} ({entries} pages cached)" if writable
                 else f"{directory} is not writable: scans are OCR'd again on every ingest",
                 fix=None if writable else "set CONTRACTS_OCR_CACHE to a writable directory")


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _system_install(packages: list[str]) -> str:
    """The install command for this system's package manager."""
    names = " ".join(packages)
    if sys.platform == "darwin":
        return "brew install tesseract tesseract-lang"
    if Path("/usr/bin/apt-get").exists():
        return f"sudo apt-get install -y {names}"
    if Path("/usr/bin/dnf").exists():
        return f"sudo dnf install -y {names.replace('tesseract-ocr', 'tesseract')}"
    return f"install {names} with your system's package manager"


def _print(checks: list[Check]) -> None:
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail")
    for check in checks:
        status = "[green]ok[/]" if check.ok else ("[red]missing[/]" if check.required
                                                   else "[yellow]note[/]")
        table.add_row(check.name, status, check.detail)
    out.print(table)
    fixes = [check for check in checks if not check.ok and check.fix]
    if fixes:
        out.print("\n[bold]To fix:[/]")
        for check in fixes:
            out.print(f"  {check.name}: [cyan]{check.fix}[/]")
        if any(check.required for check in fixes):
            out.print("\nWithout these, scanned contracts are ingested with only the text "
                      "they carry, and their records say so.")
    else:
        out.print("\nReady: born-digital and scanned contracts can both be read.")
