"""What runs in each worker process: the index loaded once, then chunks of rows screened.

Workers are started fresh (spawn), not forked from the command: a fork would copy
the parent's threads (the progress bar's, SQLite's) in an unknown state. Each one
loads the persisted index file of the very snapshot the parent opened, so every
worker screens against the same lists even if another snapshot is activated
during the run.
"""

from __future__ import annotations

import signal
from functools import lru_cache
from pathlib import Path

from clearance.batch.queries import RawQuery, screen_row
from clearance.index import load_index
from clearance.screening import Hit, Screener

Outcome = tuple[Hit, ...] | str  # the row's hits, or why it could not be screened

#: recent distinct queries remembered per worker (a few hundred MB at most)
CACHED_QUERIES = 20_000


class RowScreener:
    """Screens rows, remembering recent queries: books repeat parties (one supplier
    on every invoice line), and the same query always gets the same answer."""

    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        self.screen = lru_cache(maxsize=CACHED_QUERIES)(self._screen)

    def _screen(self, query: RawQuery, threshold: float, limit: int) -> Outcome:
        return screen_row(self.screener, query, threshold, limit)

    def chunk(self, queries: list[RawQuery], threshold: float, limit: int) -> list[Outcome]:
        return [self.screen(q, threshold, limit) for q in queries]


_rows: RowScreener | None = None


def load_screener(index_file: Path) -> RowScreener:
    index = load_index(index_file)
    if index is None:
        raise RuntimeError(f"{index_file}: not a readable index of this version")
    return RowScreener(Screener(index))


def init_process(index_file: str) -> None:
    """Process pool initializer: Ctrl-C is the parent's to handle; load the index once."""
    global _rows
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _rows = load_screener(Path(index_file))


def process_screener() -> Screener:
    """This worker process's screener (its index loaded by `init_process`)."""
    if _rows is None:
        raise RuntimeError("worker process started without its index")
    return _rows.screener


def screen_chunk(queries: list[RawQuery], threshold: float, limit: int) -> list[Outcome]:
    """Screen a chunk with this process's index (loaded by `init_process`)."""
    if _rows is None:
        raise RuntimeError("worker process started without its index")
    return _rows.chunk(queries, threshold, limit)
