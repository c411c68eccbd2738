"""What changed between two releases of a dataset, or two snapshots.

Entities are compared by their stable id and content hash, so a re-ordered or
re-typeset file with the same facts shows no change, and a changed date of
birth or a new alias does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clearance.store.store import Store


@dataclass(frozen=True)
class Change:
    id: str
    caption: str
    fields: tuple[str, ...] = ()  # for changed entities: which parts of the record changed


@dataclass
class DatasetDiff:
    dataset: str
    old_release: str | None
    new_release: str | None
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        def rows(changes: list[Change]) -> list[dict[str, object]]:
            return [{"id": c.id, "caption": c.caption, "fields": list(c.fields)} for c in changes]

        return {
            "dataset": self.dataset,
            "old_release": self.old_release,
            "new_release": self.new_release,
            "added": rows(self.added),
            "removed": rows(self.removed),
            "changed": rows(self.changed),
        }


def diff_releases(store: Store, old_id: str | None, new_id: str | None) -> DatasetDiff:
    old = store.release_index(old_id) if old_id else {}
    new = store.release_index(new_id) if new_id else {}
    either = new_id or old_id
    dataset = store.release(either).dataset if either else ""
    result = DatasetDiff(dataset, old_id, new_id)
    added, removed, changed = _compare(old, new)
    result.added = [Change(entity_id, new[entity_id][1]) for entity_id in added]
    result.removed = [Change(entity_id, old[entity_id][1]) for entity_id in removed]
    for entity_id in changed:
        before = store.entity_version(old[entity_id][0]).to_dict()
        after = store.entity_version(new[entity_id][0]).to_dict()
        fields = tuple(k for k in after if before.get(k) != after.get(k))
        result.changed.append(Change(entity_id, new[entity_id][1], fields))
    return result


def snapshot_changes(
    store: Store, old_id: int, new_id: int
) -> tuple[list[str], list[str], list[str]]:
    """Entity ids added, removed and changed between two snapshots, by content hash
    alone: what monitoring needs, without reading each changed entity twice to
    name the fields that changed (`diff_snapshots` does)."""
    old = store.snapshot(old_id).releases
    new = store.snapshot(new_id).releases
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []
    for dataset in sorted(old.keys() | new.keys()):
        before, after = old.get(dataset), new.get(dataset)
        if before != after:
            found = _compare(
                store.release_index(before) if before else {},
                store.release_index(after) if after else {},
            )
            for ids, more in zip((added, removed, changed), found, strict=True):
                ids += more
    return added, removed, changed


def _compare(
    old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]]
) -> tuple[list[str], list[str], list[str]]:
    """Ids added, removed, and changed (another content hash), each sorted."""
    return (
        sorted(new.keys() - old.keys()),
        sorted(old.keys() - new.keys()),
        sorted(e for e in old.keys() & new.keys() if old[e][0] != new[e][0]),
    )


def diff_snapshots(store: Store, old_id: int, new_id: int) -> list[DatasetDiff]:
    old = store.snapshot(old_id).releases
    new = store.snapshot(new_id).releases
    diffs = []
    for dataset in sorted(old.keys() | new.keys()):
        if old.get(dataset) != new.get(dataset):
            diffs.append(diff_releases(store, old.get(dataset), new.get(dataset)))
    return diffs


def resolve_pair(store: Store, old: str | None, new: str | None) -> list[DatasetDiff]:
    """Diff two snapshot numbers, two release ids, or by default the last two snapshots."""
    if old is None and new is None:
        snapshots = store.snapshots()
        if len(snapshots) < 2:
            raise ValueError("there are fewer than two snapshots to compare")
        return diff_snapshots(store, snapshots[-2].id, snapshots[-1].id)
    if old is None or new is None:
        raise ValueError("give both OLD and NEW, or neither")
    if old.isdigit() and new.isdigit():
        return diff_snapshots(store, int(old), int(new))
    old_release, new_release = store.release(old), store.release(new)
    if old_release.dataset != new_release.dataset:
        raise ValueError(
            f"releases belong to different datasets ({old_release.dataset}, {new_release.dataset})"
        )
    return [diff_releases(store, old, new)]
