"""Monitoring benchmark: an incremental run after a list change against a full re-screen.

Run: .venv/bin/python benchmarks/monitor.py [--rows 100000] [--change-share 0.01]
     [--mixed] [--amend] [--typed] [--repeat 2] [--lists-only] [--workers 1]

Target (the issue): after a list change touching 1% of entities, the
incremental run at least 10× faster than a full re-screen, with the same hits.

Steps, on one core (common.pin_to_one_core; with --workers N > 1, on every core,
each run screening its rows in N worker processes as `clearance monitor run
--workers N` does), in a temporary folder:
1. a store of every shared list (`clearance update --from`, in a child process);
2. a portfolio of --rows rows, made by benchmarks/batch.py's book generator:
   Faker names from 24 locales plus 2% listed names, varied as books hold them
   (with --typed, a type column too: Person or Company, or the listed party's
   schema, so each row's look-up passes over parties of other kinds);
3. the first run (full);
4. a list change: a copy of OFAC's SDN CSV files in which --change-share of all
   listed entities (1%) have one letter of their name altered, loaded with
   `ingest.load` as a new release (with --mixed, also entities removed and added;
   with --amend, those entities get a sentence added to their remarks instead,
   their names untouched, as most amendments leave them);
5. in this process, each from cold caches, a freshly opened screener and with
   what the process already holds kept out of the garbage collector's passes
   (`fresh_heap`, as in a process of its own): a full re-screen of the
   portfolio (recorded, in a copy of the home) and the incremental run
   (recorded), each as `clearance monitor run` runs it (returning the changes,
   recording every hit), --repeat times, alternately, from the same state; their
   times, the ratio of the least times (this host's speed drifts by up to a
   fifth between identical runs) and of the medians, and an assertion that both
   record the same hits every time;
6. the same comparison for a change of the book alone (--change-share of the
   rows edited, lists unchanged), unless --lists-only (at a million rows it adds
   most of an hour).
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

import common
from batch import write_book
from clearance import Screener
from clearance.index import build as index_build
from clearance.ingest import load
from clearance.matching import tokens
from clearance.monitor.portfolio import get_portfolio, save_portfolio
from clearance.monitor.run import RunHit, RunResult, run_hits, run_portfolio
from clearance.names import normalize
from clearance.store.store import Store

SEED = 20261127
REPO = Path(__file__).resolve().parent.parent
DEFAULT_LISTS = Path(os.environ.get("CLEARANCE_SHARED_LISTS", REPO.parent / "shared/data/lists"))
SDN_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
#: entries shorter than this (bytes) have remarks far enough from OFAC's cap to be amended
AMENDABLE = 900
#: the name field of an SDN.CSV line: ent_num,"NAME",…
SDN_LINE = re.compile(rb'^(\d+),"((?:[^"]|"")*)"')


def cold(home: Path) -> Screener:
    """A screener opened afresh with the matcher's process-wide caches emptied, so that
    neither run profits from the other's work."""
    for function in (normalize.normalize_name, tokens.token_similarity, index_build.deletions):
        function.cache_clear()
    gc.collect()
    return Screener.open(home)


@contextmanager
def fresh_heap() -> Iterator[None]:
    """Time a run as `clearance monitor run` runs it, in a process of its own: what this
    process already holds (the stores, the earlier runs' results, a million hits at
    100,000 rows) is kept out of the garbage collector's passes, which would
    otherwise walk it again and again during the timed run, unlike in a fresh
    process."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def altered(name: bytes, rng: random.Random) -> bytes:
    """One letter of the name's longest word replaced: the name as respelt by the publisher."""
    words = name.split(b" ")
    i = max(range(len(words)), key=lambda w: sum(c.isalpha() for c in words[w].decode("latin-1")))
    word = bytearray(words[i])
    letters = [j for j, c in enumerate(word) if chr(c).isalpha()]
    if len(letters) < 2:
        return name + b" Q"
    j = letters[len(letters) // 2]
    word[j] = ord("Q") if word[j] not in b"Qq" else ord("Z")
    words[i] = bytes(word)
    return b" ".join(words)


def amended(line: bytes) -> bytes:
    """The entry with a sentence added to its remarks (the last field), names untouched:
    the usual amendment, as when OFAC adds an identifier or a programme note."""
    if line.endswith(b"-0- "):
        return line[: -len(b"-0- ")] + b'"Amended."'
    remarks = next(csv.reader([line.decode("latin-1")]))[-1]
    field = ('"' + remarks.replace('"', '""') + '"').encode("latin-1")
    assert line.endswith(field), line
    # a segment of its own in front (remarks are ";"-separated segments, aliases among them)
    return line[: -len(field)] + b'"Amended; ' + field[1:]


def edited_sdn(
    source: Path, target: Path, count: int, mixed: bool, amend: bool = False
) -> tuple[int, int, int]:
    """A copy of the SDN CSV files with `count` names altered, or with `amend` their remarks
    (and, if `mixed`, a tenth as many entries removed and added); returns (altered or
    amended, removed, added)."""
    target.mkdir()
    lines = (source / "sdn.csv").read_bytes().split(b"\r\n")
    rng = random.Random(SEED)
    entries = [i for i, line in enumerate(lines) if SDN_LINE.match(line)]
    if amend:  # remarks near OFAC's 1,000-character cap continue in the comments file
        entries = [i for i in entries if len(lines[i]) < AMENDABLE]
    chosen = rng.sample(entries, min(count, len(entries)))
    extra = count // 10 if mixed else 0
    renamed, removed, added = chosen[extra:], set(chosen[:extra]), []
    for i in renamed:
        match = SDN_LINE.match(lines[i])
        assert match is not None
        if amend:
            lines[i] = amended(lines[i])
        else:
            respelt = altered(match[2], rng)
            lines[i] = lines[i][: match.start(2)] + respelt + lines[i][match.end(2) :]
    for n, i in enumerate(sorted(removed)):
        match = SDN_LINE.match(lines[i])
        assert match is not None
        new_id = str(990_000 + n).encode()
        body = altered(match[2], rng) + b" KELLIWAX"
        added.append(new_id + b',"' + body + b'"' + lines[i][match.end(2) + 1 :])
    gone = {match[1] for i in removed if (match := SDN_LINE.match(lines[i]))}
    for name in SDN_FILES[1:]:  # addresses, aliases and remarks of removed entries go too
        rows = (source / name).read_bytes().split(b"\r\n")
        (target / name).write_bytes(
            b"\r\n".join(r for r in rows if r.split(b",", 1)[0] not in gone)
        )
    kept = [line for i, line in enumerate(lines) if i not in removed]
    end = next(i for i in range(len(kept) - 1, -1, -1) if SDN_LINE.match(kept[i])) + 1
    (target / "sdn.csv").write_bytes(b"\r\n".join(kept[:end] + added + kept[end:]))
    return len(renamed), len(removed), len(added)


def edited_book(book: Path, target: Path, share: float) -> int:
    """The book with `share` of its rows renamed (a word added); returns how many."""
    rng = random.Random(SEED + 1)
    with book.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    chosen = rng.sample(range(1, len(rows)), max(1, int((len(rows) - 1) * share)))
    for i in chosen:
        rows[i][1] = f"{rows[i][1]} Holdings"
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return len(chosen)


def hit_set(hits: list[RunHit]) -> set[tuple[object, ...]]:
    """A recorded run's hits, gone ones included, as compared between runs."""
    return {
        (h.row_key, h.rank, h.entity_id, h.score, h.match, h.matched_name, h.explanation, h.status)
        if h.status != "gone"
        else (h.row_key, h.entity_id, h.score, "gone")
        for h in hits
    }


def copy_home(home: Path, target: Path) -> Path:
    """The home as it is, in `target`: its SQLite database by SQLite's backup (a
    consistent copy while the benchmark holds it open), its index files and what
    monitoring keeps beside the store (the book's sound keys)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(home / "indexes", target / "indexes")
    if (home / "monitor").is_dir():
        shutil.copytree(home / "monitor", target / "monitor")
    database = "clearance.sqlite"
    with (
        closing(sqlite3.connect(home / database)) as source,
        closing(sqlite3.connect(target / database)) as copy,
    ):
        source.backup(copy)
    return target


def timed_run(
    home: Path, store: Store, name: str, full: bool, workers: int
) -> tuple[RunResult, float, set[tuple[object, ...]]]:
    """One monitoring run of the portfolio in `home`, run and recorded as `clearance
    monitor run` runs it (returning its changes, recording every hit), from cold
    caches and a fresh heap; its result, seconds, and the hits it recorded."""
    screener = cold(home)
    portfolio = get_portfolio(store, name)
    with fresh_heap():
        started = time.perf_counter()
        result = run_portfolio(
            store, screener, portfolio, full=full, every_hit=False, workers=workers
        )
        seconds = time.perf_counter() - started
    return result, seconds, hit_set(run_hits(store, result.record.id))


def compare(
    label: str, home: Path, store: Store, name: str, repeat: int, workers: int = 1
) -> float:
    """Time a full re-screen and the incremental run; check they agree; return the ratio.

    Both are whole monitoring runs from the same state: the full one in a copy of the
    home, the incremental one in another copy but for the last, which runs in the
    home itself (the next comparison follows it). This host's speed drifts by up to
    a fifth between identical runs, so each is timed `repeat` times, alternately:
    every time is printed, and the ratio is that of the least times (and of the
    medians, beside it)."""
    full_times: list[float] = []
    incremental_times: list[float] = []
    for attempt in range(repeat):
        twin = copy_home(home, home.parent / "home-full")
        with Store.open(twin) as twin_store:
            full, seconds, full_hits = timed_run(twin, twin_store, name, True, workers)
        full_times.append(seconds)
        if attempt == repeat - 1:
            incremental, seconds, hits = timed_run(home, store, name, False, workers)
        else:
            again = copy_home(home, home.parent / "home-again")
            with Store.open(again) as again_store:
                incremental, seconds, hits = timed_run(again, again_store, name, False, workers)
        incremental_times.append(seconds)
        assert hits == full_hits, "the incremental run differs from a full one"
    record = incremental.record
    ratio = min(full_times) / min(incremental_times)
    median_ratio = statistics.median(full_times) / statistics.median(incremental_times)

    def shown(times: list[float]) -> str:
        return f"{min(times):8.1f} s (runs: {', '.join(f'{t:.1f}' for t in times)} s)"

    print(f"\n{label}")
    print(f"  why: {record.reason}")
    print(f"  full re-screen:  {shown(full_times)}, {full.record.rows:,} rows screened")
    print(
        f"  incremental run: {shown(incremental_times)}, {record.rows_full:,} rows screened "
        f"in full, {record.rows_incremental:,} only checked against the change"
    )
    print(
        f"  ratio {ratio:.1f}× of the least times, {median_ratio:.1f}× of the medians "
        f"(target ≥ 10×: {'met' if ratio >= 10 else 'NOT met'}); "
        f"{record.hits:,} hits, {record.matches:,} matches; {record.new_hits:,} new, "
        f"{record.changed_hits:,} changed, {record.gone_hits:,} gone"
    )
    print("  same hits as the full re-screen (scores, matches, statuses), every time: yes")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--listed-share", type=float, default=0.02)
    parser.add_argument("--change-share", type=float, default=0.01)
    parser.add_argument("--mixed", action="store_true", help="also remove and add entities")
    parser.add_argument(
        "--amend",
        action="store_true",
        help="amend the chosen entities' remarks instead of altering a name",
    )
    parser.add_argument(
        "--typed", action="store_true", help="give the book a type column (Person, Company …)"
    )
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument(
        "--repeat", type=int, default=2, help="times each run is timed (the least counts)"
    )
    parser.add_argument(
        "--lists-only",
        action="store_true",
        help="stop after the list change's comparison (no book change)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes each run screens its rows in (more than 1: every core is used)",
    )
    args = parser.parse_args()

    common.single_threaded()
    core = common.pin_to_one_core() if args.workers == 1 else None
    fingerprint = common.source_fingerprint()
    print(
        f"monitor benchmark, {date.today().isoformat()}: {args.rows:,} rows"
        + (" with a type column" if args.typed else "")
        + (f", each run screening in {args.workers} worker processes" if args.workers > 1 else "")
    )
    print(common.describe_machine(core))
    with tempfile.TemporaryDirectory(prefix="clearance-monitor-bench-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        started = time.perf_counter()
        command = [sys.executable, "-m", "clearance", "--home", str(home)]
        subprocess.run(
            [*command, "update", "--from", str(args.lists)], check=True, capture_output=True
        )
        screener = Screener.open(home)
        entities = len(screener.index.entities)
        print(f"store: {entities:,} entities ({time.perf_counter() - started:.1f} s)")
        book = folder / "book.csv"
        from_lists = write_book(book, args.rows, args.listed_share, screener, args.typed)
        with Store.open(home) as store:
            save_portfolio(store, "book", book)
            started = time.perf_counter()
            first = run_portfolio(
                store, screener, get_portfolio(store, "book"), workers=args.workers
            )
            print(
                f"first run (full): {args.rows:,} rows ({from_lists:,} from the lists) in "
                f"{time.perf_counter() - started:.1f} s; {first.record.hits:,} hits, "
                f"{first.record.matches:,} matches"
            )
            del screener

            count = round(entities * args.change_share)
            renamed, removed, added = edited_sdn(
                args.lists / "ofac-sdn", folder / "sdn", count, args.mixed, args.amend
            )
            outcome = load(store, "us_ofac_sdn", [folder / "sdn" / n for n in SDN_FILES])
            assert outcome.status == "activated", outcome.message
            print(
                f"list change: us_ofac_sdn with {renamed:,} "
                f"{'entries amended (remarks)' if args.amend else 'names altered'}, "
                f"{removed:,} entries removed, {added:,} added "
                f"({count / entities:.1%} of {entities:,} entities)"
            )
            compare("after the list change", home, store, "book", args.repeat, args.workers)

            if not args.lists_only:
                changed = edited_book(book, folder / "book2.csv", args.change_share)
                save_portfolio(store, "book", folder / "book2.csv")
                print(f"\nbook change: {changed:,} rows renamed, lists unchanged")
                compare("after the book change", home, store, "book", args.repeat, args.workers)
    print(f"\npeak memory {common.peak_rss_mb():,.0f} MiB")
    common.check_unchanged(fingerprint)


if __name__ == "__main__":
    main()
