"""Scale run: index, persist, reload and screen a generated list of N entities.

Run: .venv/bin/python benchmarks/scale.py [--entities 1000000] [--queries 1000]
     .venv/bin/python benchmarks/scale.py --entities 100000 --trace-memory   (where memory goes)

The list is generated deterministically (fixed seed) from Faker's name tables of
38 locales: persons (60%) as given name, sometimes a middle name, and surname,
with aliases (another given name, "SURNAME, Given", a re-spelling) and, for names of non-Latin
locales, a Latin primary name with the original script as a native alias;
organisations and companies (40%) from surnames, invented brand words, places and
catch-phrase words, a generic word ("Trading", "Holdings") and a legal form in
many languages, with former names and aliases, some Chinese in Han characters
with a pinyin alias. A quarter of
the surnames and every brand word are spliced from two real names ("Acker" +
"mann" style), so the vocabulary keeps growing with N as real lists' does
instead of repeating a few thousand names.

Two processes, both pinned to one CPU with native thread pools at one thread:
this one generates the entities as a stream (never all in memory), builds the
index and saves it; a fresh child loads the file and screens 1,000 queries
(half generated names with one typo, half Faker names not in the list), as a
server would after a restart. Each reports its own peak RSS (VmHWM, see common.py).

Recall on the listed half: the entity the name came from is among the index's
candidates (`Screener.candidates`), among the hits at the default threshold, or
among the top 10 at any score.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import linecache
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rigour.text.translit import ascii_text

import common
from clearance.index import build_index, load_index, save_index
from clearance.model import Country, Entity, Listing, Name, NameKind
from clearance.screening import DEFAULT_THRESHOLD, Screener
from common import Latency, format_table, timed, typo_in_name, unlisted_names

SEED = 20261127
DATASET = "scale_test"

#: person-name locales, Latin script: (locale, country)
LATIN_LOCALES = (
    ("en_US", "us"),
    ("en_GB", "gb"),
    ("en_IE", "ie"),
    ("en_IN", "in"),
    ("en_KE", "ke"),
    ("en_PK", "pk"),
    ("en_NZ", "nz"),
    ("de_DE", "de"),
    ("de_AT", "at"),
    ("fr_FR", "fr"),
    ("es_ES", "es"),
    ("es_CA", "es"),
    ("es_MX", "mx"),
    ("it_IT", "it"),
    ("pt_BR", "br"),
    ("pt_PT", "pt"),
    ("nl_NL", "nl"),
    ("pl_PL", "pl"),
    ("cs_CZ", "cz"),
    ("sk_SK", "sk"),
    ("hu_HU", "hu"),
    ("ro_RO", "ro"),
    ("hr_HR", "hr"),
    ("tr_TR", "tr"),
    ("az_AZ", "az"),
    ("sv_SE", "se"),
    ("fi_FI", "fi"),
    ("da_DK", "dk"),
    ("lt_LT", "lt"),
    ("lv_LV", "lv"),
    ("id_ID", "id"),
    ("vi_VN", "vn"),
)
#: person-name locales in other scripts: the primary name is romanised, the original kept
NATIVE_LOCALES = (
    ("ru_RU", "ru"),
    ("uk_UA", "ua"),
    ("bg_BG", "bg"),
    ("ar_AA", "sy"),
    ("fa_IR", "ir"),
    ("zh_CN", "cn"),
    ("ko_KR", "kr"),
    ("el_GR", "gr"),
)
GENERIC_WORDS = (
    "Trading",
    "Technology",
    "Industries",
    "Holdings",
    "Logistics",
    "Shipping",
    "Energy",
    "Group",
    "International",
    "Engineering",
    "Electronics",
    "Import Export",
    "Investment",
    "Petroleum",
    "Chemical",
    "Marine",
    "Aviation",
    "Construction",
    "Pharmaceuticals",
    "Mining",
    "Resources",
    "Systems",
    "Solutions",
    "Services",
    "Development",
    "Manufacturing",
    "General Trading",
    "Precision Machinery",
)
LEGAL_FORMS = (
    "LLC",
    "Ltd",
    "Limited",
    "Inc.",
    "Corp.",
    "Co., Ltd.",
    "GmbH",
    "AG",
    "S.A.",
    "S.A. de C.V.",
    "SRL",
    "S.p.A.",
    "B.V.",
    "N.V.",
    "OOO",
    "JSC",
    "PJSC",
    "LLP",
    "Pte. Ltd.",
    "Sdn. Bhd.",
    "FZE",
    "FZCO",
    "A.S.",
    "Sp. z o.o.",
)
HAN_LEGAL_FORMS = ("有限公司", "科技有限公司", "贸易有限公司", "股份有限公司", "集团有限公司")
LISTING = (Listing(authority="Benchmark", list_name="Scale test"),)


def _names(locale: str, attribute: str) -> list[str]:
    """A Faker person table as a plain list (some are weighted dicts, some missing)."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    table = getattr(provider, attribute, ())
    return [str(n) for n in table if isinstance(n, str) and n.strip()]


@dataclass(frozen=True)
class Pools:
    """Every name part the generator draws from, built once from Faker's tables."""

    latin: list[tuple[list[str], list[str], str]]  # (given names, surnames, country)
    native: list[tuple[list[str], list[str], str]]
    surnames: list[str]  # every Latin surname, for splicing and company names
    words: list[str]  # company catch-phrase words and places
    han: list[str]  # Han given names, for Chinese company names

    @classmethod
    def load(cls) -> Pools:
        def tables(locales: Sequence[tuple[str, str]]) -> list[tuple[list[str], list[str], str]]:
            found = []
            for locale, country in locales:
                given = _names(locale, "first_names") or (
                    _names(locale, "first_names_male") + _names(locale, "first_names_female")
                )
                family = _names(locale, "last_names") or _names(locale, "last_names_male")
                if given and family:
                    found.append((given, family, country))
            return found

        latin = tables(LATIN_LOCALES)
        surnames = sorted({s for _, family, _ in latin for s in family if " " not in s})
        company = importlib.import_module("faker.providers.company.en_US").Provider
        words = sorted(
            {w.title() for group in company.catch_phrase_words for w in group if w.isalpha()}
        )
        han = [n for n in _names("zh_CN", "first_names") if len(n) == 2]
        return cls(latin, tables(NATIVE_LOCALES), surnames, words, han)


def splice(rng: random.Random, parts: Sequence[str]) -> str:
    """A plausible new word: the start of one real name and the end of another."""
    left, right = rng.choice(parts), rng.choice(parts)
    cut_left = max(2, len(left) // 2 + rng.randint(-1, 1))
    cut_right = max(1, len(right) // 2 + rng.randint(-1, 1))
    return (left[:cut_left] + right[cut_right:].lower()).title()


def _person(rng: random.Random, pools: Pools) -> tuple[list[Name], str]:
    if rng.random() < 0.15:
        given, family, country = rng.choice(pools.native)
        if country in ("cn", "kr"):  # family name first, no space
            native = rng.choice(family) + rng.choice(given)
        else:
            native = f"{rng.choice(given)} {rng.choice(family)}"
        latin = ascii_text(native).title()
        return [Name(latin), Name(native, NameKind.NATIVE)], country
    given, family, country = rng.choice(pools.latin)
    surname = splice(rng, pools.surnames) if rng.random() < 0.25 else rng.choice(family)
    parts = [rng.choice(given)]
    if rng.random() < 0.3:
        parts.append(rng.choice(given))
    primary = " ".join([*parts, surname])
    names = [Name(primary)]
    if rng.random() < 0.35:
        names.append(Name(f"{rng.choice(given)} {surname}", NameKind.ALIAS))
    if rng.random() < 0.15:
        names.append(Name(f"{surname.upper()}, {parts[0]}", NameKind.ALIAS))
    if rng.random() < 0.15:
        respelled = typo_in_name(primary, rng, min_length=6)
        if respelled:
            names.append(Name(respelled, NameKind.WEAK_ALIAS))
    return names, country


def _company(rng: random.Random, pools: Pools) -> tuple[list[Name], str]:
    roll = rng.random()
    if roll < 0.07:
        han = rng.choice(pools.han) + rng.choice(pools.han)
        native = han + rng.choice(HAN_LEGAL_FORMS)
        latin = ascii_text(han).title() + " " + rng.choice(("Co., Ltd.", "Technology Co., Ltd."))
        return [Name(latin), Name(native, NameKind.NATIVE)], "cn"

    def brand() -> str:
        if roll < 0.4:
            return f"{rng.choice(pools.surnames)} & {rng.choice(pools.surnames)}"
        if roll < 0.75:
            return splice(rng, pools.surnames + pools.words)
        return f"{rng.choice(pools.words)} {splice(rng, pools.surnames)}"

    country = rng.choice(pools.latin)[2]
    core = brand()
    primary = f"{core} {rng.choice(GENERIC_WORDS)} {rng.choice(LEGAL_FORMS)}"
    names = [Name(primary)]
    if rng.random() < 0.2:
        names.append(Name(f"{brand()} {rng.choice(LEGAL_FORMS)}", NameKind.FORMER))
    if rng.random() < 0.3:
        names.append(Name(f"{core} {rng.choice(LEGAL_FORMS)}", NameKind.ALIAS))
    return names, country


def generate(
    count: int, seed: int, pools: Pools, watched: dict[int, tuple[str, str]] | None = None
) -> Iterator[Entity]:
    """`count` entities, the same for the same seed. For each position that is a key of
    `watched`, the entity's (id, primary name) is stored there, for the query set."""
    rng = random.Random(seed)
    for position in range(count):
        is_person = rng.random() < 0.6
        names, country = _person(rng, pools) if is_person else _company(rng, pools)
        schema = "Person" if is_person else ("Organization" if rng.random() < 0.12 else "Company")
        birth = (f"{rng.randint(1940, 2000)}",) if is_person and rng.random() < 0.5 else ()
        entity = Entity(
            id=f"{DATASET}:{position}",
            dataset=DATASET,
            schema=schema,
            names=tuple(names),
            birth_dates=birth,
            countries=(Country(country),),
            listings=LISTING,
        )
        if watched is not None and position in watched:
            watched[position] = (entity.id, names[0].value)
        yield entity


def trace_build(entities: Iterator[Entity]) -> None:
    """Build under tracemalloc and print where the index's memory is allocated."""
    tracemalloc.start()
    index = build_index(entities, "scale")
    snapshot = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\ntracemalloc: {current / 2**20:.0f} MiB held after the build, peak "
        f"{peak / 2**20:.0f} MiB; index: {common.index_shape(index)}"
    )
    stats = snapshot.statistics("lineno")
    rows = []
    for stat in stats[:15]:
        frame = stat.traceback[0]
        source = linecache.getline(frame.filename, frame.lineno).strip()
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        rows.append([where, f"{stat.size / 2**20:.1f}", f"{stat.count:,}", source[:70]])
    print(format_table(["allocated at", "MiB", "blocks", "line"], rows))


def serve(index_file: Path, queries_file: Path) -> None:
    """Child process: load the saved index and screen the queries, as after a restart."""
    core = common.pin_to_one_core()
    queries = json.loads(queries_file.read_text())
    imported = common.current_rss_mb()
    started = time.perf_counter()
    index = load_index(index_file)
    load_seconds = time.perf_counter() - started
    if index is None:
        sys.exit(f"{index_file}: load_index refused it (was src/ edited during the run?)")
    loaded = common.current_rss_mb()
    screener = Screener(index)
    texts = [q["text"] for q in queries]
    for text in WARMUP:
        screener.screen(text)
    results, seconds = timed(screener.screen, texts)
    latency = Latency.of(seconds)
    peak_queries = common.peak_rss_mb()
    found = {"candidates": 0, "match": 0, "top10": 0}
    alarms = 0
    for query, hits in zip(queries, results, strict=True):
        if not query["expected"]:
            alarms += any(h.match for h in hits)
            continue
        expected = query["expected"]
        found["match"] += any(h.entity_id == expected and h.match for h in hits)
        top = screener.screen(query["text"], threshold=0.0)
        found["top10"] += any(h.entity_id == expected for h in top)
        found["candidates"] += expected in screener.candidates(query["text"])
    print(
        json.dumps(
            {
                "core": core,
                "load": load_seconds,
                "rss_imported": imported,
                "rss_loaded": loaded,
                "peak_rss": peak_queries,
                "qps": latency.per_second,
                "p50": latency.p50,
                "p95": latency.p95,
                "p99": latency.p99,
                "max": latency.worst,
                "found": found,
                "listed": sum(1 for q in queries if q["expected"]),
                "alarms": alarms,
                "unlisted": sum(1 for q in queries if not q["expected"]),
            }
        )
    )


#: screened before the timed pass so that lazy imports and tables are not timed
WARMUP = (
    "Acme Trading Company",
    "John Smith",
    "Jürgen Müller",
    "Иван Петров",
    "王伟",
    "محمد علي",
    "김민준",
    "Γιώργος Παπαδόπουλος",
    "Muhammad Ali Khan",
)


def make_queries(
    count: int, entities: int, seed: int
) -> tuple[list[dict[str, str]], dict[int, tuple[str, str]]]:
    """Unlisted half now (Faker names); listed half: positions to remember while generating."""
    rng = random.Random(seed + 1)
    positions = rng.sample(range(entities), min(entities, count - count // 2))
    unlisted = unlisted_names(count // 2, seed + 2, lambda _name: False)
    return [{"text": text, "expected": ""} for text in unlisted], dict.fromkeys(positions, ("", ""))


def listed_queries(watched: dict[int, tuple[str, str]], seed: int) -> list[dict[str, str]]:
    """Each remembered primary name with one typo (words rotated if no word is long enough)."""
    rng = random.Random(seed + 3)
    queries = []
    for position in sorted(watched):
        entity_id, name = watched[position]
        text = typo_in_name(name, rng)
        if text is None:
            words = name.split()
            text = " ".join(words[1:] + words[:1]) if len(words) > 1 else name.upper()
        queries.append({"text": text, "expected": entity_id})
    return queries


def main() -> None:
    common.single_threaded()
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--trace-memory", action="store_true", help="tracemalloc the build")
    parser.add_argument("--keep", type=Path, help="save the index here instead of a temp dir")
    parser.add_argument("--serve", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    core = common.pin_to_one_core()
    fingerprint = common.source_fingerprint()
    print(f"scale benchmark, {date.today().isoformat()}: {args.entities:,} generated entities")
    print(common.describe_machine(core))
    with tempfile.TemporaryDirectory(prefix="clearance-scale-") as tmp:
        run(args, Path(tmp))
    common.check_unchanged(fingerprint)


def run(args: argparse.Namespace, tmp: Path) -> None:
    started = time.perf_counter()
    pools = Pools.load()
    queries, watched = make_queries(args.queries, args.entities, args.seed)
    prepared = time.perf_counter() - started
    rss_start = common.current_rss_mb()

    started = time.perf_counter()
    people = names = 0
    forms: set[str] = {q["text"].casefold() for q in queries}
    collisions = 0
    for entity in generate(args.entities, args.seed, pools, watched):
        people += entity.schema == "Person"
        names += len(entity.names)
        collisions += any(n.value.casefold() in forms for n in entity.names)
    generate_seconds = time.perf_counter() - started
    queries += listed_queries(watched, args.seed)

    if args.trace_memory:
        trace_build(generate(args.entities, args.seed, pools))
        return

    started = time.perf_counter()
    index = build_index(generate(args.entities, args.seed, pools), "scale")
    build_total = time.perf_counter() - started
    rss_built = common.current_rss_mb()
    peak_built = common.peak_rss_mb()
    shape = common.index_shape(index)

    index_file = (args.keep or tmp) / f"scale-{args.entities}.index"
    started = time.perf_counter()
    save_index(index, index_file)
    save_seconds = time.perf_counter() - started
    peak_saved = common.peak_rss_mb()
    del index
    gc.collect()

    queries_file = tmp / "queries.json"
    queries_file.write_text(json.dumps(queries))
    done = subprocess.run(
        [sys.executable, __file__, "--serve", str(index_file), str(queries_file)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    served = json.loads(done.stdout.strip().splitlines()[-1])

    print(
        f"list: {args.entities:,} entities ({people:,} persons, {args.entities - people:,} "
        f"organisations/companies), {names:,} names; name tables loaded in {prepared:.1f} s; "
        f"{collisions} generated names equal an unlisted query"
    )
    print()
    print(
        format_table(
            ["build (this process)", "figure"],
            [
                ["generate the entities only (a stream)", f"{generate_seconds:.1f} s"],
                ["generate + build_index", f"{build_total:.1f} s"],
                ["build_index alone (difference)", f"{build_total - generate_seconds:.1f} s"],
                ["index tables", shape],
                ["RSS before / after the build", f"{rss_start:.0f} / {rss_built:.0f} MiB"],
                ["peak RSS after the build", f"{peak_built:.0f} MiB"],
                ["save_index (pickle)", f"{save_seconds:.1f} s"],
                ["peak RSS after saving", f"{peak_saved:.0f} MiB"],
                ["index file size", f"{index_file.stat().st_size / 2**20:.0f} MiB"],
            ],
        )
    )
    found = served["found"]
    listed = served["listed"]
    print()
    print(
        format_table(
            ["serving (fresh process, one core)", "figure"],
            [
                ["load_index from the file", f"{served['load']:.1f} s"],
                [
                    "RSS after imports / after load",
                    f"{served['rss_imported']:.0f} / {served['rss_loaded']:.0f} MiB",
                ],
                ["peak RSS after the queries", f"{served['peak_rss']:.0f} MiB"],
                [
                    f"name-only queries/s ({len(queries):,} queries)",
                    f"{served['qps']:,.0f}",
                ],
                [
                    "latency p50 / p95 / p99 / max",
                    " / ".join(f"{served[k] * 1000:.2f}" for k in ("p50", "p95", "p99", "max"))
                    + " ms",
                ],
                [
                    f"candidate recall ({listed} listed names with one typo)",
                    f"{100 * found['candidates'] / listed:.1f}%",
                ],
                [
                    f"recall at the default threshold {DEFAULT_THRESHOLD}",
                    f"{100 * found['match'] / listed:.1f}%",
                ],
                ["recall in the top 10 at any score", f"{100 * found['top10'] / listed:.1f}%"],
                [
                    f"unlisted queries with a match ({served['unlisted']}) *",
                    f"{100 * served['alarms'] / served['unlisted']:.1f}%",
                ],
            ],
        )
    )
    print(
        "* the list and the unlisted queries are drawn from the same Faker name tables, so "
        "many share a full name: this is not a false-positive rate"
    )


if __name__ == "__main__":
    main()
