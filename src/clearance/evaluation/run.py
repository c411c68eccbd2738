"""Run the quality benchmark: screen every variation and negative, then compute the figures.

Screening asks for hits down to the lowest threshold once, then every threshold's
recall and false-positive rate is read off the recorded scores, so the grid costs
one pass. The default threshold is the lowest whose false-positive rate stays
within the issue's 0.5%: the most recall the false-alarm budget allows.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable, Sequence
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from clearance.evaluation.negatives import KINDS, Negative, generate_negatives
from clearance.evaluation.report import (
    MAX_FALSE_POSITIVE_RATE,
    EvaluationReport,
    NegativeResult,
    Timing,
    VariationResult,
)
from clearance.evaluation.variations import (
    CLASSES,
    DEFAULT_SEED,
    GROUPS,
    Variation,
    generate_variations,
)
from clearance.model import Entity

DEFAULT_THRESHOLDS: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
#: hits asked for per query; the same party listed by several publishers ties at the top
DEFAULT_LIMIT = 20


class HitLike(Protocol):
    """The fields of clearance.screening.Hit the benchmark reads."""

    @property
    def entity_id(self) -> str: ...
    @property
    def matched_name(self) -> str: ...
    @property
    def caption(self) -> str: ...
    @property
    def score(self) -> float: ...


class ScreenerLike(Protocol):
    """The part of clearance.screening.Screener the benchmark uses (fakes in tests)."""

    @property
    def default_threshold(self) -> float: ...

    def entities(self) -> Iterable[Entity]: ...

    def screen(
        self,
        name: str,
        *,
        schema: str | None = None,
        threshold: float | None = None,
        limit: int = 10,
    ) -> Sequence[HitLike]: ...

    def candidates(self, name: str, *, schema: str | None = None) -> Sequence[str]: ...


def evaluate(
    screener: ScreenerLike,
    *,
    seed: int = DEFAULT_SEED,
    per_class: int = 300,
    negatives: int = 20000,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    limit: int = DEFAULT_LIMIT,
    classes: Iterable[str] | None = None,
    variations: Sequence[Variation] | None = None,
    negative_queries: Sequence[Negative] | None = None,
    progress: bool = True,
    console: Console | None = None,
) -> EvaluationReport:
    """Screen seeded variations and negatives built from the screener's own entities.

    Half the variations (every other one) and half the negatives pass their schema,
    the other half none, since callers often do not know a party's type. Pass
    `variations` or `negative_queries` to screen a given set instead of generating one.
    """
    grid = tuple(sorted(set(thresholds)))
    if not grid:
        raise ValueError("at least one threshold is needed")
    if variations is None or negative_queries is None:
        entities = list(screener.entities())
        if variations is None:
            variations = generate_variations(
                entities, seed=seed, per_class=per_class, classes=classes
            )
        if negative_queries is None:
            negative_queries = generate_negatives(entities, seed=seed, count=negatives)
    floor = grid[0]
    latencies: list[float] = []
    candidate_seconds = 0.0
    results: list[VariationResult] = []
    negative_results: list[NegativeResult] = []
    total = len(variations) + len(negative_queries)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not progress,
        transient=False,
    ) as bar:
        task = bar.add_task("screening variations", total=total)
        for i, variation in enumerate(variations):
            schema = variation.schema if i % 2 == 0 else None
            result, seconds, candidate_time = _screen_variation(
                screener, variation, schema, floor, limit
            )
            results.append(result)
            latencies.append(seconds)
            candidate_seconds += candidate_time
            bar.advance(task)
        bar.update(task, description="screening negatives")
        for i, negative in enumerate(negative_queries):
            schema = negative.schema if i % 2 == 0 else None
            outcome, seconds = _screen_negative(screener, negative, schema, floor, limit)
            negative_results.append(outcome)
            latencies.append(seconds)
            bar.advance(task)
    return summarise(
        results,
        negative_results,
        thresholds=grid,
        seed=seed,
        per_class=per_class,
        screener_threshold=screener.default_threshold,
        limit=limit,
        latencies=latencies,
        candidate_seconds=candidate_seconds,
        snapshot=_snapshot_name(screener),
    )


def _screen_variation(
    screener: ScreenerLike, variation: Variation, schema: str | None, floor: float, limit: int
) -> tuple[VariationResult, float, float]:
    started = time.perf_counter()
    try:
        hits = screener.screen(variation.query, schema=schema, threshold=floor, limit=limit)
    except ValueError as exc:
        elapsed = time.perf_counter() - started
        failed = VariationResult(variation, schema is not None, 0.0, None, None, error=str(exc))
        return failed, elapsed, 0.0
    elapsed = time.perf_counter() - started
    score, rank = 0.0, None
    wrong: HitLike | None = None
    for position, hit in enumerate(hits, start=1):
        if hit.entity_id == variation.expected_id:
            if rank is None or hit.score > score:
                score, rank = hit.score, rank or position
        elif wrong is None or hit.score > wrong.score:
            wrong = hit
    started = time.perf_counter()
    try:
        candidate: bool | None = variation.expected_id in set(
            screener.candidates(variation.query, schema=schema)
        )
    except ValueError:
        candidate = False
    candidate_time = time.perf_counter() - started
    result = VariationResult(
        variation=variation,
        schema_given=schema is not None,
        score=score,
        rank=rank,
        candidate=candidate,
        wrong_id=wrong.entity_id if wrong else None,
        wrong_name=wrong.matched_name if wrong else None,
        wrong_score=wrong.score if wrong else 0.0,
    )
    return result, elapsed, candidate_time


def _screen_negative(
    screener: ScreenerLike, negative: Negative, schema: str | None, floor: float, limit: int
) -> tuple[NegativeResult, float]:
    started = time.perf_counter()
    try:
        hits = screener.screen(negative.query, schema=schema, threshold=floor, limit=limit)
    except ValueError as exc:
        elapsed = time.perf_counter() - started
        return NegativeResult(negative, schema is not None, 0.0, error=str(exc)), elapsed
    elapsed = time.perf_counter() - started
    best = max(hits, key=lambda h: h.score, default=None)
    if best is None:
        return NegativeResult(negative, schema is not None, 0.0), elapsed
    result = NegativeResult(
        negative=negative,
        schema_given=schema is not None,
        score=best.score,
        entity_id=best.entity_id,
        matched_name=best.matched_name,
        caption=best.caption,
    )
    return result, elapsed


def _snapshot_name(screener: ScreenerLike) -> str | None:
    value = getattr(screener, "snapshot", None)
    return None if value is None else str(value)


# --------------------------------------------------------------------------- figures


def recall_at(results: Iterable[VariationResult], threshold: float) -> float | None:
    scores = [r.score for r in results]
    return sum(s >= threshold for s in scores) / len(scores) if scores else None


def false_positive_rate_at(results: Iterable[NegativeResult], threshold: float) -> float | None:
    scores = [r.score for r in results]
    return sum(s >= threshold for s in scores) / len(scores) if scores else None


def choose_threshold(
    fpr: dict[float, float], max_rate: float = MAX_FALSE_POSITIVE_RATE
) -> float | None:
    """The lowest threshold whose false-positive rate is at most max_rate, None if none is."""
    passing = [t for t, rate in fpr.items() if rate <= max_rate]
    return min(passing) if passing else None


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(
    results: Sequence[VariationResult],
    negative_results: Sequence[NegativeResult],
    *,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    seed: int = DEFAULT_SEED,
    per_class: int = 300,
    screener_threshold: float = 0.7,
    limit: int = DEFAULT_LIMIT,
    latencies: Sequence[float] = (),
    candidate_seconds: float = 0.0,
    snapshot: str | None = None,
) -> EvaluationReport:
    """Every figure of the report from the recorded scores."""
    grid = tuple(sorted(set(thresholds)))
    classes = list(CLASSES) + sorted({r.variation.klass for r in results} - set(CLASSES))
    by_class = {k: [r for r in results if r.variation.klass == k] for k in classes}
    by_group = {g: [r for r in results if r.variation.group == g] for g in GROUPS}
    kinds = list(KINDS) + sorted({r.negative.kind for r in negative_results} - set(KINDS))
    by_kind = {k: [r for r in negative_results if r.negative.kind == k] for k in kinds}

    def table(rows: Sequence[VariationResult]) -> dict[float, float]:
        return {t: recall_at(rows, t) or 0.0 for t in grid}

    def fpr_table(rows: Sequence[NegativeResult]) -> dict[float, float]:
        return {t: false_positive_rate_at(rows, t) or 0.0 for t in grid}

    fpr = fpr_table(negative_results)
    chosen = choose_threshold(fpr) if negative_results else None

    def candidate_share(rows: Sequence[VariationResult]) -> float | None:
        measured = [r.candidate for r in rows if r.candidate is not None]
        return sum(measured) / len(measured) if measured else None

    timing = Timing(
        queries=len(latencies),
        seconds=sum(latencies),
        p50_ms=1000 * statistics.median(latencies) if latencies else 0.0,
        p99_ms=1000 * _percentile(latencies, 0.99),
        candidate_seconds=candidate_seconds,
    )
    errors = sum(r.error is not None for r in results) + sum(
        r.error is not None for r in negative_results
    )
    return EvaluationReport(
        seed=seed,
        per_class=per_class,
        thresholds=grid,
        screener_threshold=screener_threshold,
        chosen_threshold=chosen,
        recall={k: table(rows) for k, rows in by_class.items()},
        group_recall={g: table(rows) for g, rows in by_group.items()},
        overall_recall=table(results),
        false_positive_rate=fpr,
        false_positive_rate_by_kind={k: fpr_table(rows) for k, rows in by_kind.items()},
        candidate_recall=candidate_share(results),
        candidate_recall_by_class={k: candidate_share(rows) for k, rows in by_class.items()},
        variation_counts={k: len(rows) for k, rows in by_class.items()},
        negative_counts={k: len(rows) for k, rows in by_kind.items()},
        timing=timing,
        results=list(results),
        false_positives=[r for r in negative_results if r.score >= grid[0]],
        errors=errors,
        limit=limit,
        snapshot=snapshot,
        notes=generation_notes(results),
    )


_NATIVE = {
    "translit_han": ("Han", "han->"),
    "translit_cyrillic": ("Cyrillic", "cyrillic->"),
    "translit_arabic": ("Arabic", "arabic->"),
    "translit_greek": ("Greek", "greek->"),
    "translit_korean": ("Hangul", "hangul->"),
}


def generation_notes(results: Sequence[VariationResult]) -> list[str]:
    """Where each transliteration class's queries came from, in words for the report."""
    notes = []
    for klass, (script, prefix) in _NATIVE.items():
        methods = [r.variation.method for r in results if r.variation.klass == klass]
        if not methods:
            notes.append(f"{klass}: no variations (no eligible names in the snapshot).")
            continue
        native = sum(m.startswith(prefix) for m in methods)
        counts: dict[str, int] = {}
        for method in methods:
            counts[method] = counts.get(method, 0) + 1
        mix = ", ".join(f"{m} {n}" for m, n in sorted(counts.items()))
        if native == 0:
            notes.append(
                f"{klass}: the lists hold no {script}-script names usable here, so every query "
                f"was generated from listed Latin names with a small table ({mix})."
            )
        else:
            notes.append(
                f"{klass}: {native} of {len(methods)} queries come from {script}-script names "
                f"on the lists, the rest from listed Latin names ({mix})."
            )
    return notes
