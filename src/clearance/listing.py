"""The summary of every dataset that `clearance lists` and the API show."""

from __future__ import annotations

from typing import Any

from clearance.sources.registry import DATASETS
from clearance.store.store import Store


def dataset_summaries(store: Store) -> list[dict[str, Any]]:
    """One row per dataset: configured ones (loaded or not) and users' own datasets.

    `release` is the active release; `last_attempt` tells when the newest release
    was held back, so a stale list is never mistaken for a current one.
    """
    snapshot = store.active_snapshot()
    active = snapshot.releases if snapshot else {}
    by_dataset: dict[str, list[Any]] = {}
    for release in store.releases():
        by_dataset.setdefault(release.dataset, []).append(release)
    names = list(DATASETS) + sorted(set(by_dataset) - set(DATASETS))
    rows = []
    for name in names:
        configured = DATASETS.get(name)
        releases = by_dataset.get(name, [])
        current = next((r for r in releases if r.id == active.get(name)), None)
        newest = releases[-1] if releases else None
        rows.append(
            {
                "dataset": name,
                "title": configured.title if configured else name,
                "publisher": configured.publisher if configured else "user",
                "category": configured.category if configured else "user",
                "entities": current.entity_count if current else None,
                "as_of": current.published_at if current else None,
                "fetched_at": current.fetched_at if current else None,
                "release": current.id if current else None,
                "format": current.format if current else None,
                "snapshot": snapshot.id if snapshot and current else None,
                "releases": len(releases),
                "last_attempt": (
                    {"release": newest.id, "status": newest.status, "reason": newest.reason}
                    if newest is not None and newest is not current
                    else None
                ),
            }
        )
    return rows
