"""Which portfolio rows a change of the lists can reach, so a run re-screens only those.

A row keeps its previous hits only if this module proves that a full re-screen
would give the same ones. The proof rests on three properties of the matcher:

- weights are stable: computed against the number of names rounded to a grid,
  with a word's number of names above a few rounded too (`index.build`), so a
  change moves the weight of few words, which are `dirty` here (added, removed,
  reweighed, or another common/Arabic-script status);
- `find_candidates` credits a name only through the query's look-up keys, and
  breaks ties by name id, so names of unchanged entities without dirty words
  compete exactly as before (they keep their order in the new index);
- the previous run kept each row's `CandidateBar`: what a name outside its
  candidates must share with it to change them.

The names concerned are those of added, removed or changed entities and those
with a dirty word, in the old index and the new. A row must be screened again if
it had a hit on a changed entity, if one of its own words or look-up keys is
dirty, or if one of those names may share enough with it to pass its bar.
That last check needs no screening: an index of only those names' words
(`lookup_index`) tells which of them the row's keys reach, exactly as the full
index would, and `shared_weight_bounds` bounds what each name can share.
When the rounded number of names itself changed, every weight moved, and every
row is screened again. The monitor's
tests and benchmark compare incremental runs with full ones.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from clearance.batch.queries import RawQuery, parse_row, schema_of
from clearance.diff import diff_snapshots
from clearance.index import ScreeningIndex, build_index, index_path, load_index, save_index
from clearance.index.build import EntityInfo, NameEntry, lookup_index
from clearance.matching.candidates import (
    COVER_FLOOR,
    CROWDED_ROOM,
    CandidateBar,
    _query_keys,
    _similar_tokens,
    rank_value,
    shared_weights,
)
from clearance.names import NormalizedName, normalize_name
from clearance.screening import Allowed, Screener, entity_filter
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

    def reaches(self, query: RawQuery, previous: Collection[str], bar: CandidateBar | None) -> bool:
        """True if the row must be screened again. `previous`: entity ids of its last hits;
        `bar`: its candidates' bar from the last screening (None when not known)."""
        ...


class NoListChange:
    """Same snapshot as the previous run: every unchanged row keeps its hits."""

    reason = "lists unchanged"

    def reaches(self, query: RawQuery, previous: Collection[str], bar: CandidateBar | None) -> bool:
        return False


class _Kept(NamedTuple):
    entities: frozenset[str]  # changed entities among the candidates
    ranked: int  # concerned names ranked (above the floor)
    scored: int  # concerned names the look-up credits at all


class _Concerned:
    """The names concerned by a change in one of the two indexes, with an index of just
    their words, through which a row's look-up reaches them exactly as through the
    full index (`lookup_index`)."""

    def __init__(
        self, index: ScreeningIndex, names: frozenset[int], entities: frozenset[str]
    ) -> None:
        self.index, self.names = index, names
        words: dict[str, list[int]] = {}
        self.joined: dict[str, list[int]] = {}
        for name_id in sorted(names):
            for token in dict.fromkeys(index.names.rows[name_id][_NAME_TOKENS]):
                words.setdefault(token, []).append(name_id)
        for joined, name_ids in index.joined.items():
            concerned = [n for n in name_ids if n in names]
            if concerned:
                self.joined[joined] = concerned
        abjad = {index.tokens[i] for i in index.abjad_tokens}
        self.lookup = lookup_index(words, abjad)
        self.names_with = [words[t] for t in self.lookup.tokens]
        # name id -> (entity position, entity id, whether the entity itself changed)
        self.owner: dict[int, tuple[int, str, bool]] = {}
        for name_id in names:
            position = index.names.rows[name_id][_NAME_ENTITY]
            entity_id = index.entities.field(position, _ENTITY_ID)
            self.owner[name_id] = (position, entity_id, entity_id in entities)
        self._reach: dict[tuple[str, str], dict[int, float]] = {}

    def reach(self, key: str, script: str) -> dict[int, float]:
        found = self._reach.get((key, script))
        if found is None:
            found = _similar_tokens(self.lookup, key, script, self.index.token_ids)
            self._reach[(key, script)] = found
        return found

    def weights(self, query: NormalizedName, keys: list[str]) -> dict[int, float]:
        return shared_weights(
            self.index,
            query,
            keys,
            lambda key: self.reach(key, query.script),
            self.lookup.tokens,
            self.names_with,
            self.joined,
        )

    def kept(
        self,
        query: NormalizedName,
        weights: dict[int, float],
        bar: CandidateBar,
        allowed: Allowed | None,
    ) -> _Kept | None:
        """Which changed entities the row's look-up keeps among its candidates, given the
        `weights` it credits the names concerned, judged against the row's bar; None
        when that is not certain (see `ListScope.reaches`)."""
        if not weights:
            return _Kept(frozenset(), 0, 0)
        if bar.crowded or len(weights) >= CROWDED_ROOM:
            return None
        index = self.index
        query_weight = sum((index.token_idf(t) for t in query.tokens), 0.0)
        kept: set[str] = set()
        ranked = 0
        for name_id, shared in weights.items():
            if shared >= bar.best or _near(shared, bar.best):
                return None  # it may have been the best, or become it: the floor moves
            weight = index.name_weights[name_id]
            cover = COVER_FLOOR * min(query_weight, weight)
            if _near(shared, bar.floor) or _near(shared, cover):
                return None
            if shared < bar.floor or shared < cover:
                continue
            ranked += 1
            rank = rank_value(shared, weight)
            if _near(rank, bar.rank):
                return None  # it may be the first name left out, or take its place
            if rank > bar.rank:
                continue
            position, entity_id, changed = self.owner[name_id]
            if allowed is not None and not allowed(position):
                continue
            if not changed:
                return None  # a reweighed name of an unchanged party among the candidates
            kept.add(entity_id)
        return _Kept(frozenset(kept), ranked, len(weights))


def _near(a: float, b: float) -> bool:
    """Too close to call: the look-up's float and ours may differ in the last bits."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-9 * (1.0 + abs(a) + abs(b))


class ListScope:
    """The rows a change between two snapshots' indexes can reach (see the module notes)."""

    def __init__(
        self, old: ScreeningIndex, new: Screener, change: ListChange, threshold: float
    ) -> None:
        self.old, self.new, self.screener = old, new.index, new
        self.change, self.threshold = change, threshold
        self.everything = old.reference_size != self.new.reference_size
        if self.everything:
            self.reason = (
                f"{change.describe()}; the number of listed names weights are counted against "
                f"changed ({old.reference_size:,} → {self.new.reference_size:,}), which moves "
                "every name part's weight, so every row was re-screened"
            )
            return
        self.dirty = _dirty_tokens(old, self.new)
        entities = change.entities
        self.concerned = (
            _Concerned(old, _affected_names(old, entities, self.dirty), entities),
            _Concerned(self.new, _affected_names(self.new, entities, self.dirty), entities),
        )
        self.positions = {
            entity_id: position
            for position, entity_id, _changed in self.concerned[1].owner.values()
        }
        self.reason = (
            f"{change.describe()}; {len(self.dirty):,} name parts changed weight; rows whose "
            f"candidates the {len(self.concerned[1].names):,} names concerned may change "
            "were re-screened"
        )

    def reaches(self, query: RawQuery, previous: Collection[str], bar: CandidateBar | None) -> bool:
        """A row keeps its hits only if the change provably leaves them as they are: no
        hit on a changed entity; none of its words or look-up keys reweighed; and the
        concerned names it reaches leave its candidates as they were, but for changed
        entities that are among them before and after, without a hit. That last case
        is common: a party's twenty candidates hold weak ones, and a changed weak
        candidate changes no hit."""
        entities = self.change.entities
        if self.everything or bar is None or any(e in entities for e in previous):
            return True
        try:  # as the screener reads the row (a row it refused has no bar)
            normalized = normalize_name(query.name.strip(), schema_of(query.schema))
        except Exception:
            return True
        keys = _query_keys(normalized, self.new)
        dirty = self.dirty
        if keys != _query_keys(normalized, self.old):
            return True
        if any(k in dirty for k in keys) or any(t in dirty for t in normalized.tokens):
            return True
        old_side, new_side = self.concerned
        credited = old_side.weights(normalized, keys), new_side.weights(normalized, keys)
        if not credited[0] and not credited[1]:
            return False  # the usual case: it reaches none of the names concerned
        if bar.best == -math.inf:  # ANY_CHANGE: any concerned name it reaches counts
            return True
        parsed = parse_row(query)
        before = old_side.kept(normalized, credited[0], bar, entity_filter(self.old, parsed))
        after = new_side.kept(normalized, credited[1], bar, entity_filter(self.new, parsed))
        if before is None or after is None or before != after:
            return True
        return any(
            self.screener.entity_hit(parsed, self.positions[e], self.threshold) is not None
            for e in after.entities
        )


def _dirty_tokens(old: ScreeningIndex, new: ScreeningIndex) -> frozenset[str]:
    """Tokens listed in only one index, or weighed differently, or common in one only
    (fetched with other words only), or on a name written in Arabic script in one only
    (looked up by consonants)."""
    dirty = set(old.token_ids.keys() ^ new.token_ids.keys())
    for token, new_id in new.token_ids.items():
        old_id = old.token_ids.get(token)
        if old_id is None:
            continue
        if (
            old.idf[old_id] != new.idf[new_id]
            or (len(old.postings[old_id]) > old.common_limit)
            != (len(new.postings[new_id]) > new.common_limit)
            or (old_id in old.abjad_tokens) != (new_id in new.abjad_tokens)
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
