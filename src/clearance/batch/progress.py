"""Progress of a long batch: a Rich bar on a terminal, plain periodic lines in a log.

A million rows take minutes; the user (or the log of a scheduled job) should
see how far it got, how fast, and when it will end. Bars make no sense in a
log file, so when stderr is not a terminal a line is printed every few seconds.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class Reporter(Protocol):
    def advance(self, rows: int) -> None: ...

    def finish(self) -> None: ...


class RowRate(ProgressColumn):
    """Rows per second (Rich's speed columns speak of bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "… rows/s", style="progress.data.speed")


class RichReporter:
    def __init__(self, description: str, total: int | None, console: Console) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RowRate(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._task = self._progress.add_task(description, total=total)
        self._progress.start()

    def advance(self, rows: int) -> None:
        self._progress.advance(self._task, rows)
        task = self._progress.tasks[0]
        if task.total is not None and task.completed > task.total:  # the estimate was low
            self._progress.update(self._task, total=task.completed)

    def finish(self) -> None:
        task = self._progress.tasks[0]
        self._progress.update(self._task, total=task.completed)
        self._progress.stop()


class LineReporter:
    """`batch: 120,000 of ~1,000,000 rows (12%), 1,310 rows/s, about 11m 12s left`."""

    def __init__(
        self, description: str, total: int | None, stream: TextIO, interval: float = 10.0
    ) -> None:
        self._description = description
        self._total = total
        self._stream = stream
        self._interval = interval
        self._done = 0
        self._started = self._last = time.monotonic()

    def advance(self, rows: int) -> None:
        self._done += rows
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._print(now)

    def _print(self, now: float) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = self._done / elapsed
        line = f"{self._description}: {self._done:,}"
        if self._total and self._total >= self._done:
            line += f" of ~{self._total:,} rows ({100 * self._done / self._total:.0f}%)"
            line += f", {rate:,.0f} rows/s"
            if rate > 0:
                line += f", about {_duration((self._total - self._done) / rate)} left"
        else:
            line += f" rows, {rate:,.0f} rows/s"
        print(line, file=self._stream, flush=True)

    def finish(self) -> None:
        pass


class SilentReporter:
    def advance(self, rows: int) -> None:
        pass

    def finish(self) -> None:
        pass


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds}s"


def reporter(description: str, total: int | None, stream: TextIO | None = None) -> Reporter:
    """A Rich bar if `stream` (stderr by default) is a terminal, else periodic lines."""
    stream = stream or sys.stderr
    if stream.isatty():
        return RichReporter(description, total, Console(file=stream))
    return LineReporter(description, total, stream)
