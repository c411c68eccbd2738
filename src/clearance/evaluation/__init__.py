"""The quality benchmark behind `clearance evaluate`.

    from clearance.evaluation import evaluate
    report = evaluate(Screener.open(), per_class=300, negatives=20000)
    print(report.to_markdown())

Seeded variations of listed names, one class per kind of difference
(variations.py), unlisted names that must not match (negatives.py), the screening
run and its figures (run.py) and the report (report.py).
"""

from clearance.evaluation.negatives import Negative, generate_negatives
from clearance.evaluation.report import EvaluationReport, NegativeResult, VariationResult
from clearance.evaluation.run import DEFAULT_THRESHOLDS, evaluate
from clearance.evaluation.variations import CLASSES, GROUPS, Variation, generate_variations

__all__ = [
    "CLASSES",
    "DEFAULT_THRESHOLDS",
    "GROUPS",
    "EvaluationReport",
    "Negative",
    "NegativeResult",
    "Variation",
    "VariationResult",
    "evaluate",
    "generate_negatives",
    "generate_variations",
]
