"""Dataset scopes as yente names them: one per list, plus the collections.

`default` is everything served; `sanctions` and `export_controls` follow each
dataset's category in the registry. A user's own dataset is only in `default`.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import HTTPException

from clearance.sources.registry import DATASETS

COLLECTIONS = {
    "default": "All lists served",
    "sanctions": "Sanctions lists",
    "export_controls": "Export-control lists",
}


def collection_members(name: str, loaded: Iterable[str]) -> list[str]:
    names = sorted(loaded)
    if name == "default":
        return names
    return [d for d in names if d in DATASETS and DATASETS[d].category == name]


def resolve_scope(
    dataset: str,
    loaded: Iterable[str],
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> frozenset[str]:
    """The datasets a request may see, or 404 naming the unknown dataset."""
    available = set(loaded)
    if dataset in COLLECTIONS:
        scope = set(collection_members(dataset, available))
    elif dataset in available:
        scope = {dataset}
    else:
        known = ", ".join([*COLLECTIONS, *sorted(available)])
        raise HTTPException(404, f"no such dataset: {dataset!r}; datasets: {known}")
    included = set(include)
    if included:
        scope &= included
    return frozenset(scope - set(exclude))
