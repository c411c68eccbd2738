"""Batch benchmark: screen a generated book of N counterparties against every shared list.

Run: .venv/bin/python benchmarks/batch.py [--rows 1000000] [--workers N] [--sample 2000]

Target (the issue): 1,000,000 rows in at most 10 minutes and at most 4 GB of
memory on a 2-core machine.

The book is generated in a temporary folder (fixed seed): mostly Faker person
and company names from 24 locales (many scripts), with a country on most rows,
plus a small share (--listed-share, 2%) of names from the lists themselves,
varied the way books misspell them (a typo, upper case, "Surname, Given" turned
around, a dropped middle word). The store is loaded from ../shared/data/lists by
`clearance update --from` in a child process, so that its memory is not counted.

Then, in this process:
- the batch itself, as `clearance batch` runs it (`run_batch`, every core, CSV
  out): rows/s, total time, peak memory of this process and of each worker
  (VmHWM, sampled from /proc while they run), and the hit counts;
- for comparison, on a sample of the same rows: a naive loop calling
  `Screener.screen` row by row in this process, and the batch with one worker.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import common
from clearance import Screener
from clearance.batch.queries import countries_of
from clearance.batch.runner import BatchOptions, BatchResult, run_batch
from clearance.model import NameKind

SEED = 20261127
REPO = Path(__file__).resolve().parent.parent
DEFAULT_LISTS = Path(os.environ.get("CLEARANCE_SHARED_LISTS", REPO.parent / "shared/data/lists"))
HEADER = ("customer_id", "counterparty", "country", "segment")
COUNTRIES = ("US", "GB", "DE", "FR", "CN", "RU", "IR", "AE", "TR", "IN", "BR", "JP", "")
SEGMENTS = ("retail", "corporate", "supplier", "correspondent")


def listed_names(screener: Screener) -> list[tuple[str, str, str]]:
    """(primary or alias name, a country of the entity, its schema) of every listed party
    in Latin script."""
    names = []
    for entity in screener.entities():
        country = next((c.code.upper() for c in entity.countries if len(c.code) == 2), "")
        for name in entity.names:
            if name.kind in (NameKind.PRIMARY, NameKind.ALIAS) and name.script == "Latin":
                names.append((name.value, country, entity.schema))
    names.sort()
    return names


def vary(name: str, rng: random.Random) -> str:
    """A listed name as a book might hold it."""
    kind = rng.random()
    if kind < 0.3:
        return name
    if kind < 0.5:
        return name.upper() if rng.random() < 0.5 else name.title()
    if kind < 0.75:
        return common.typo_in_name(name, rng) or name
    if "," in name:  # "MADURO MOROS, Nicolas" -> "Nicolas MADURO MOROS"
        surname, _, given = name.partition(",")
        return f"{given.strip()} {surname.strip()}"
    words = name.split()
    if len(words) > 2:
        del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


def write_book(path: Path, rows: int, share: float, screener: Screener, typed: bool = False) -> int:
    """The book, streamed to disk; returns how many rows came from the lists. `typed`:
    with a type column (Person or Company for the Faker names, the listed party's
    schema for the listed ones), which makes each row's look-up pass over parties of
    other kinds; the rows are the same either way."""
    rng = random.Random(SEED)
    listed = listed_names(screener)
    unlisted_count = rows - int(rows * share)
    print(f"generating {unlisted_count:,} Faker names …", flush=True)
    started = time.perf_counter()
    unlisted = common.unlisted_parties(unlisted_count, SEED, lambda _name: False)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    from_lists = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow((*HEADER, "type") if typed else HEADER)
        queue = iter(unlisted.items())
        for i in range(rows):
            party = next(queue, None) if rng.random() >= share else None
            if party is None:
                listed_name, country, kind = rng.choice(listed)
                name = vary(listed_name, rng)
                from_lists += 1
            else:
                name, kind = party
                country = rng.choice(COUNTRIES)
            cells = (f"C{i:08d}", name, country, rng.choice(SEGMENTS))
            writer.writerow((*cells, kind) if typed else cells)
    return from_lists


class MemorySampler:
    """Peak resident memory (VmHWM) of this process's children, read from /proc while they run."""

    def __init__(self, interval: float = 0.5) -> None:
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._interval = interval
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = str(os.getpid())
        while not self._stop.wait(self._interval):
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/stat") as handle:
                        parent = handle.read().rsplit(")", 1)[1].split()[1]
                    if parent != me:
                        continue
                    with open(f"/proc/{pid}/status") as handle:
                        for line in handle:
                            if line.startswith("VmHWM:"):
                                peak = int(line.split()[1]) / 1024
                                self.peaks[int(pid)] = max(self.peaks.get(int(pid), 0), peak)
                except (OSError, IndexError):
                    continue


def batch(
    book: Path, out: Path, home: Path, screener: Screener, workers: int
) -> tuple[BatchResult, float]:
    started = time.perf_counter()
    result = run_batch(BatchOptions(book, out, home=home, workers=workers), screener=screener)
    return result, time.perf_counter() - started


def naive_loop(book: Path, screener: Screener) -> tuple[int, float]:
    """Row by row in this process: what a user's own script would do."""
    with book.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    started = time.perf_counter()
    hits = 0
    for row in rows:
        hits += len(screener.screen(row["counterparty"], countries=countries_of(row["country"])))
    return len(rows), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--listed-share", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--sample", type=int, default=2_000, help="rows of the comparison")
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    args = parser.parse_args()

    fingerprint = common.source_fingerprint()
    print(
        f"batch benchmark, {date.today().isoformat()}: {args.rows:,} rows, {args.workers} workers"
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}; {common.code_version()}")
    with tempfile.TemporaryDirectory(prefix="clearance-batch-bench-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "clearance",
                "--home",
                str(home),
                "update",
                "--from",
                str(args.lists),
            ],
            check=True,
            capture_output=True,
        )
        screener = Screener.open(home)
        print(
            f"store: {len(screener.index.entities):,} entities from {args.lists} "
            f"({time.perf_counter() - started:.1f} s in a child process, index included)"
        )
        book = folder / "book.csv"
        from_lists = write_book(book, args.rows, args.listed_share, screener)
        print(
            f"book: {args.rows:,} rows ({from_lists:,} from the lists), "
            f"{book.stat().st_size / 2**20:,.0f} MiB"
        )

        before = os.times()
        with MemorySampler() as sampler:
            result, seconds = batch(book, folder / "hits.csv", home, screener, args.workers)
        after = os.times()
        own_cpu = after.user + after.system - before.user - before.system
        workers_cpu = (
            after.children_user
            + after.children_system
            - before.children_user
            - before.children_system
        )
        s = result.summary
        rate = s.rows / seconds
        workers_peak = sorted(sampler.peaks.values(), reverse=True)
        parent_peak = common.peak_rss_mb()
        print()
        print(
            f"batch, {args.workers} workers: {s.rows:,} rows in {seconds:,.1f} s "
            f"= {rate:,.0f} rows/s"
        )
        print(
            f"  {s.hits:,} hits ({(folder / 'hits.csv').stat().st_size / 2**20:,.0f} MiB), "
            f"{s.matches:,} matches in {s.rows_with_matches:,} rows, "
            f"{result.rows_with_hits:,} rows with hits"
        )
        print(
            f"  peak memory: this process {parent_peak:,.0f} MiB; workers "
            f"{', '.join(f'{p:,.0f}' for p in workers_peak) or 'none seen'} MiB; "
            f"sum {parent_peak + sum(workers_peak):,.0f} MiB"
        )
        million = 1_000_000 / rate
        print(f"  extrapolated to 1,000,000 rows: {million / 60:,.1f} min (target 10 min)")
        # The machine is shared: CPU time says what the same cores would do undisturbed.
        idle_rate = s.rows / max((workers_cpu + own_cpu) / args.workers, 1e-9)
        per_row = workers_cpu / s.rows * 1000
        print(
            f"  CPU time: workers {workers_cpu:,.1f} s ({per_row:.2f} ms a row), "
            f"this process {own_cpu:,.1f} s; on {args.workers} otherwise idle cores about "
            f"{idle_rate:,.0f} rows/s, 1,000,000 rows in {1_000_000 / idle_rate / 60:,.1f} min"
        )

        sample = folder / "sample.csv"
        with (
            book.open(encoding="utf-8", newline="") as source,
            sample.open("w", encoding="utf-8", newline="") as target,
        ):
            for i, line in enumerate(source):
                if i > args.sample:
                    break
                target.write(line)
        print()
        print(f"comparison on the first {args.sample:,} rows:")
        # the batch first: the naive loop would warm the matcher's caches for it
        one, one_seconds = batch(sample, folder / "one.csv", home, screener, 1)
        print(f"  batch, 1 worker (in this process): {one.summary.rows / one_seconds:,.0f} rows/s")
        count, loop_seconds = naive_loop(sample, screener)
        print(f"  naive loop, screen() row by row: {count / loop_seconds:,.0f} rows/s (warm)")
        many, many_seconds = batch(sample, folder / "many.csv", home, screener, args.workers)
        print(
            f"  batch, {args.workers} workers: {many.summary.rows / many_seconds:,.0f} rows/s "
            f"(start-up included); same output as 1 worker: "
            f"{(folder / 'one.csv').read_bytes() == (folder / 'many.csv').read_bytes()}"
        )
        print(
            "  speed-up of the full batch over the naive loop: "
            f"{rate / (count / loop_seconds):.2f}x"
        )
    common.check_unchanged(fingerprint)


if __name__ == "__main__":
    main()
