"""Screening speed over every shared list: the Screener against a naive rapidfuzz scan.

Run: .venv/bin/python benchmarks/screening_speed.py [--queries 2000] [--naive-queries 400]

What one run does, on one pinned CPU with native thread pools at one thread:
1. loads every shared list into a temporary store (in a child process, so that the
   ingest's memory does not count in this process's peak),
2. opens the Screener once cold (reads the snapshot, builds the index, persists it),
   then times a pure `build_index` over the snapshot's entities, and the load of
   the persisted index (`load_index`, then `Screener.open` as a user would),
3. generates a fixed-seed query set: half listed names with one light variation
   (a typo, words rotated, or case and punctuation changed), half Faker person and
   company names from 24 locales that are not on the lists,
4. times `Screener.screen(name)` per query, then the naive method on a prefix of
   the same queries: for each query, `rapidfuzz.process.extract` over the
   lower-case ASCII form of every listed name (fuzz.WRatio, then
   fuzz.token_sort_ratio), limit=10,
5. reports recall on the listed half for both methods, the alarm rate on the
   unlisted half, and a fresh serving process's load time and peak RSS.

Correct answer for a listed query: any entity that publishes the varied name
(same lower-case ASCII form), since the same party is often on several lists;
the strict figure (only the entity the name was taken from) is printed too.
Peak memory is the process's VmHWM (see common.py): interpreter and libraries included.
No tracemalloc here, it would slow every allocation.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz, process, utils
from rigour.text.translit import ascii_text

import common
from clearance.index import build_index, index_path, load_index
from clearance.ingest import update
from clearance.model import Entity, NameKind, detect_script
from clearance.screening import DEFAULT_THRESHOLD, Hit, Screener
from clearance.store.store import Store
from common import Latency, format_table, timed, typo_in_name, unlisted_names

DEFAULT_LISTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "lists"
SEED = 20261127
#: share of listed queries per variation
VARIATIONS = (("typo", 0.5), ("rotated", 0.3), ("case", 0.2))
#: naive score cutoffs (0..100) at which recall and alarm rate are reported
NAIVE_CUTOFFS = (80.0, 85.0, 90.0)
#: unlisted queries that matched, printed as examples
SHOWN_ALARMS = 15


def fold(text: str) -> str:
    """What the naive scan compares: lower-case ASCII words (rigour's transliteration)."""
    return str(utils.default_process(ascii_text(text)))


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # a variation of a listed name, or "unlisted"
    source: str = ""  # the listed name it was made from
    entity: str = ""  # the entity the name was taken from
    expected: frozenset[str] = frozenset()  # every entity publishing that name

    @property
    def listed(self) -> bool:
        return self.kind != "unlisted"


def _vary(name: str, kind: str, rng: random.Random) -> str | None:
    words = name.replace(",", " ").split()
    if kind == "typo":
        return typo_in_name(name, rng)
    if kind == "rotated":
        if len(words) < 2:
            return None
        cut = rng.randrange(1, len(words))
        return " ".join(words[cut:] + words[:cut])
    stripped = " ".join(w.strip(".,;-") for w in words if w.strip(".,;-"))
    return stripped.lower() if name.isupper() else stripped.upper()


def make_queries(entities: Sequence[Entity], count: int, seed: int) -> list[Query]:
    """Half listed names with one variation, half unlisted Faker names; fixed seed."""
    rng = random.Random(seed)
    publishers: dict[str, set[str]] = {}
    for entity in entities:
        for name in entity.names:
            publishers.setdefault(fold(name.value), set()).add(entity.id)
    kinds = [k for k, _ in VARIATIONS]
    weights = [w for _, w in VARIATIONS]
    listed: dict[str, Query] = {}
    order = list(range(len(entities)))
    rng.shuffle(order)
    for position in order:
        if len(listed) >= count // 2:
            break
        entity = entities[position]
        names = [
            n
            for n in entity.names
            if n.kind != NameKind.NATIVE and detect_script(n.value) == "Latin" and fold(n.value)
        ]
        if not names:
            continue
        chosen = rng.choice(names).value
        kind = rng.choices(kinds, weights)[0]
        text = _vary(chosen, kind, rng)
        if text is None and kind != "case":
            kind, text = "case", _vary(chosen, "case", rng)
        expected = frozenset(publishers[fold(chosen)])
        if not text or text in listed:
            continue
        clash = publishers.get(fold(text))
        if clash is not None and not clash & expected:
            continue  # the variation is another listed name: not a fair question
        listed[text] = Query(text, kind, chosen, entity.id, expected)
    taken = set(listed)
    unlisted = unlisted_names(
        count - len(listed), seed, lambda s: s in taken or fold(s) in publishers
    )
    queries = [*listed.values(), *(Query(text, "unlisted") for text in unlisted)]
    rng.shuffle(queries)
    return queries


def ingest(home: Path, lists: Path) -> None:
    """Child process: load every shared list into the store at `home`; print one JSON line."""
    started = time.perf_counter()
    with Store.open(home) as store:
        outcomes = update(store, from_dir=lists)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "datasets": {
                    o.dataset: o.release.entity_count for o in outcomes if o.release is not None
                },
            }
        )
    )


def serve_probe(home: Path, queries_file: Path) -> None:
    """Child process: what serving costs, from a persisted index: open, then screen."""
    core = common.pin_to_one_core()
    texts = json.loads(queries_file.read_text())
    imported = common.current_rss_mb()
    started = time.perf_counter()
    screener = Screener.open(home)
    opened = time.perf_counter() - started
    after_open = common.current_rss_mb()
    started = time.perf_counter()
    screener.screen(texts[0])
    first = time.perf_counter() - started
    _, seconds = timed(screener.screen, texts[1:])
    latency = Latency.of(seconds)
    print(
        json.dumps(
            {
                "core": core,
                "open": opened,
                "first": first,
                "qps": latency.per_second,
                "p50": latency.p50,
                "p99": latency.p99,
                "rss_imported": imported,
                "rss_open": after_open,
                "peak_rss": common.peak_rss_mb(),
            }
        )
    )


def _child(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _found(expected: frozenset[str], ids: Sequence[str]) -> bool:
    return not expected.isdisjoint(ids)


def _share(hits: int, total: int) -> str:
    return f"{100 * hits / total:.1f}%" if total else "-"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


@dataclass(frozen=True)
class Outcome:
    """One method's answers on a query set: ids found per query, at a cutoff or not."""

    name: str
    seconds: list[float]  # per query, in query order
    matched: list[list[str]]  # per query: ids it would alert on
    top10: list[list[str]]  # per query: ids of the top 10, whatever the score
    alarms: list[tuple[str, Hit]] = field(default_factory=list)  # unlisted queries matched

    @property
    def latency(self) -> Latency:
        return Latency.of(self.seconds)


def screener_outcome(screener: Screener, queries: Sequence[Query], profile: Path | None) -> Outcome:
    texts = [q.text for q in queries]
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    results, seconds = timed(screener.screen, texts)
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile))
    matched = [[h.entity_id for h in hits if h.match] for hits in results]

    def top(text: str) -> list[Hit]:
        return screener.screen(text, threshold=0.0)

    top10 = [[h.entity_id for h in top(text)] for text in texts]
    alarms = [
        (q.text, hits[0])
        for q, hits in zip(queries, results, strict=True)
        if not q.listed and hits and hits[0].match
    ]
    return Outcome("Screener", seconds, matched, top10, alarms[:SHOWN_ALARMS])


def naive_outcomes(
    entities: Sequence[Entity], queries: Sequence[Query]
) -> tuple[float, int, list[tuple[str, Outcome, list[list[tuple[str, float]]]]]]:
    """The naive scan with each scorer: per query the top 10 (entity id, score)."""
    started = time.perf_counter()
    choices: list[str] = []
    owners: list[str] = []
    seen: set[tuple[str, str]] = set()
    for entity in entities:
        for name in entity.names:
            form = fold(name.value)
            if form and (entity.id, form) not in seen:
                seen.add((entity.id, form))
                choices.append(form)
                owners.append(entity.id)
    prepared = time.perf_counter() - started
    texts = [q.text for q in queries]
    runs = []
    scorers: list[tuple[str, Callable[..., float]]] = [
        ("naive WRatio", fuzz.WRatio),
        ("naive token_sort_ratio", fuzz.token_sort_ratio),
    ]
    for label, scorer in scorers:

        def scan(text: str, scorer: Callable[..., float] = scorer) -> list[tuple[str, float]]:
            found = process.extract(fold(text), choices, scorer=scorer, processor=None, limit=10)
            return [(owners[index], score) for _, score, index in found]

        results, seconds = timed(scan, texts)
        cut = NAIVE_CUTOFFS[0]
        outcome = Outcome(
            f"{label} >= {cut:g}",
            seconds,
            [[i for i, s in found if s >= cut] for found in results],
            [[i for i, _ in found] for found in results],
        )
        runs.append((label, outcome, results))
    return prepared, len(choices), runs


def recall_rows(
    label: str, queries: Sequence[Query], matched: Sequence[Sequence[str]]
) -> list[object]:
    """Recall (any publisher, strict) on listed queries and alarm rate on unlisted ones."""
    listed = [(q, m) for q, m in zip(queries, matched, strict=True) if q.listed]
    unlisted = [m for q, m in zip(queries, matched, strict=True) if not q.listed]
    per_kind = []
    for kind, _ in VARIATIONS:
        of_kind = [(q, m) for q, m in listed if q.kind == kind]
        per_kind.append(_share(sum(_found(q.expected, m) for q, m in of_kind), len(of_kind)))
    return [
        label,
        _share(sum(_found(q.expected, m) for q, m in listed), len(listed)),
        _share(sum(q.entity in m for q, m in listed), len(listed)),
        *per_kind,
        _share(sum(bool(m) for m in unlisted), len(unlisted)),
    ]


RECALL_HEADERS = [
    "method",
    "recall",
    "strict recall",
    *(f"{k}" for k, _ in VARIATIONS),
    "unlisted alarmed",
]


def main() -> None:
    common.single_threaded()
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--naive-queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profile", type=Path, help="cProfile the timed Screener pass")
    parser.add_argument("--ingest-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--serve-probe", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest_only:
        ingest(args.ingest_only, args.lists)
        return
    if args.serve_probe:
        serve_probe(*args.serve_probe)
        return

    core = common.pin_to_one_core()
    fingerprint = common.source_fingerprint()
    print(f"screening speed benchmark, {date.today().isoformat()}")
    print(common.describe_machine(core))
    with tempfile.TemporaryDirectory(prefix="clearance-speed-") as tmp:
        home = Path(tmp)
        run(home, args)
    common.check_unchanged(fingerprint)


def run(home: Path, args: argparse.Namespace) -> None:
    loaded = _child("--ingest-only", str(home), "--lists", str(args.lists))
    datasets = loaded["datasets"]
    assert isinstance(datasets, dict)
    print(
        f"store: {sum(datasets.values()):,} entities in {len(datasets)} datasets "
        f"from {args.lists} (ingest in a child process: {loaded['seconds']:.1f} s)"
    )

    # -- index: cold open, pure build, persisted load
    started = time.perf_counter()
    screener = Screener.open(home)
    cold_open = time.perf_counter() - started
    snapshot = screener.snapshot
    del screener
    gc.collect()
    with Store.open(home) as store:
        active = store.active_snapshot()
        assert active is not None
        started = time.perf_counter()
        releases = list(active.releases.values())
        entities = sorted(store.iter_entities(releases), key=lambda e: e.id)
        read_seconds = time.perf_counter() - started
        as_of = {d: store.release(r).published_at for d, r in active.releases.items()}
        path = index_path(store.home, active.id)
    rss_before_build = common.current_rss_mb()
    started = time.perf_counter()
    index = build_index(entities, snapshot, as_of)
    build_seconds = time.perf_counter() - started
    rss_after_build = common.current_rss_mb()
    peak_after_build = common.peak_rss_mb()
    shape = common.index_shape(index)
    del index
    gc.collect()
    started = time.perf_counter()
    loaded_index = load_index(path)
    load_seconds = time.perf_counter() - started
    assert loaded_index is not None
    del loaded_index
    gc.collect()
    started = time.perf_counter()
    screener = Screener.open(home)
    open_seconds = time.perf_counter() - started

    print()
    print(
        format_table(
            ["index", "figure"],
            [
                ["index tables", shape],
                ["first Screener.open (read store + build + persist)", f"{cold_open:.2f} s"],
                ["read the snapshot's entities from the store", f"{read_seconds:.2f} s"],
                ["build_index over those entities", f"{build_seconds:.2f} s"],
                ["index file size", f"{path.stat().st_size / 2**20:.1f} MiB"],
                ["load_index from its file", f"{load_seconds:.2f} s"],
                ["Screener.open with the persisted index", f"{open_seconds:.2f} s"],
                [
                    "RSS before / after build_index (entities in memory)",
                    f"{rss_before_build:.0f} / {rss_after_build:.0f} MiB",
                ],
                ["peak RSS of this process after the build", f"{peak_after_build:.0f} MiB"],
            ],
        )
    )

    # -- queries
    started = time.perf_counter()
    queries = make_queries(entities, args.queries, args.seed)
    texts = {q.text for q in queries}  # warm-up must not pre-fill caches for timed queries
    warmup = [q for q in make_queries(entities, 200, args.seed + 1) if q.text not in texts]
    print(
        f"\nqueries: {len(queries):,} (seed {args.seed}; "
        f"{sum(q.listed for q in queries):,} listed with one variation, "
        f"{sum(not q.listed for q in queries):,} unlisted Faker names), "
        f"made in {time.perf_counter() - started:.1f} s; "
        f"{len(warmup)} warm-up queries (seed {args.seed + 1}) screened first, untimed"
    )
    for query in warmup:
        screener.screen(query.text)

    ours = screener_outcome(screener, queries, args.profile)
    candidates = [screener.candidates(q.text) for q in queries]
    peak_after_queries = common.peak_rss_mb()

    naive_count = min(args.naive_queries, len(queries))
    subset = queries[:naive_count]
    prepared, choice_count, naive_runs = naive_outcomes(entities, subset)

    queries_file = home / "queries.json"
    queries_file.write_text(json.dumps([q.text for q in queries]))
    probe = _child("--serve-probe", str(home), str(queries_file))

    # -- report
    print(
        f"\nnaive scan: {choice_count:,} distinct (entity, lower-case ASCII name) choices, "
        f"prepared in {prepared:.2f} s; run on the first {naive_count:,} of the "
        f"{len(queries):,} queries ({sum(q.listed for q in subset)} listed)"
    )
    print()
    speed_rows: list[list[object]] = []
    ours_subset = Latency.of(ours.seconds[:naive_count])
    speed_rows.append(_speed_row(f"Screener.screen, all {len(queries):,} queries", ours.latency))
    speed_rows.append(_speed_row(f"Screener.screen, first {naive_count:,}", ours_subset))
    for label, outcome, _ in naive_runs:
        speed_rows.append(_speed_row(f"{label}, first {naive_count:,}", outcome.latency))
    print(
        format_table(
            ["method (one core)", "queries/s", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            speed_rows,
        )
    )
    for label, outcome, _ in naive_runs:
        ratio = ours_subset.per_second / outcome.latency.per_second
        print(f"speed ratio Screener / {label} (same {naive_count:,} queries): {ratio:,.0f}x")

    print(
        f"\nrecall on listed queries: share whose entity is found; 'unlisted alarmed': share "
        f"of unlisted queries with at least one result. Screener at its default threshold "
        f"{DEFAULT_THRESHOLD} (match = True) and top 10 at any score; naive: top 10 names "
        f"with score >= cutoff."
    )
    print(f"\nall {len(queries):,} queries:")
    rows = [
        recall_rows(f"Screener, match at {DEFAULT_THRESHOLD}", queries, ours.matched),
        recall_rows("Screener, top 10 any score", queries, ours.top10),
        recall_rows("Screener candidates (index only)", queries, candidates),
    ]
    print(format_table(RECALL_HEADERS, rows))
    print(f"\nthe first {naive_count:,} queries (the naive scan's subset):")
    rows = [
        recall_rows(f"Screener, match at {DEFAULT_THRESHOLD}", subset, ours.matched[:naive_count]),
        recall_rows("Screener, top 10 any score", subset, ours.top10[:naive_count]),
    ]
    for label, _, results in naive_runs:
        for cut in NAIVE_CUTOFFS:
            rows.append(
                recall_rows(
                    f"{label}, top 10 >= {cut:g}",
                    subset,
                    [[i for i, s in found if s >= cut] for found in results],
                )
            )
        rows.append(
            recall_rows(
                f"{label}, top 10 any score", subset, [[i for i, _ in found] for found in results]
            )
        )
    print(format_table(RECALL_HEADERS, rows))

    print(
        f"\nmemory: peak RSS of this process {peak_after_build:.0f} MiB after the build, "
        f"{peak_after_queries:.0f} MiB after the Screener queries, "
        f"{common.peak_rss_mb():.0f} MiB at the end (naive choices included)"
    )
    print(
        f"fresh serving process (Screener.open on the persisted index, then the same "
        f"{len(queries):,} queries, no warm-up): RSS {probe['rss_imported']:.0f} MiB after "
        f"imports, {probe['rss_open']:.0f} MiB after open ({probe['open']:.2f} s); first query "
        f"{_ms(float(str(probe['first'])))} ms, then {probe['qps']:,.0f} queries/s, "
        f"p50 {_ms(float(str(probe['p50'])))} ms, p99 {_ms(float(str(probe['p99'])))} ms; "
        f"peak RSS {probe['peak_rss']:.0f} MiB"
    )
    print(f"\nunlisted queries the Screener alarmed on (first {len(ours.alarms)}):")
    for text, hit in ours.alarms:
        print(f"  {text!r} -> {hit.matched_name!r} ({hit.entity_id}, {hit.score:.2f})")
    if args.profile:
        print(
            f"\nthe timed Screener pass ran under cProfile ({args.profile}): its speed is not "
            f"representative"
        )


def _speed_row(label: str, latency: Latency) -> list[object]:
    return [
        label,
        f"{latency.per_second:,.0f}",
        _ms(latency.p50),
        _ms(latency.p95),
        _ms(latency.p99),
        _ms(latency.worst),
    ]


if __name__ == "__main__":
    main()
