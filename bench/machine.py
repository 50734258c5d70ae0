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


PROC_STAT = Path("/proc/stat")


def cpu_times() -> tuple[int, int] | None:
    """(steal, total) CPU time so far, in clock ticks, from /proc/stat; None off Linux.

    Steal is time the hypervisor gave this virtual machine's CPUs to other machines: a
    phase that ran while neighbours were busy is slower for reasons outside this code.
    """
    try:
        fields = PROC_STAT.read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields[:8]]
    return values[7] if len(values) > 7 else 0, sum(values)


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """Share of CPU time stolen between two `cpu_times()` readings (None if unknown)."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])
