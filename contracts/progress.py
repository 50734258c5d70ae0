"""A terminal progress bar for ingest runs (rich), silent when not wanted."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from flows.ingest import FileOutcome


class IngestProgress:
    """Counts files as their outcome arrives; a no-op when `enabled` is False."""

    def __init__(self, enabled: bool) -> None:
        self._progress: Progress | None = None
        self._task_id: TaskID | None = None
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("{task.fields[current]}"),
                console=Console(stderr=True), transient=True,
            )

    def __enter__(self) -> IngestProgress:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress:
            self._progress.stop()

    def start(self, total: int) -> None:
        if self._progress:
            self._task_id = self._progress.add_task("extract", total=total, current="")

    def advance(self, outcome: FileOutcome) -> None:
        if self._progress and self._task_id is not None:
            name = outcome.path.rsplit("/", 1)[-1]
            self._progress.update(self._task_id, advance=1, current=name[:50])
