"""Where chunks of rows are screened: in this process, or in a pool of worker processes.

The runner only submits chunks and takes results back in submission order, so
the output is the same whichever engine screened it (see also dask_engine.py).
"""

from __future__ import annotations

import multiprocessing
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Protocol

from clearance.batch.queries import RawQuery
from clearance.batch.worker import Outcome, RowScreener, init_process, screen_chunk
from clearance.index import index_path, save_index
from clearance.screening import Screener


class Engine(Protocol):
    #: chunks kept in flight: enough to keep every worker busy, few enough to bound memory
    in_flight: int

    def submit(self, queries: list[RawQuery]) -> Future[list[Outcome]]: ...

    def close(self) -> None:
        """Stop the workers, dropping chunks not started (after an error or Ctrl-C)."""
        ...


class InlineEngine:
    """One worker: screen in this process with the screener already open (no start-up cost)."""

    in_flight = 1

    def __init__(self, screener: Screener, threshold: float, limit: int) -> None:
        self._rows = RowScreener(screener)
        self._threshold = threshold
        self._limit = limit

    def submit(self, queries: list[RawQuery]) -> Future[list[Outcome]]:
        future: Future[list[Outcome]] = Future()
        future.set_result(self._rows.chunk(queries, self._threshold, self._limit))
        return future

    def close(self) -> None:
        pass


def worker_pool(index_file: Path, workers: int) -> ProcessPoolExecutor:
    """`workers` fresh (spawned) processes, each loading `index_file` once."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=init_process,
        initargs=(str(index_file),),
    )


def snapshot_index_file(screener: Screener, home: Path | None, stack: ExitStack) -> Path:
    """The persisted index of the screener's snapshot in `home`, for worker processes to
    load; one written aside (removed when `stack` closes) if there is none, as for a
    read-only store or a screener not opened from a store."""
    if home is not None and screener.snapshot.isdigit():
        path = index_path(home, int(screener.snapshot))
        if path.exists():
            return path
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clearance-")))
    path = folder / "snapshot.index"
    save_index(screener.index, path)
    return path


class ProcessEngine:
    """A pool of `workers` processes, each loading the snapshot's index file once."""

    def __init__(self, index_file: Path, workers: int, threshold: float, limit: int) -> None:
        self.in_flight = workers * 4
        self._threshold = threshold
        self._limit = limit
        self._pool = worker_pool(index_file, workers)

    def submit(self, queries: list[RawQuery]) -> Future[list[Outcome]]:
        return self._pool.submit(screen_chunk, queries, self._threshold, self._limit)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
