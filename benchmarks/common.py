"""Shared helpers of the speed benchmarks: one core, clocks, memory, percentiles, queries.

The issue's speed targets are per process on one core, so each benchmark pins
itself to a single CPU and runs with native thread pools limited to one thread.
"""

from __future__ import annotations

import hashlib
import os
import platform
import random
import resource
import string
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: native thread pools (OpenMP, BLAS, Rayon…) forced to one thread
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "RAYON_NUM_THREADS",
)

#: Faker locales for names that are not on the lists: many scripts and naming customs
UNLISTED_LOCALES = (
    "en_US",
    "en_GB",
    "en_IN",
    "de_DE",
    "fr_FR",
    "es_ES",
    "es_MX",
    "it_IT",
    "pt_BR",
    "nl_NL",
    "pl_PL",
    "tr_TR",
    "ru_RU",
    "uk_UA",
    "ar_AA",
    "fa_IR",
    "zh_CN",
    "ja_JP",
    "ko_KR",
    "vi_VN",
    "id_ID",
    "el_GR",
    "he_IL",
    "hi_IN",
)


def single_threaded() -> None:
    """Make sure the thread variables were set before any library was imported.

    They are read when a library loads, so if one is missing the process starts
    itself again with all of them set to 1 (once; children inherit them).
    """
    if all(os.environ.get(v) == "1" for v in THREAD_VARIABLES):
        return
    for variable in THREAD_VARIABLES:
        os.environ[variable] = "1"
    os.execv(sys.executable, [sys.executable, *sys.argv])


def pin_to_one_core() -> int:
    """Run this process (and its threads) on one CPU only, the idlest one over half a
    second (the machine is shared); returns that CPU's number."""
    cpus = sorted(os.sched_getaffinity(0))
    before = _cpu_busy()
    time.sleep(0.5)
    after = _cpu_busy()
    cpu = min(cpus, key=lambda c: (after.get(c, 0) - before.get(c, 0), -c))
    os.sched_setaffinity(0, {cpu})
    return cpu


def _cpu_busy() -> dict[int, int]:
    """Busy jiffies per CPU from /proc/stat (everything but idle and iowait)."""
    busy = {}
    try:
        with open("/proc/stat") as handle:
            for line in handle:
                name, *fields = line.split()
                if name.startswith("cpu") and name[3:].isdigit():
                    values = [int(f) for f in fields]
                    busy[int(name[3:])] = sum(values) - values[3] - values[4]
    except OSError:
        pass
    return busy


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MiB.

    /proc/self/status VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss
    over from the parent through fork and exec, so a child started by a big
    process would report the parent's peak as its own.
    """
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def describe_machine(core: int | None) -> str:
    """One line that says where and under what load the figures were taken."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = ", ".join(
        f"{package} {metadata.version(package)}" for package in ("rapidfuzz", "rigour", "faker")
    )
    return (
        f"{model}, {os.cpu_count()} CPUs, "
        + ("not pinned" if core is None else f"pinned to CPU {core}")
        + f"; load average {load}; "
        f"Python {platform.python_version()}; {versions}; {code_version()}"
    )


def code_version() -> str:
    """The commit measured, and whether src/ had uncommitted changes (it often does)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(
            ["git", "-C", root, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", root, "status", "--porcelain", "--", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "code: unknown commit"
    import clearance

    changed = len(dirty.splitlines())
    edits = f" + {changed} changed file(s) in src/" if changed else ""
    where = Path(clearance.__file__).resolve().parent
    return f"code: commit {head}{edits}; clearance from {where}, fingerprint {source_fingerprint()}"


def source_fingerprint() -> str:
    """A digest of the clearance package measured (wherever it is imported from):
    compared at the end of a run, it tells whether someone edited it meanwhile, so
    that the child processes may have run other code than this one."""
    import clearance

    package = Path(clearance.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def check_unchanged(fingerprint: str) -> None:
    """Say so if the clearance package changed since `fingerprint` was taken."""
    now = source_fingerprint()
    if now != fingerprint:
        print(
            f"WARNING: the clearance sources changed during the run (fingerprint "
            f"{fingerprint} -> {now}): child processes may have run other code; run again, "
            "or on a copy: cp -r src /tmp/src-copy && PYTHONPATH=/tmp/src-copy …"
        )


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of an ascending sequence (share in 0..1)."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """Throughput and latency of one method over one query set (seconds per query in)."""

    count: int
    total: float
    p50: float
    p95: float
    p99: float
    worst: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        ordered = sorted(seconds)
        return cls(
            count=len(ordered),
            total=sum(ordered),
            p50=percentile(ordered, 0.50),
            p95=percentile(ordered, 0.95),
            p99=percentile(ordered, 0.99),
            worst=ordered[-1] if ordered else float("nan"),
        )

    @property
    def per_second(self) -> float:
        return self.count / self.total if self.total else float("nan")


def timed(function: Callable[[T], R], items: Iterable[T]) -> tuple[list[R], list[float]]:
    """Call `function` on each item; the results and each call's wall time in seconds."""
    results: list[R] = []
    seconds: list[float] = []
    clock = time.perf_counter
    for item in items:
        started = clock()
        result = function(item)
        seconds.append(clock() - started)
        results.append(result)
    return results, seconds


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip in a word: a letter inserted, dropped, replaced or swapped."""
    if len(word) < 2:
        return word
    i = rng.randrange(len(word) - 1)
    kind = rng.choice(("insert", "delete", "substitute", "transpose"))
    letters = string.ascii_uppercase if word.isupper() else string.ascii_lowercase
    if kind == "insert":
        return word[:i] + rng.choice(letters) + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        replacement = rng.choice([c for c in letters if c != word[i].lower()])
        return word[:i] + replacement + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # no change on a double letter


def typo_in_name(name: str, rng: random.Random, min_length: int = 5) -> str | None:
    """The name with one typo in one of its longer words, or None if it has none."""
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= min_length]
    if not long_words:
        return None
    i = rng.choice(long_words)
    for _attempt in range(5):
        changed = typo(words[i], rng)
        if changed != words[i]:
            return " ".join([*words[:i], changed, *words[i + 1 :]])
    return None


def unlisted_names(count: int, seed: int, taken: Callable[[str], bool]) -> list[str]:
    """`count` distinct Faker person and company names across many locales.

    Half persons, half companies; `taken(name)` rejects a name (e.g. one on the
    lists, or one already used as a listed query).
    """
    return list(unlisted_parties(count, seed, taken))


def unlisted_parties(count: int, seed: int, taken: Callable[[str], bool]) -> dict[str, str]:
    """`unlisted_names`, each with its kind ("Person" or "Company"), in the same order:
    a book with a type column (benchmarks/monitor.py --typed)."""
    from faker import Faker

    fakers = []
    for i, locale in enumerate(UNLISTED_LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + i)
        fakers.append(fake)
    rng = random.Random(seed)
    names: dict[str, str] = {}
    while len(names) < count:
        fake = rng.choice(fakers)
        person = rng.random() < 0.5
        name = " ".join((fake.name() if person else fake.company()).split())
        if name and name not in names and not taken(name):
            names[name] = "Person" if person else "Company"
    return names


#: the index's tables whose sizes say how big it is (whichever the index has)
INDEX_TABLES = ("entities", "names", "tokens", "fuzzy", "skeletons", "joined", "identifiers")


def index_shape(index: object) -> str:
    """ "64,525 names, 27,484 tokens, …": the sizes of the index's main tables."""
    sizes = []
    for table in INDEX_TABLES:
        value = getattr(index, table, None)
        if value is not None and hasattr(value, "__len__"):
            sizes.append(f"{len(value):,} {table}")
    return ", ".join(sizes)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain text table, numbers right-aligned, that pastes into Markdown as is."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(_is_number(row[i]) for row in cells[1:]) and len(cells) > 1 for i in range(len(headers))
    ]

    def line(row: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(row)
        ]
        return "| " + " | ".join(parts) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if numeric[i] else "-" * (w + 2) for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_number(text: str) -> bool:
    stripped = text.replace(",", "").replace("%", "").replace("x", "").strip()
    if stripped in ("", "-", "nan"):
        return True
    try:
        float(stripped)
    except ValueError:
        return False
    return True
