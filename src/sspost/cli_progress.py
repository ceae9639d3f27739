"""The bar on stderr while a long run reads and counts, only when a person is watching.

It shows from the run's first moment: each file as it starts, how much of it is read, about how
many rows that is and how fast, then a spinner while the rows are counted (the engine tells
nothing there). Rows are estimated from the lines in the first megabyte of a plain file; an
archive or a workbook shows its bytes instead.
"""

from __future__ import annotations

import atexit
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from sspost.catalogue import phrase
from sspost.records import COUNTING, DONE, READING
from sspost.render.words import Words
from sspost.shown import clean

_SAMPLE = 1 << 20
_NOT_LINES = (".zip", ".gz", ".xlsx", ".xlsm", ".xls", ".ods")


def bytes_per_row(path: Path) -> float | None:
    """The mean length of a line in the first megabyte of a plain file; None for a file whose
    bytes are not its lines (an archive, a workbook) or that holds no line break there."""
    if path.suffix.lower() in _NOT_LINES:
        return None
    try:
        with open(path, "rb") as handle:
            sample = handle.read(_SAMPLE)
    except OSError:
        return None
    lines = sample.count(b"\n")
    return len(sample) / lines if lines else None


class RowsColumn(ProgressColumn):
    """About how many rows are read, and how many a second (bytes where rows are unknown)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.words = Words(lang)
        self.lang = lang

    def render(self, task: Task) -> Text:
        per_row = task.fields.get("per_row")
        if task.total is None or not task.completed:
            return Text("")
        took = task.finished_time if task.finished else task.elapsed  # a read done stays so
        speed = task.completed / took if took else 0.0
        if per_row:
            rows, rate = task.completed / per_row, speed / per_row
            said = phrase(self.lang, "bar.rows", rows=self.words.number(rows),
                          rate=self.words.number(rate))
        else:
            said = phrase(self.lang, "bar.bytes", mb=self.words.number(task.completed / 1e6),
                          rate=self.words.number(speed / 1e6))
        return Text(said, style="progress.data.speed")


class ReadingBar:
    """Told each stage by records (ReadOptions.on_progress), draws it."""

    def __init__(self, files: list[Path], lang: str = "en",
                 console: Console | None = None) -> None:
        self.lang = lang
        self.sizes = {str(p): p.stat().st_size for p in files if p.is_file()}
        self.per_row = {str(p): bytes_per_row(p) for p in files if p.is_file()}
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
            TaskProgressColumn(), RowsColumn(lang), TimeElapsedColumn(),
            console=console or Console(stderr=True), transient=True)
        self.tasks: dict[str, object] = {}
        self.progress.start()
        atexit.register(self.stop)  # an error ends the run: the terminal is left clean

    def __call__(self, stage: str, path: str, fraction: float) -> None:
        if stage == READING:
            if not self.progress.live.is_started:  # a later read (last year's files)
                self.progress.start()
            task = self.tasks.get(path)
            size = self.sizes.get(path, 1)
            if task is None:
                task = self.tasks[path] = self.progress.add_task(
                    # A file's name as written, never markup, never an id in full.
                    clean(phrase(self.lang, "bar.reading", name=Path(path).name), 80),
                    total=size,
                    per_row=self.per_row.get(path))
            self.progress.update(task, completed=fraction * size)  # type: ignore[arg-type]
        elif stage == COUNTING:
            self.tasks[COUNTING] = self.progress.add_task(phrase(self.lang, "bar.counting"),
                                                          total=None)
        elif stage == DONE:
            self.stop()

    def stop(self) -> None:
        self.progress.stop()
