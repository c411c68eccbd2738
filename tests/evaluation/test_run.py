"""evaluate(): hand-checkable figures with a fake screener, and a run with the real one."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pytest
from rich.console import Console

from clearance.evaluation.negatives import Negative
from clearance.evaluation.report import EvaluationReport
from clearance.evaluation.run import DEFAULT_THRESHOLDS, choose_threshold, evaluate
from clearance.evaluation.variations import CLASSES, Variation
from clearance.model import Entity
from tests.evaluation.test_variations import listed


@dataclass(frozen=True)
class FakeHit:
    entity_id: str
    score: float
    matched_name: str = "listed name"
    caption: str = "caption"


@dataclass
class FakeScreener:
    """Answers from fixed tables and records how it was called."""

    hits: dict[str, list[FakeHit]] = field(default_factory=dict)
    proposed: dict[str, list[str]] = field(default_factory=dict)
    listed: list[Entity] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    default_threshold: float = 0.7
    calls: list[tuple[str, str | None, float | None, int]] = field(default_factory=list)

    def entities(self) -> Iterator[Entity]:
        yield from self.listed

    def screen(
        self,
        name: str,
        *,
        schema: str | None = None,
        threshold: float | None = None,
        limit: int = 10,
    ) -> list[FakeHit]:
        self.calls.append((name, schema, threshold, limit))
        if name in self.refused:
            raise ValueError(f"name: {name!r} is not a name")
        return self.hits.get(name, [])[:limit]

    def candidates(self, name: str, *, schema: str | None = None) -> list[str]:
        return self.proposed.get(name, [])


def variation(query: str, klass: str, expected: str) -> Variation:
    return Variation(query, "Person", expected, klass, "John SMITH", CLASSES[klass], "test")


VARIATIONS = [
    variation("Jon Smith", "typo", "x:A"),
    variation("Jhon Smth", "typo", "x:A"),
    variation("Smith John", "word_order", "x:C"),
    variation("SMITH, John", "word_order", "x:C"),
]
NEGATIVES = [
    Negative("Nobody", "Person", "faker_person", "en_US"),
    Negative("Someone Else", "Person", "faker_person", "de_DE"),
    Negative("Acme Bakery", "Company", "near_miss", "org_distinctive_word:x:B"),
    Negative("\u0000", "Person", "faker_person", "en_US"),
]
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def fake() -> FakeScreener:
    return FakeScreener(
        hits={
            "Jon Smith": [FakeHit("x:A", 0.9), FakeHit("x:B", 0.6)],
            "Jhon Smth": [FakeHit("x:B", 0.8, "Jon SMYTHE"), FakeHit("x:A", 0.6)],
            "Smith John": [FakeHit("x:B", 0.72, "John SMITHSON")],
            "SMITH, John": [FakeHit("x:C", 0.75)],
            "Someone Else": [FakeHit("x:D", 0.55)],
            "Acme Bakery": [FakeHit("x:E", 0.65), FakeHit("x:F", 0.5)],
        },
        proposed={"Jon Smith": ["x:A", "x:B"], "SMITH, John": ["x:C"], "Smith John": ["x:B"]},
        refused={"\u0000"},
    )


@pytest.fixture
def report() -> EvaluationReport:
    return evaluate(
        fake(),
        variations=VARIATIONS,
        negative_queries=NEGATIVES,
        thresholds=THRESHOLDS,
        progress=False,
    )


def test_recall_per_class_group_and_overall(report: EvaluationReport) -> None:
    # expected-entity scores: typo 0.9, 0.6; word_order absent (0), 0.75
    assert report.recall["typo"] == {0.5: 1.0, 0.6: 1.0, 0.7: 0.5, 0.8: 0.5, 0.9: 0.5}
    assert report.recall["word_order"] == {0.5: 0.5, 0.6: 0.5, 0.7: 0.5, 0.8: 0.0, 0.9: 0.0}
    assert report.group_recall["degraded"] == report.recall["typo"]
    assert report.group_recall["benign"] == report.recall["word_order"]
    assert report.overall_recall == {0.5: 0.75, 0.6: 0.75, 0.7: 0.5, 0.8: 0.25, 0.9: 0.25}
    assert report.variation_counts["typo"] == 2 and report.variation_counts["homoglyph"] == 0


def test_false_positive_rate_and_chosen_threshold(report: EvaluationReport) -> None:
    # best negative scores: 0 (no hit), 0.55, 0.65, 0 (refused)
    assert report.false_positive_rate == {0.5: 0.5, 0.6: 0.25, 0.7: 0.0, 0.8: 0.0, 0.9: 0.0}
    assert report.false_positive_rate_by_kind["near_miss"][0.6] == 1.0
    assert report.false_positive_rate_by_kind["faker_person"][0.5] == pytest.approx(1 / 3)
    assert report.chosen_threshold == 0.7
    assert report.negative_counts == {"faker_person": 3, "faker_company": 0, "near_miss": 1}
    assert [r.negative.query for r in report.false_positives] == ["Someone Else", "Acme Bakery"]
    assert report.errors == 1


def test_candidate_recall(report: EvaluationReport) -> None:
    assert report.candidate_recall == 0.5
    assert report.candidate_recall_by_class["typo"] == 0.5
    assert report.candidate_recall_by_class["word_order"] == 0.5
    assert report.candidate_recall_by_class["homoglyph"] is None


def test_misses_keep_the_best_wrong_hit(report: EvaluationReport) -> None:
    misses = report.misses()  # at the chosen 0.7
    assert [(m.variation.query, m.score) for m in misses] == [
        ("Jhon Smth", 0.6),
        ("Smith John", 0.0),
    ]
    first, second = misses
    assert (first.wrong_id, first.wrong_name, first.wrong_score) == ("x:B", "Jon SMYTHE", 0.8)
    assert first.rank == 2
    assert (second.wrong_id, second.wrong_score, second.rank) == ("x:B", 0.72, None)


def test_schema_for_half_the_queries_and_lowest_threshold() -> None:
    screener = fake()
    evaluate(
        screener,
        variations=VARIATIONS,
        negative_queries=NEGATIVES,
        thresholds=THRESHOLDS,
        limit=7,
        progress=False,
    )
    assert [c[1] for c in screener.calls] == [
        "Person", None, "Person", None,  # variations
        "Person", None, "Company", None,  # negatives
    ]  # fmt: skip
    assert {c[2] for c in screener.calls} == {0.5}
    assert {c[3] for c in screener.calls} == {7}


def test_no_threshold_within_the_false_positive_budget() -> None:
    screener = FakeScreener(hits={"Nobody": [FakeHit("x:Z", 0.99)]})
    report = evaluate(
        screener,
        variations=VARIATIONS[:1],
        negative_queries=NEGATIVES[:1],
        thresholds=THRESHOLDS,
        progress=False,
    )
    assert report.chosen_threshold is None
    assert report.reference_threshold == 0.7  # the screener's default
    assert "No threshold keeps the false-positive rate" in report.to_markdown()
    assert choose_threshold({0.5: 0.1, 0.9: 0.004, 0.8: 0.005}) == 0.8


def test_markdown_tables(report: EvaluationReport) -> None:
    text = report.to_markdown()
    assert "**Chosen threshold: 0.70**" in text
    assert "| typo | degraded | 2 | 100.0% | 100.0% | 50.0% | 50.0% | 50.0% |" in text
    assert "| **all** | 4 | **50.0%** | **25.0%** | **0.0%** | **0.0%** | **0.0%** |" in text
    assert "| **all** | 4 | **50.0%** |" in text  # candidate recall
    assert "### typo (1 of 2 missed)" in text
    assert "`Jhon Smth`" in text and "Jon SMYTHE (x:B)" in text
    assert "| `Someone Else` | faker_person | de_DE | x:D | listed name | 0.55 |" in text
    assert "| homoglyph | evasion | 0 | – |" in text


def test_json_figures(report: EvaluationReport) -> None:
    data = json.loads(report.to_json())
    assert data["chosen_threshold"] == 0.7
    assert data["recall"]["typo"]["0.70"] == 0.5
    assert data["overall_recall"]["0.50"] == 0.75
    assert data["false_positive_rate"]["0.60"] == 0.25
    assert data["candidate_recall"] == 0.5
    assert data["targets"] == {
        "recall_benign_degraded": False,
        "recall_every_class": False,
        "fpr": True,
    }
    assert len(data["results"]) == 4
    assert data["results"][1]["best_other"] == {"id": "x:B", "name": "Jon SMYTHE", "score": 0.8}
    assert data["method_recall"]["typo"]["test"] == {"n": 2, "recall": 0.5}


def test_generates_from_the_screeners_entities_with_progress() -> None:
    entities = listed()
    screener = FakeScreener(listed=entities)
    out = io.StringIO()
    report = evaluate(
        screener,
        per_class=3,
        negatives=120,
        progress=True,
        console=Console(file=out, force_terminal=True),
    )
    assert report.thresholds == DEFAULT_THRESHOLDS
    assert sum(report.negative_counts.values()) == 120
    assert set(report.variation_counts) == set(CLASSES)
    assert all(1 <= n <= 3 for n in report.variation_counts.values())
    assert report.overall_recall[0.5] == 0.0
    assert len(screener.calls) == len(report.results) + 120
    assert "screening" in out.getvalue()
    notes = " ".join(report.notes)
    assert "translit_greek: the lists hold no Greek-script names" in notes


def test_with_the_real_screener() -> None:
    screening = pytest.importorskip("clearance.screening")
    entities: Iterable[Entity] = listed()
    screener = screening.Screener.from_entities(entities)
    report = evaluate(screener, per_class=4, negatives=60, progress=False)
    assert len(report.results) == sum(report.variation_counts.values())
    assert all(0.0 <= v <= 1.0 for v in report.overall_recall.values())
    values: Sequence[float] = list(report.overall_recall.values())
    assert list(values) == sorted(values, reverse=True)
    assert report.errors == 0
    json.loads(report.to_json())
