"""Where chunks of rows are screened: in this process, or in a pool of worker processes.

The runner only submits chunks and takes results back in submission order, so
the output is the same whichever engine screened it (see also dask_engine.py).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Protocol

from clearance.batch.queries import RawQuery
from clearance.batch.worker import Outcome, RowScreener, init_process, screen_chunk
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


class ProcessEngine:
    """A pool of `workers` processes, each loading the snapshot's index file once."""

    def __init__(self, index_file: Path, workers: int, threshold: float, limit: int) -> None:
        self.in_flight = workers * 4
        self._threshold = threshold
        self._limit = limit
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=init_process,
            initargs=(str(index_file),),
        )

    def submit(self, queries: list[RawQuery]) -> Future[list[Outcome]]:
        return self._pool.submit(screen_chunk, queries, self._threshold, self._limit)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
