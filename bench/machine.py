"""The machine state a benchmark ran in: on a shared machine, other work skews timings."""

from __future__ import annotations

from pathlib import Path

LOADAVG = Path("/proc/loadavg")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages ("0.52 0.61 0.70"), or "?" off Linux."""
    try:
        return " ".join(LOADAVG.read_text().split()[:3])
    except OSError:
        return "?"
