"""Options every `contracts` command spells the same way, declared once.

Each command module imports these instead of re-declaring them, so `--home` and `--store`
read and document alike everywhere (and change in one place).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

HomeOption = Annotated[
    Path | None, typer.Option("--home", envvar="CONTRACTS_HOME", help="data directory")
]
StoreOption = Annotated[
    str | None, typer.Option("--store", help="portfolio file or URL (default: HOME/portfolio.db)")
]
