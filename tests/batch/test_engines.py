"""The same book gives the same output file in one process, in worker processes, on Dask."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from clearance import Screener
from clearance.batch import dask_engine
from clearance.batch.runner import BatchOptions, run_batch
from tests.batch.conftest import Party, book_rows, write_csv
from tests.cli.test_commands import run

COPIES = 4  # the parties repeated, so that the book spans many chunks


@pytest.fixture
def book(tmp_path: Path, parties: list[Party]) -> Path:
    rows = [[f"{row[0]}-{copy}", *row[1:]] for copy in range(COPIES) for row in book_rows(parties)]
    rows[17][2] = "Narnia"  # a bad row: skipped the same way everywhere
    return write_csv(tmp_path / "book.csv", rows)


def local_output(
    tmp_path: Path, book: Path, home: Path, screener: Screener, suffix: str = ".csv"
) -> Path:
    out = tmp_path / f"one-process{suffix}"
    options = BatchOptions(book, out, home=home, workers=1, all_rows=True, on_error="skip")
    result = run_batch(options, screener=screener)
    assert result.summary.errors == 1 and result.summary.matches > 0
    return out


def test_two_worker_processes_write_what_one_process_writes(
    tmp_path: Path, book: Path, batch_home: Path, batch_screener: Screener
) -> None:
    expected = local_output(tmp_path, book, batch_home, batch_screener)
    out = tmp_path / "two-workers.csv"
    result = run(
        batch_home,
        *("batch", str(book), "--out", str(out), "--workers", "2", "--chunk-size", "7"),
        *("--all", "--on-error", "skip"),
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == expected.read_bytes()
    assert (tmp_path / "two-workers.errors.csv").read_bytes() == (
        tmp_path / "one-process.errors.csv"
    ).read_bytes()


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_dask_cluster_writes_what_the_local_run_writes(
    tmp_path: Path,
    book: Path,
    batch_home: Path,
    batch_screener: Screener,
    cluster: LocalCluster,
) -> None:
    expected = local_output(tmp_path, book, batch_home, batch_screener, ".parquet")
    out = tmp_path / "dask.parquet"
    options = BatchOptions(
        book,
        out,
        home=batch_home,
        all_rows=True,
        on_error="skip",
        engine="dask",
        scheduler=cluster.scheduler_address,
        chunk_size=9,
    )
    result = run_batch(options, screener=batch_screener)
    assert out.read_bytes() == expected.read_bytes()
    assert result.summary.errors == 1

    # the index went to each worker once and was loaded once per worker process
    with Client(cluster) as client:
        loaded = client.run(lambda: len(dask_engine._loaded))
    assert sorted(loaded.values()) == [1, 1], loaded


def test_dask_local_cluster_from_the_command_line(
    tmp_path: Path, book: Path, batch_home: Path, batch_screener: Screener
) -> None:
    expected = local_output(tmp_path, book, batch_home, batch_screener)
    out = tmp_path / "dask.csv"
    result = run(
        batch_home,
        *("batch", str(book), "--out", str(out), "--engine", "dask", "--workers", "2"),
        *("--chunk-size", "10", "--all", "--on-error", "skip"),
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == expected.read_bytes()
