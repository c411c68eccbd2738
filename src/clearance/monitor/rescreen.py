"""Screening the rows a monitoring run must screen: in this process, or in worker processes.

A run first decides, for a window of rows, which ones its scope lets keep their
hits (cheap, in this process); the rest are screened once per distinct query
(books repeat parties), either here or by `workers` processes that each load
the snapshot's index file once, as `clearance batch` does. The answers are the
same either way: every process screens against the same index file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

from clearance.batch import worker
from clearance.batch.engines import snapshot_index_file, worker_pool
from clearance.batch.queries import RawQuery, schema_of, screen_row_with_bar
from clearance.monitor.scope import Screened
from clearance.names import normalize_name
from clearance.screening import Hit, Screener

#: a row's hits and what its screening leaves for the next run, or why it was not screened
RowOutcome = tuple[tuple[Hit, ...], Screened] | str
#: distinct queries sent to a worker at a time
CHUNK = 250


def screen_for_run(screener: Screener, query: RawQuery, threshold: float, limit: int) -> RowOutcome:
    outcome = screen_row_with_bar(screener, query, threshold, limit)
    if isinstance(outcome, str):
        return outcome
    normalized = normalize_name(query.name.strip(), schema_of(query.schema))  # cached
    return outcome[0], Screened(outcome[1], normalized.script, normalized.tokens)


class RowScreening:
    """Screens lists of rows for one run; with `workers` > 1, a pool of processes that
    start on first use and stop when the run leaves the `with` block."""

    def __init__(
        self,
        screener: Screener,
        threshold: float,
        limit: int,
        *,
        workers: int = 1,
        home: Path,
    ) -> None:
        self.screener, self.threshold, self.limit = screener, threshold, limit
        self.workers, self.home = workers, home
        self._stack = ExitStack()
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> RowScreening:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._stack.close()

    def submit(
        self, queries: list[RawQuery], done: Callable[[int], None] = lambda _n: None
    ) -> Callable[[], list[RowOutcome]]:
        """Start screening `queries`; the call returned gives each one's outcome, in
        order, waiting for the workers where they are not done (`done(n)` is told as
        rows come back). Workers screen while this process goes on: a run checks its
        next rows meanwhile. In this process, the rows are screened here and now."""
        repeats = Counter(queries)
        distinct = list(repeats)
        answers: dict[RawQuery, RowOutcome] = {}
        if self.workers == 1 or len(distinct) <= CHUNK:
            for query in distinct:
                answers[query] = screen_for_run(self.screener, query, self.threshold, self.limit)
                done(repeats[query])
            here = [answers[q] for q in queries]
            return lambda: here
        pool = self._start()
        pending = [
            (chunk, pool.submit(screen_chunk, chunk, self.threshold, self.limit))
            for chunk in (distinct[i : i + CHUNK] for i in range(0, len(distinct), CHUNK))
        ]

        def outcomes() -> list[RowOutcome]:
            for chunk, future in pending:
                for query, outcome in zip(chunk, future.result(), strict=True):
                    answers[query] = outcome
                    done(repeats[query])
            pending.clear()
            return [answers[q] for q in queries]

        return outcomes

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            index_file = snapshot_index_file(self.screener, self.home, self._stack)
            self._pool = worker_pool(index_file, self.workers)
        return self._pool


def screen_chunk(queries: list[RawQuery], threshold: float, limit: int) -> list[RowOutcome]:
    """In a worker process: screen a chunk with the index `worker.init_process` loaded."""
    screener = worker.process_screener()
    return [screen_for_run(screener, q, threshold, limit) for q in queries]
