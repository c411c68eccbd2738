"""Which portfolio rows a change of the lists can reach, so a run re-screens only those.

The obvious plan — screen the unchanged rows only against the listed entities
that were added or changed, keep their other hits — is not exact with this
matcher. A score weighs each name part by its inverse document frequency over
*every* listed name (`index.idf`, and `max_idf` / `generic_idf` from the
number of names), and candidates are cut relative to the best one (a floor at
a share of the best candidate's weight, the best twenty parties). So a list
change also moves:

- every weight, when the number of listed names changes (an entity added or
  removed, an alias more or less): the scores of unchanged pairs move in the
  fourth decimal, and a near miss can cross the 0.5 report floor;
- the weight of every part of a changed name ("IVAN" when one Ivan is renamed),
  hence the scores against every listed name with that part, changed or not;
- a row's candidate cut, when a changed name enters or leaves its candidates.

A small index of the changed entities, even scored with the full index's
weights, misses all three. Instead this module proves, per row, that nothing
its result depends on changed, and only such rows keep their previous hits:

- `dirty` tokens: those whose presence, number of names or weight differs
  between the old and new snapshot's index;
- affected names: names of added, removed or changed entities, and names with a
  dirty token (their weight, hence their rank and score, moved);
- a row is reached if its own name parts or anything its candidate look-up
  touches (the same keys and `similar_tokens` the screener uses, in the old and
  the new index, and its spaceless form) shares a token with an affected name.

An unreached row looks up the same tokens, with the same weights, in the same
names, in the same order (names of unchanged entities keep their relative
order in both indexes), so `screen()` returns the same hits. When the number of
names changed, every weight moved: every row that reaches any listed name, or
had a hit, is re-screened; rows that reach nothing and had nothing keep their
(empty) result. The monitor's tests compare incremental runs with full ones.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from clearance.batch.queries import RawQuery, schema_of
from clearance.diff import diff_snapshots
from clearance.index import ScreeningIndex, build_index, index_path, load_index, save_index
from clearance.index.build import EntityInfo, NameEntry
from clearance.matching.candidates import _query_keys, similar_tokens
from clearance.names import NormalizedName, normalize_name
from clearance.store.store import Store

_ENTITY_ID = EntityInfo._fields.index("id")
_NAME_ENTITY = NameEntry._fields.index("entity")
_NAME_TOKENS = NameEntry._fields.index("tokens")


@dataclass(frozen=True)
class ListChange:
    """Entities added, removed or changed between two snapshots (by `clearance.diff`)."""

    old_snapshot: int
    new_snapshot: int
    added: frozenset[str]
    removed: frozenset[str]
    changed: frozenset[str]

    @property
    def entities(self) -> frozenset[str]:
        return self.added | self.removed | self.changed

    def describe(self) -> str:
        return (
            f"lists changed (snapshot {self.old_snapshot} → {self.new_snapshot}): "
            f"{len(self.added):,} entities added, {len(self.removed):,} removed, "
            f"{len(self.changed):,} changed"
        )


def list_change(store: Store, old_snapshot: int, new_snapshot: int) -> ListChange:
    added: set[str] = set()
    removed: set[str] = set()
    changed: set[str] = set()
    for dataset in diff_snapshots(store, old_snapshot, new_snapshot):
        added.update(c.id for c in dataset.added)
        removed.update(c.id for c in dataset.removed)
        changed.update(c.id for c in dataset.changed)
    return ListChange(
        old_snapshot, new_snapshot, frozenset(added), frozenset(removed), frozenset(changed)
    )


def snapshot_index(store: Store, snapshot_id: int) -> ScreeningIndex:
    """Any snapshot's index, persisted or built (Screener.open opens only the active one)."""
    path = index_path(store.home, snapshot_id)
    index = load_index(path) if path.exists() else None
    if index is None:
        snapshot = store.snapshot(snapshot_id)
        as_of = {d: store.release(r).published_at for d, r in snapshot.releases.items()}
        releases = list(snapshot.releases.values())
        index = build_index(store.iter_entities(releases), str(snapshot_id), as_of)
        save_index(index, path)
    return index


class Scope(Protocol):
    """Decides whether a row's previous hits can still be the answer."""

    #: in words, for the run's evidence
    reason: str

    def reaches(self, query: RawQuery, previous: Collection[str]) -> bool:
        """True if the row must be screened again; `previous`: entity ids of its last hits."""
        ...


class NoListChange:
    """Same snapshot as the previous run: every unchanged row keeps its hits."""

    reason = "lists unchanged"

    def reaches(self, query: RawQuery, previous: Collection[str]) -> bool:
        return False


def _normalized(query: RawQuery) -> NormalizedName | None:
    try:
        return normalize_name(query.name.strip(), schema_of(query.schema))
    except Exception:  # a row the normaliser refuses is screened, not guessed
        return None


def _touched(index: ScreeningIndex, query: NormalizedName) -> set[int]:
    """Token ids of `index` the candidate look-up of `query` can reach."""
    found = {index.token_ids[t] for t in query.tokens if t in index.token_ids}
    for key in _query_keys(query, index):
        found.update(similar_tokens(index, key, query.script))
    return found


class ListScope:
    """The rows a change between two snapshots' indexes can reach (see the module notes)."""

    def __init__(self, old: ScreeningIndex, new: ScreeningIndex, change: ListChange) -> None:
        self.old, self.new, self.change = old, new, change
        self.everything = (
            len(old.names) != len(new.names)
            or old.max_idf != new.max_idf
            or old.generic_idf != new.generic_idf
        )
        if self.everything:
            self.reason = (
                f"{change.describe()}; the number of listed names changed "
                f"({len(old.names):,} → {len(new.names):,}), which moves every name part's "
                "weight, so every row that reaches a listed name or had a hit was re-screened"
            )
            return
        self.dirty = _dirty_tokens(old, new)
        self.affected_old = _affected_names(old, change.entities, self.dirty)
        self.affected_new = _affected_names(new, change.entities, self.dirty)
        tokens: set[str] = set()
        for index, names in ((old, self.affected_old), (new, self.affected_new)):
            for name_id in names:
                tokens.update(index.names.field(name_id, _NAME_TOKENS))
        self.tokens = frozenset(tokens)
        self.token_ids_old = frozenset(old.token_ids[t] for t in tokens if t in old.token_ids)
        self.token_ids_new = frozenset(new.token_ids[t] for t in tokens if t in new.token_ids)
        self.reason = (
            f"{change.describe()}; {len(self.dirty):,} name parts changed weight; rows whose "
            f"look-up reaches one of the {len(tokens):,} parts of the "
            f"{len(self.affected_new):,} names concerned were re-screened"
        )

    def reaches(self, query: RawQuery, previous: Collection[str]) -> bool:
        entities = self.change.entities
        if any(e in entities for e in previous):
            return True
        normalized = _normalized(query)
        if normalized is None:
            return True
        if self.everything:
            return bool(previous) or self._reaches_any(normalized)
        if any(t in self.tokens for t in normalized.tokens):
            return True
        for index, token_ids, names in (
            (self.new, self.token_ids_new, self.affected_new),
            (self.old, self.token_ids_old, self.affected_old),
        ):
            if not names.isdisjoint(index.joined.get(normalized.joined, ())):
                return True
            if not token_ids.isdisjoint(_touched(index, normalized)):
                return True
        return False

    def _reaches_any(self, query: NormalizedName) -> bool:
        index = self.new
        if index.joined.get(query.joined) or any(t in index.token_ids for t in query.tokens):
            return True
        return any(similar_tokens(index, key, query.script) for key in _query_keys(query, index))


def _dirty_tokens(old: ScreeningIndex, new: ScreeningIndex) -> frozenset[str]:
    """Tokens listed in only one index, or on a different number of names, or weighed
    differently (the weight also folds in the generic-word cap)."""
    dirty = set(old.token_ids.keys() ^ new.token_ids.keys())
    for token, new_id in new.token_ids.items():
        old_id = old.token_ids.get(token)
        if old_id is None:
            continue
        if old.idf[old_id] != new.idf[new_id] or len(old.postings[old_id]) != len(
            new.postings[new_id]
        ):
            dirty.add(token)
    return frozenset(dirty)


def _affected_names(
    index: ScreeningIndex, entities: frozenset[str], dirty: frozenset[str]
) -> frozenset[int]:
    """Name ids of changed entities, and of names with a dirty token."""
    affected = set()
    for name_id, row in enumerate(index.names.rows):
        entity_id = index.entities.field(row[_NAME_ENTITY], _ENTITY_ID)
        if entity_id in entities or not dirty.isdisjoint(row[_NAME_TOKENS]):
            affected.add(name_id)
    return frozenset(affected)
