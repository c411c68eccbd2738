"""The explanation of a hit, in words a compliance officer can check against the record."""

from __future__ import annotations

from clearance.matching.score import Feature, NameComparison
from clearance.names import NormalizedName

_HOW = {
    "exact": "=",
    "typo": "≈ (spelling)",
    "initial": "≈ (initial)",
    "sound": "≈ (same consonants)",
    "romanization": "≈ (other romanisation)",
}


def explain(
    query: NormalizedName,
    matched_name: str,
    name_kind: str,
    listed_notes: tuple[str, ...],
    comparison: NameComparison,
    features: list[Feature],
    score: float,
) -> str:
    kind = "" if name_kind == "primary" else f" ({name_kind.replace('_', ' ')})"
    parts = [f"'{query.original}' ~ '{matched_name}'{kind}: name score {comparison.score:.2f}"]
    if comparison.pairs:
        aligned = "; ".join(
            f"{p.query} {_HOW.get(p.how, '~')} {p.listed} ({p.weight:.0%})"
            for p in comparison.pairs
        )
        parts.append(f"parts: {aligned}")
    if comparison.joined_similarity:
        parts.append(
            f"written without spaces the names are {comparison.joined_similarity:.0%} alike"
        )
    if comparison.unmatched_query:
        parts.append("not on the list: " + ", ".join(comparison.unmatched_query))
    if comparison.unmatched_listed:
        parts.append("not in the query: " + ", ".join(comparison.unmatched_listed))
    done = list(dict.fromkeys(query.notes + listed_notes))
    if done:
        parts.append("normalised: " + "; ".join(done))
    for feature in features:
        parts.append(f"{feature.detail} ({feature.delta:+.2f})")
    parts.append(f"score {score:.2f}")
    return ". ".join(parts) + "."
