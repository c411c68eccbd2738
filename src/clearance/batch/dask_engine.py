"""Screen a batch on a Dask cluster: the index shipped once, chunks of rows as tasks.

The index file's bytes are scattered to every worker once (`broadcast=True`);
each task gets a reference to them, and each worker process unpickles them the
first time and keeps the screener, so the index is loaded once per worker, not
once per chunk. Workers need no access to the store or its files, so any
cluster will do: a LocalCluster by default, or one named by its scheduler address.
The runner submits chunks and reads results in order, exactly as with the local
engine, so both write the same output.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from clearance.batch.errors import BatchInputError
from clearance.batch.queries import RawQuery
from clearance.batch.worker import Outcome, RowScreener, load_screener

_loaded: dict[str, RowScreener] = {}
_lock = threading.Lock()


class DaskEngine:
    def __init__(
        self,
        index_file: Path,
        *,
        scheduler: str | None,
        workers: int,
        threshold: float,
        limit: int,
    ) -> None:
        from distributed import Client, LocalCluster

        self._threshold = threshold
        self._limit = limit
        self._cluster: LocalCluster | None = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout=20)  # type: ignore[no-untyped-call]
            except (OSError, ValueError, TypeError) as exc:  # TimeoutError is an OSError
                raise BatchInputError(
                    f"--scheduler {scheduler}: cannot reach a Dask scheduler ({exc})"
                ) from None
        else:
            self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._client = Client(self._cluster)  # type: ignore[no-untyped-call]
        try:
            data = index_file.read_bytes()
            self._key = hashlib.sha256(data).hexdigest()
            self._index = self._client.scatter(  # type: ignore[no-untyped-call]
                data, broadcast=True, hash=False
            )
            threads = sum(
                w.get("nthreads", 1) for w in self._client.scheduler_info()["workers"].values()
            )
            self.in_flight = max(2, 4 * threads)
            self._executor = self._client.get_executor(pure=False)  # type: ignore[no-untyped-call]
        except BaseException:
            self.close()
            raise

    def submit(self, queries: list[RawQuery]) -> Future[list[Outcome]]:
        future: Future[list[Outcome]] = self._executor.submit(
            screen_on_worker, self._index, self._key, queries, self._threshold, self._limit
        )
        return future

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]
        if self._cluster is not None:
            self._cluster.close()


def screen_on_worker(
    index_bytes: bytes, key: str, queries: list[RawQuery], threshold: float, limit: int
) -> list[Outcome]:
    """A Dask task: screen one chunk with this worker's copy of the index."""
    return _row_screener(index_bytes, key).chunk(queries, threshold, limit)


def _row_screener(index_bytes: bytes, key: str) -> RowScreener:
    with _lock:  # a worker with several threads loads the index once
        screener = _loaded.get(key)
        if screener is None:
            _loaded.clear()  # another run's index: free it
            screener = _loaded[key] = _from_bytes(index_bytes)
        return screener


def _from_bytes(data: Any) -> RowScreener:
    # Through a file, so that the index module's own loader checks the format version.
    fd, name = tempfile.mkstemp(suffix=".index")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return load_screener(Path(name))
    finally:
        os.unlink(name)
