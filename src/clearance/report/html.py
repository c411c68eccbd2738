"""The batch report: one self-contained HTML file a compliance officer can open and send.

Everything is inline (CSS, JS, SVG charts) so the file works offline, from an
e-mail attachment or an archive, and can never leak a request to anyone. The
table is rendered here, server-side, so the report is complete with JavaScript
off; the script only adds sorting and filtering. Every value from the input file
and the lists is untrusted text: the template autoescapes it, the script never
parses it as HTML, and a Content-Security-Policy with hashes lets only our own
script and style run.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from rigour.territories import get_territory

from clearance import __version__
from clearance.model import Listing
from clearance.report.legal import describe_listing
from clearance.sources.registry import DATASETS

if TYPE_CHECKING:  # runtime import would tie report and batch packages into a cycle
    from clearance.batch.results import BatchHit, BatchSummary

TEMPLATES = Path(__file__).parent / "templates"
#: the table shows at most this many hits (highest scores first); counts and charts
#: cover all of them, and the output file has every row. Measured in Chromium on a
#: shared 2-core machine: 10,000 rows took 10 s to open and 9 s per sort, 2,000 rows
#: about 2 s — a report is for reading, not for holding a whole book's near misses.
MAX_TABLE_ROWS = 2_000
#: bars per chart; the rest are summed into one "other" bar
MAX_BARS = 12
_BAND_EDGES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
_NO_COUNTRY = "not stated"

# chart geometry, in SVG user units (the SVG scales to its container)
_CHART_WIDTH = 360
_ROW_HEIGHT = 34
_BAR_HEIGHT = 12
_LABEL_CHARS = 52
_COUNT_ROOM = 96


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    short_label: str  # what fits in the chart; the full label is in its <title>
    hits: int
    matches: int
    y: int
    hits_width: float
    matches_width: float


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    bars: tuple[Bar, ...]
    height: int
    note: str
    counts: tuple[tuple[str, int, int], ...]  # every (label, hits, matches), for the table


@dataclass(frozen=True, slots=True)
class Row:
    hit: BatchHit
    score: str
    effects: tuple[str, ...]
    countries: str


def write_report(
    path: Path,
    hits: Sequence[BatchHit],
    summary: BatchSummary,
    listings: Mapping[str, Sequence[Listing]],
    countries: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Render the report and write it atomically: a reader never sees half a file.

    `listings` and `countries` are keyed by listed entity id (see
    `clearance.report.facts.listed_facts`); without `countries` the per-country
    count says "not stated" for every hit. Rows without a hit (written under
    `--all`) are counted in the summary but not shown as hits.
    """
    html = render_report(hits, summary, listings, countries or {})
    _write_atomically(Path(path), html)


def render_report(
    hits: Sequence[BatchHit],
    summary: BatchSummary,
    listings: Mapping[str, Sequence[Listing]],
    countries: Mapping[str, Sequence[str]],
) -> str:
    """The report as one string: what write_report writes, and what a web page could serve."""
    real = [h for h in hits if h.entity_id is not None]
    ordered = sorted(real, key=lambda h: (-(h.score or 0.0), h.row_number, h.entity_id or ""))
    describe = _cached_descriptions(listings)
    rows = [
        Row(
            hit=h,
            score=_score_text(h.score),
            effects=describe(h.entity_id or ""),
            countries=", ".join(_country_name(c) for c in countries.get(h.entity_id or "", ())),
        )
        for h in ordered[:MAX_TABLE_ROWS]
    ]
    charts = (
        _chart("lists", "Hits per list", _count(real, lambda h: h.lists or ("(no list)",))),
        _chart(
            "countries",
            "Hits per country of the listed party",
            _count(
                real,
                lambda h: (
                    tuple(_country_name(c) for c in countries.get(h.entity_id or "", ()))
                    or (_NO_COUNTRY,)
                ),
            ),
            note="The party's jurisdiction or nationality where the list states one, else its "
            "addresses; a party with several counts once under each.",
        ),
        _chart("scores", "Hits per score band", _bands(real), keep_order=True),
    )
    environment = _environment()
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    template = environment.get_template("report.html.j2")
    return template.render(
        summary=summary,
        rows=rows,
        total_hits=len(real),
        shown_hits=len(rows),
        no_hit_rows=len(hits) - len(real),
        charts=charts,
        list_versions=[
            (dataset, DATASETS[dataset].title if dataset in DATASETS else dataset, as_of)
            for dataset, as_of in sorted(summary.list_versions.items())
        ],
        duration=_duration(summary.seconds),
        version=__version__,
        css=Markup(css),
        script=Markup(script),
        csp=_csp(css, script),
        chart_width=_CHART_WIDTH,
        bar_height=_BAR_HEIGHT,
    )


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,  # every value is untrusted text from input files and lists
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["thousands"] = lambda n: f"{n:,}"  # 1,234,567 rows, readable
    return environment


def _csp(css: str, script: str) -> str:
    """No network at all; only our own inline style and script (by hash) may apply."""

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")

    return (
        "default-src 'none'; "
        f"style-src 'sha256-{digest(css)}'; "
        f"script-src 'sha256-{digest(script)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _cached_descriptions(
    listings: Mapping[str, Sequence[Listing]],
) -> Callable[[str], tuple[str, ...]]:
    """describe_listing once per entity, however many rows hit it."""
    seen: dict[str, tuple[str, ...]] = {}

    def describe(entity_id: str) -> tuple[str, ...]:
        if entity_id not in seen:
            seen[entity_id] = tuple(describe_listing(x) for x in listings.get(entity_id, ()))
        return seen[entity_id]

    return describe


def _count(
    hits: Sequence[BatchHit], keys: Callable[[BatchHit], Sequence[str]]
) -> list[tuple[str, int, int]]:
    totals: Counter[str] = Counter()
    matches: Counter[str] = Counter()
    for hit in hits:
        for key in dict.fromkeys(keys(hit)):
            totals[key] += 1
            matches[key] += hit.match
    return [(key, n, matches[key]) for key, n in totals.items()]


def _bands(hits: Sequence[BatchHit]) -> list[tuple[str, int, int]]:
    """Bands of 0.1 from 0.5 up (always shown), and "below 0.5" if a low threshold gave any."""
    labels = [f"{lo:.1f}–{hi:.1f}" for lo, hi in pairwise(_BAND_EDGES)]
    totals = dict.fromkeys(labels, 0)
    matches = dict.fromkeys(labels, 0)
    low = "below 0.5"
    for hit in hits:
        score = hit.score or 0.0
        if score < _BAND_EDGES[0]:
            label = low
            totals.setdefault(low, 0)
            matches.setdefault(low, 0)
        else:
            index = min(int((score - _BAND_EDGES[0]) * 10 + 1e-9), len(labels) - 1)
            label = labels[index]
        totals[label] += 1
        matches[label] += hit.match
    order = ([low] if low in totals else []) + labels
    return [(label, totals[label], matches[label]) for label in reversed(order)]


def _chart(
    chart_id: str,
    title: str,
    counts: list[tuple[str, int, int]],
    *,
    keep_order: bool = False,
    note: str = "",
) -> Chart:
    if not keep_order:  # most hits first; "not stated" always last
        counts = sorted(counts, key=lambda c: (c[0] == _NO_COUNTRY, -c[1], c[0]))
    every = tuple(counts)
    unstated = [c for c in counts if c[0] == _NO_COUNTRY]
    counts = [c for c in counts if c[0] != _NO_COUNTRY]
    if len(counts) + len(unstated) > MAX_BARS:
        keep = MAX_BARS - 1 - len(unstated)
        rest = counts[keep:]
        counts = [
            *counts[:keep],
            (f"{len(rest)} others", sum(c[1] for c in rest), sum(c[2] for c in rest)),
        ]
    counts += unstated
    peak = max((c[1] for c in counts), default=0) or 1
    room = _CHART_WIDTH - _COUNT_ROOM
    bars = tuple(
        Bar(
            label=label,
            short_label=label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…",
            hits=n,
            matches=m,
            y=i * _ROW_HEIGHT,
            hits_width=round(room * n / peak, 1),
            matches_width=round(room * m / peak, 1),
        )
        for i, (label, n, m) in enumerate(counts)
    )
    return Chart(chart_id, title, bars, max(len(bars), 1) * _ROW_HEIGHT, note, every)


def _country_name(code: str) -> str:
    territory = get_territory(code)
    return str(territory.name) if territory is not None else code.upper()


def _score_text(score: float | None) -> str:
    """Four decimals at most, so a score just under the threshold never reads as equal to it."""
    if score is None:
        return ""
    text = f"{score:.4f}".rstrip("0")
    return text + "0" * max(0, 4 - len(text))  # "0.8" -> "0.80"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {rest} s"


def _write_atomically(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename: the old report stays until the new is whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
