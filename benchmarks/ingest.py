"""Ingest benchmark: time and peak memory to load every shared list into a fresh store.

Peak memory is the process's maximum resident set size (getrusage), which
includes the interpreter and the libraries, not only the data.

Run: .venv/bin/python benchmarks/ingest.py [LISTS_DIR]

For comparison, the same process first does the least any loader must do with
the same files: read them and run them through the csv module or lxml without
building entities. The ratio shows what parsing into the model and storing cost.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

from clearance.ingest import find_local_files, update
from clearance.sources.registry import DATASETS
from clearance.store.store import Store
from common import peak_rss_mb

DEFAULT_LISTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "lists"


def baseline(paths: list[Path]) -> int:
    """Read and tokenize every file without building entities; returns rows/elements seen."""
    seen = 0
    for path in paths:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = archive.read(archive.namelist()[0])
        if data.lstrip()[:1] == b"<":
            seen += sum(1 for _ in etree.fromstring(data, etree.XMLParser(recover=True)).iter())
        else:
            delimiter = "\t" if path.suffix == ".txt" else ","
            text = data.decode("utf-8", "replace")
            seen += sum(1 for _ in csv.reader(io.StringIO(text), delimiter=delimiter))
    return seen


def main() -> None:
    lists = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LISTS
    files = [
        p for d in DATASETS.values() if (found := find_local_files(d, lists)) for p in found[1]
    ]
    size = sum(p.stat().st_size for p in files)

    started = time.perf_counter()
    rows = baseline(files)
    baseline_seconds = time.perf_counter() - started

    timings: dict[str, float] = {}
    clock = {"last": 0.0}

    def progress(message: str) -> None:
        name = message.split(":", 1)[0]
        now = time.perf_counter()
        if message.endswith("reading"):
            clock["last"] = now
        else:
            timings[name] = now - clock["last"]

    with tempfile.TemporaryDirectory() as home:
        started = time.perf_counter()
        with Store.open(home) as store:
            outcomes = update(store, from_dir=lists, progress=progress)
        seconds = time.perf_counter() - started
    entities = sum(o.release.entity_count for o in outcomes if o.release)
    rss = peak_rss_mb()
    print(f"files: {len(files)} ({size / 1e6:.1f} MB) from {lists}")
    for o in outcomes:
        count = o.release.entity_count if o.release else 0
        took = timings.get(o.dataset, 0.0)
        print(f"  {o.dataset:18} {o.status:10} {count:>7,} entities  {took:6.2f} s")
    print(
        f"ingest (parse + validate + store + activate): {seconds:.2f} s, {entities:,} entities, "
        f"{entities / seconds:,.0f} entities/s"
    )
    print(f"peak RSS of the process (baseline included): {rss:.0f} MB")
    print(
        f"baseline (read + csv/lxml tokenize only): {baseline_seconds:.2f} s for {rows:,} rows/"
        f"elements; ingest is {seconds / baseline_seconds:.1f}x the baseline"
    )


if __name__ == "__main__":
    main()
