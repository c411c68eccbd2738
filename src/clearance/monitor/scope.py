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
  candidates must share with it to change them, and which parties it scored.

The names concerned are those of added, removed or changed entities and those
with a dirty word, in the old index and the new; the parties concerned are
their owners. A row must be screened again if one of its own words or look-up
keys is dirty, or if a name concerned may move its candidates (other than a
concerned party among them before and after). That check needs no
screening: an index of only those names' words (`lookup_index`) tells which of
them the row's keys reach, exactly as the full index would, and
`shared_weights` replays the credit the look-up gives each. Names of a changed
party that are the same on both sides are stable and not concerned: they keep
their place, so only their party's hit may change, and only in the rows whose
bar names it among the parties scored (a change that amends entries without
renaming them is checked by that alone). A name concerned that a row credits
exactly as its counterpart on the other side (same party, same place among its
names: `_twins`) cannot move the best or a cut ranking's edge, which the bar
keeps too; a row whose best weight a new name gets to the bit keeps that best.
Other names concerned may come into a cut ranking or leave it where the first
name left out ranks before any name sharing no more than the edge: one name more
pushes out the name at the edge, fewer let in names sharing no more, and none of
those is a candidate. The new edge is then not known, and stored so.
Then only the hits of parties concerned may differ, and `Screener.party_hit`
works each one out again where that is certain (its single best name surely a
candidate, or no name reaching the report floor; a party taken among the
candidates has its names that are not concerned there where they surely rank
before the bar); where not, or where the row already had as many hits as it
keeps and one of them is lost or lowered (one the limit cut may come back), the
row is screened again.

The bar also keeps the ranking around its rank (its `Window`): the last party
taken, the first party left out, the ranks of their first names and of the
party after, and whether other candidates have names between them. One changed
party entering or leaving a row's candidates, or a changed first party left out
moving, is then followed without screening (`ListScope._shift`): one entering
pushes the last party out (which must have had no hit), one leaving lets the
first party left out in (which must have no hit with any of its names), and the
bar's rank moves to the new first name left out. The window also names the
party after the first one left out and where the next one begins, so two
changed parties leaving are followed too (`ListScope._both_gone`), and one
leaving as another enters, which leaves the bar where it was
(`ListScope._swapped`). The look-up of a row with a schema passes over parties
of other kinds until it has its candidates and then stops at the next name of
any party it has not taken: the window records where it would stop after one
party more, so one candidate leaving is followed (`ListScope._typed_gone`), and
whether a party not taken has a name between the last two parties' first names,
so one entering is (`ListScope._typed_came`); a changed last party whose first
name comes no sooner leaves the count where it was (`ListScope._last_sooner`);
otherwise such a row is followed only where the count of parties reaches its
limit where it did. A changed party's names that are not concerned (as they
were, or without a reweighed word) are probed on their own for a row whose
candidates that party enters or leaves: ranked above the bar, they hold its
place. A row followed so has its window and the parties its bar names stored
as unknown, so a later change screens it where it would need them. Weights
are rounded, so many names rank alike to the bit, and the look-up breaks such
ties by name id: a name concerned tied with the first name left out falls
before or after it by id, that name being found again in each index as the
first, by rank then id, of the first party left out (`ListScope._bar_name`).
The bar's pool counts move by the names concerned that a spared row's pools
gain or lose, and the run stores them, so the next run starts from exact
counts. When the rounded number of names itself changed, every weight moved,
and every row is screened again.
The monitor's tests and benchmark compare incremental runs with full ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from clearance.batch.queries import RawQuery, parse_row, schema_of
from clearance.diff import snapshot_changes
from clearance.index import ScreeningIndex, build_index, index_path, load_index, save_index
from clearance.index.build import EntityInfo, NameEntry, lookup_index
from clearance.matching.candidates import (
    _NAME_ENTITY,
    _NAME_TOKENS,
    ANY_CHANGE,
    COVER_FLOOR,
    INITIAL_POOL,
    MAX_CANDIDATES,
    RANKED_POOL,
    SPLIT_LENGTH,
    CandidateBar,
    SoundKeys,
    _query_keys,
    _splits,
    fuzzy_edges,
    party_key,
    probe,
    rank_value,
    shared_weights,
    similarities,
    sound_keys,
)
from clearance.names import NormalizedName, normalize_name
from clearance.screening import Allowed, Hit, Query, Screener, schema_filter
from clearance.store.store import Store

_ENTITY_ID = EntityInfo._fields.index("id")
_NAME_ORIGINAL = NameEntry._fields.index("original")


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
    added, removed, changed = snapshot_changes(store, old_snapshot, new_snapshot)
    return ListChange(
        old_snapshot, new_snapshot, frozenset(added), frozenset(removed), frozenset(changed)
    )


def snapshot_index(store: Store, snapshot_id: int) -> ScreeningIndex:
    """Any snapshot's index, persisted or built (Screener.open opens only the active one);
    read from its file without the tables that only screening needs."""
    path = index_path(store.home, snapshot_id)
    index = load_index(path, lookups=False) if path.exists() else None
    if index is None:
        snapshot = store.snapshot(snapshot_id)
        as_of = {d: store.release(r).published_at for d, r in snapshot.releases.items()}
        releases = list(snapshot.releases.values())
        index = build_index(store.iter_entities(releases), str(snapshot_id), as_of)
        save_index(index, path)
    return index


class Screened(NamedTuple):
    """What a row's last screening leaves for the next run: its candidates' bar, and
    the name as normalised (script and parts), so checking a row against a list
    change does not normalise it again."""

    bar: CandidateBar
    script: str  # empty when not kept (runs before it was)
    tokens: tuple[str, ...]
    #: one party entered or left its candidates in a run that spared it (then the
    #: parties its bar names are no longer known: `run._move_bars`)
    shifted: bool = False

    def normalized(self, query: RawQuery) -> NormalizedName:
        name = query.name.strip()
        if not self.script:
            return normalize_name(name, schema_of(query.schema))
        return NormalizedName(name, self.tokens, self.script, ())


class Spared(NamedTuple):
    """A row that need not be screened again: what its screening would now leave, and
    the hits of the parties worked out again (entity id -> its hit now, None for no
    hit); its other previous hits stand as they were."""

    screened: Screened
    rescored: dict[str, Hit | None] | None = None


class Scope(Protocol):
    """Decides whether a row's previous hits can still be the answer."""

    #: in words, for the run's evidence
    reason: str

    def check(
        self,
        query: RawQuery,
        previous: Mapping[str, str],
        screened: Screened | None,
        scores: Mapping[str, float] | None = None,
    ) -> Spared | None:
        """None if the row must be screened again (`previous`: entity id -> matched
        name of its last hits; `screened`: what its last screening left, None when
        not known; `scores`: entity id -> score of its last hits, when known)."""
        ...


class NoListChange:
    """Same snapshot as the previous run: every unchanged row keeps its hits."""

    reason = "lists unchanged"

    def check(
        self,
        query: RawQuery,
        previous: Mapping[str, str],
        screened: Screened | None,
        scores: Mapping[str, float] | None = None,
    ) -> Spared | None:
        return Spared(screened if screened is not None else _UNKNOWN)


#: a spared row whose last screening left nothing (a run before bars were kept)
_UNKNOWN = Screened(ANY_CHANGE, "", ())


class _Kept(NamedTuple):
    entities: frozenset[str]  # parties concerned among the candidates
    ranked: int  # concerned names ranked (above the floor)
    scored: int  # concerned names the look-up credits at all
    pooled: frozenset[int] = frozenset()  # twins ranked in a cut ranking
    names: frozenset[int] = frozenset()  # concerned names surely among the candidates
    windowed: bool = False  # a concerned name is ranked within the bar's window
    at_bar: bool = False  # the first party left out is concerned, its name at the bar
    #: a concerned name is tied with the first name left out (same rank to the bit):
    #: which comes first is up to their name ids (`ListScope._bar_name`)
    tied: bool = False
    #: concerned names other than twins surely in a cut ranking (above its edge), and
    #: those level with its edge (in or out by a tie)
    unpaired: int = 0
    level: int = 0
    #: a concerned name is ranked within the part of the window beyond its first party
    #: left out (`Window.further`)
    far: bool = False


class _Concerned:
    """The names concerned by a change in one of the two indexes, with an index of just
    their words, through which a row's look-up reaches them exactly as through the
    full index (`lookup_index`)."""

    def __init__(
        self, index: ScreeningIndex, names: frozenset[int], abjad: set[str] | None = None
    ) -> None:
        """`abjad`: the index's tokens on names written in Arabic script, when known."""
        self.index, self.names = index, names
        self.words: dict[str, list[int]] = {}
        self.joined: dict[str, list[int]] = {}
        for name_id in sorted(names):
            tokens = index.names.rows[name_id][_NAME_TOKENS]
            for token in dict.fromkeys(tokens):
                self.words.setdefault(token, []).append(name_id)
            # the index's spaceless form of a name (`index.joined`) is its parts joined
            self.joined.setdefault("".join(tokens), []).append(name_id)
        self.abjad = {index.tokens[i] for i in index.abjad_tokens} if abjad is None else abjad
        self.lookup = lookup_index(self.words, self.abjad)
        self.names_with = [self.words[t] for t in self.lookup.tokens]
        # name id -> (entity position, entity id), and entity id -> position
        self.owner: dict[int, tuple[int, str]] = {}
        for name_id in names:
            position = index.names.rows[name_id][_NAME_ENTITY]
            self.owner[name_id] = (position, index.entities.field(position, _ENTITY_ID))
        self.positions = {entity_id: position for position, entity_id in self.owner.values()}
        self._edges: dict[int, tuple[frozenset[str], frozenset[str]]] | None = None
        # each word's weight in this index, as `ScreeningIndex.token_idf` gives it: half
        # the book's rows reach a name concerned, and asking the index (an uncompiled
        # method) for each word of each was a tenth of judging them
        self._idf: dict[str, float] = {}
        self.name_weights = index.name_weights

    @property
    def edges(self) -> dict[int, tuple[frozenset[str], frozenset[str]]]:
        """For `probe` against this side alone, which few keys need (`_SharedProbes`).
        Made on first use and kept by hand: mypyc compiles this class, and a compiled
        class does not keep what `functools.cached_property` makes."""
        if self._edges is None:
            self._edges = fuzzy_edges(self.lookup)
        return self._edges

    def credits(
        self,
        query: NormalizedName,
        keys: list[str],
        known: Container[str],
        sounds: Mapping[str, SoundKeys],
    ) -> dict[int, float]:
        """The weights a row's look-up (by its `keys`) credits these names, probing this
        index alone (for the few names `ListScope._others` asks about; `known`: the
        full index's tokens; `sounds`: the keys' `SoundKeys` the row's check made)."""
        script = query.script
        lookup, edges = self.lookup, self.edges
        reached = []
        for key in keys:
            found = probe(lookup, key, script, known, edges, sounds.get(key))
            reached.append(similarities(lookup, key, script, found))
        return self.weights(query, keys, reached)

    def weights(
        self, query: NormalizedName, keys: list[str], reached: list[dict[int, float]]
    ) -> dict[int, float]:
        return shared_weights(
            self.index, query, keys, reached, self.lookup.tokens, self.names_with, self.joined
        )

    def kept(
        self,
        query: NormalizedName,
        weights: dict[int, float],
        bar: CandidateBar,
        allowed: Allowed | None,
        best_holds: bool = False,
        twins: Container[int] = (),
        bar_party: int = -1,
        bar_name: int = -1,
    ) -> _Kept | None:
        """Which concerned parties the row's look-up keeps among its candidates, given
        the `weights` it credits the names concerned, judged against the row's bar;
        None when that is not certain (see `ListScope.check`). `best_holds`: a name
        concerned in the new index gets the bar's best weight to the bit, so the best
        stays as long as no name passes it. `twins`: names that have, for this row,
        a counterpart on the other side with the same credit and place (`_twins`):
        they move neither the best nor, if ranked on both sides, a cut ranking's
        edge, so they are judged by their weight only; the twins ranked in a cut
        ranking are returned (`pooled`) to be compared across the sides. `bar_party`:
        the `party_key` of the first party left out, when it is a party concerned
        (old side): its names at the bar's rank are not candidates (`at_bar`), and
        `ListScope._shift` follows where it goes. `bar_name`: the id of the first name
        left out in this index, when known: a name tied with it comes first if its id
        is lower, as the look-up breaks ties (else the result says `tied`)."""
        if not weights:
            return _Kept(frozenset(), 0, 0)
        if bar.scored > INITIAL_POOL:
            return None  # the initials pool was cut: who got initials is not known
        # a cut ranking kept the names sharing most: one clearly below its edge stays
        # out of it, one near or above may take a place or leave one
        edge = bar.edge if bar.ranked > RANKED_POOL else math.inf
        if bar.ranked > RANKED_POOL and edge == math.inf:
            return None  # its edge is not known (moved by a change, or a bar kept before edges)
        query_weight = self.query_weight(query.tokens)
        name_weights, owner = self.name_weights, self.owner
        best, floor, rank_bar = bar.best, bar.floor, bar.rank
        # clearly below the floor, hence below the best too: neither ranked nor near
        clear = floor - _TOLERANCE * (1.0 + 2.0 * floor)
        kept: set[str] = set()
        pooled: set[int] = set()
        unpaired = level = 0
        names: set[int] = set()
        ranked = 0
        # the ranks from the last party's first name to the first name after the party
        # left out: a name concerned ranked there may change the window
        window = bar.window
        low, high = (window.last_rank, window.after) if window is not None else (0.0, 0.0)
        further = window.beyond if window is not None and window.further else high
        windowed = at_bar = tied = far = False
        for name_id, shared in weights.items():
            if shared < clear:
                continue
            twin = name_id in twins
            # (`_near` written out: this loop runs for every name a row reaches)
            if (
                shared >= best - _TOLERANCE * (1.0 + shared + best)
                and (not best_holds or shared > best)
                and not twin
            ):
                return None  # it may have been the best, or become it: the floor moves
            weight = name_weights[name_id]
            cover = COVER_FLOOR * min(query_weight, weight)
            if abs(shared - floor) <= _TOLERANCE * (1.0 + shared + floor) or abs(
                shared - cover
            ) <= _TOLERANCE * (1.0 + shared + cover):
                return None
            if shared < floor or shared < cover:
                continue
            ranked += 1
            if edge != math.inf:
                if shared < edge - _TOLERANCE * (1.0 + shared + edge):
                    continue
                if twin:
                    pooled.add(name_id)
                elif shared > edge + _TOLERANCE * (1.0 + shared + edge):
                    unpaired += 1  # surely in the cut ranking: counted across the sides
                else:
                    level += 1  # level with the edge: in or out is up to a tie
            rank = rank_value(shared, weight)
            if window is not None and (rank > low or _near(rank, low)):
                windowed = windowed or rank < high or _near(rank, high)
                far = far or rank < further or _near(rank, further)
            if _near(rank, rank_bar):
                if bar_party >= 0 and party_key(owner[name_id][1]) == bar_party:
                    at_bar = True
                    continue
                if rank != rank_bar:
                    return None  # too close to call
                if bar_name < 0:
                    tied = True
                    continue
                if name_id >= bar_name:
                    # the first name left out itself, or after it: ties fall by name id
                    at_bar = at_bar or name_id == bar_name
                    continue
            elif rank > rank_bar:
                continue
            position, entity_id = owner[name_id]
            if allowed is not None and not allowed(position):
                # the look-up passes over a party of another kind only until it has all
                # its candidates; after the last one's first name, it stops there
                if window is None or (
                    window.size >= MAX_CANDIDATES and (not rank < low or _near(rank, low))
                ):
                    return None
                continue
            kept.add(entity_id)
            # a twin level with the edge may be the one a tie left out of the ranking
            if edge == math.inf or shared > edge + _TOLERANCE * (1.0 + shared + edge):
                names.add(name_id)
        return _Kept(
            frozenset(kept),
            ranked,
            len(weights),
            frozenset(pooled),
            frozenset(names),
            windowed,
            at_bar,
            tied,
            unpaired,
            level,
            far,
        )

    def query_weight(self, tokens: Iterable[str]) -> float:
        """The summed weight of a query's words in this index."""
        known, total = self._idf, 0.0
        for token in tokens:
            weight = known.get(token)
            if weight is None:
                weight = known[token] = self.index.token_idf(token)
            total += weight
        return total

    def ranks(
        self,
        query: NormalizedName,
        weights: dict[int, float],
        bar: CandidateBar,
        allowed: Allowed | None,
    ) -> dict[int, float]:
        """Name id -> its rank, for the names concerned that a ranking not cut at an edge
        holds (above the floor and the cover), of parties `allowed`; for a row whose
        `kept` was certain, so none is too close to the floor or the cover to call."""
        query_weight = self.query_weight(query.tokens)
        ranks: dict[int, float] = {}
        for name_id, shared in weights.items():
            weight = self.name_weights[name_id]
            if shared < bar.floor or shared < COVER_FLOOR * min(query_weight, weight):
                continue
            if allowed is not None and not allowed(self.owner[name_id][0]):
                continue
            ranks[name_id] = rank_value(shared, weight)
        return ranks


#: relative difference below which two floats are too close to call
_TOLERANCE = 1e-9


def _near(a: float, b: float) -> bool:
    """Too close to call: the look-up's float and ours may differ in the last bits."""
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= _TOLERANCE * (1.0 + abs(a) + abs(b))


def _untaken_between(
    ranks: dict[int, float],
    owner: Callable[[int], str],
    taken: Collection[str],
    low: float,
    high: float,
) -> bool:
    """Whether a name (id -> rank) of a party not `taken` (`owner`: a name's party) ranks
    from `low` to `high`, either end included, or too close to call."""
    return any(
        owner(name_id) not in taken
        and (rank > low or _near(rank, low))
        and (rank < high or _near(rank, high))
        for name_id, rank in ranks.items()
    )


def _lowered(rescored: dict[str, Hit | None], scores: Mapping[str, float] | None) -> bool:
    """Whether a previous hit worked out again is lost or scores less (or may: `scores`
    not known). Hits are kept by score, then entity id: while none is lowered, the
    parties that the limit cut stay after them, and a new hit only pushes one out."""
    if scores is None:
        return True
    for entity_id, hit in rescored.items():
        before = scores.get(entity_id)
        if before is not None and (hit is None or hit.score < before):
            return True
    return False


class _Replayed(NamedTuple):
    """What `ListScope._replay` finds a row's screening would leave after the change."""

    screened: Screened
    kept: frozenset[str]  # parties concerned among its candidates
    candidates: frozenset[int]  # names concerned surely among them
    #: the positions of the parties let in for those that left
    entering: tuple[int, ...] = ()
    keys: list[str] | None = None  # the row's look-up keys
    #: `candidates` holds every name concerned among the candidates, not only those
    #: surely among them (the ranking is not cut, and no party entered or left)
    exact: bool = False


class _Credited(NamedTuple):
    """What a row's look-up credits the names concerned (`ListScope._credits`), with what
    `_replay` derives from that alone, worked out once for the rows sharing it."""

    old: dict[int, float]  # name id -> credit, in the old index
    new: dict[int, float]  # in the new index
    #: names credited alike on both sides (`_twins`), as each index numbers them
    twins_old: frozenset[int]
    twins_new: frozenset[int]
    new_credits: frozenset[float]  # the credits in the new index (is the best one kept?)


class _Shift(NamedTuple):
    """What `ListScope._shift` finds when the parties among a row's candidates change."""

    rank: float  # the new bar's rank
    kept: frozenset[str]  # parties concerned among the candidates
    names: frozenset[int]  # names of them surely among the candidates (new index)
    entering: tuple[int, ...]  # the positions of the parties let in for those that left


class ListScope:
    """The rows a change between two snapshots' indexes can reach (see the module notes)."""

    def __init__(
        self,
        old: ScreeningIndex,
        new: Screener,
        change: ListChange,
        threshold: float,
        limit: int,
        sounds: dict[str, SoundKeys] | None = None,
    ) -> None:
        """`sounds`: the book's look-up keys' `SoundKeys` as far as known (filled here as
        keys are probed; monitor/sounds.py keeps them between runs)."""
        self.old, self.new, self.screener = old, new.index, new
        # per index (old, new): party_key -> positions, and a party's names as a
        # look-up of their own (`_bar_name`), made on first use
        self._keyed_positions: list[dict[int, list[int]] | None] = [None, None]
        self._party_names: dict[tuple[int, int], _Concerned] = {}
        self._other_names: dict[str, _Concerned | None] = {}
        # a long word -> its splits (`_query_keys`) in the new index, and whether it
        # splits otherwise in the old one (`_split_moved`)
        self._halves: dict[str, list[str]] = {}
        self._moved: dict[str, bool] = {}
        self.change, self.threshold, self.limit = change, threshold, limit
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
        old_names = _affected_names(old, entities, self.dirty)
        new_names = _affected_names(self.new, entities, self.dirty)
        stable_old, stable_new, stable_owners = _stable_names(
            old, old_names, self.new, new_names, self.dirty
        )
        self.concerned = (
            _Concerned(old, old_names - stable_old),
            _Concerned(self.new, new_names - stable_new),
        )
        # the parties concerned, listed before and after, whose features beside their
        # names changed (birth dates, countries, identifiers)
        listed_both = dict(stable_owners)
        for entity_id, new_position in self.concerned[1].positions.items():
            old_position = self.concerned[0].positions.get(entity_id)
            if old_position is not None:
                listed_both.setdefault(entity_id, (old_position, new_position))
        self.refeatured_parties = frozenset(
            entity_id
            for entity_id, (old_position, new_position) in listed_both.items()
            if _features(old.entities[old_position]) != _features(self.new.entities[new_position])
        )
        # of those, the ones with names as they were: their score may change where
        # they were scored
        refeatured = [e for e in stable_owners if e in self.refeatured_parties]
        # with no name concerned but stable ones, no row's look-up changes
        self.reachable = bool(self.concerned[0].names or self.concerned[1].names)
        self._probes = _SharedProbes(
            *self.concerned, known=self.new.token_ids, sounds={} if sounds is None else sounds
        )
        self._credited: dict[
            tuple[str, tuple[tuple[str, bool], ...], tuple[str, ...], bool, str], _Credited
        ] = {}
        # a row's type cell -> the look-up's filter for it in each index: half the book's
        # rows reach a name concerned, most with a type cell like many others'
        self._filters: dict[str, tuple[Allowed | None, Allowed | None]] = {}
        self.stable = (stable_old, stable_new)  # name ids, in the old index and the new
        self.twin = _twins(*self.concerned)
        # the new positions of the parties whose hit a row may have to work out again
        self.positions = self.concerned[1].positions | {
            entity_id: new_position for entity_id, (_old, new_position) in stable_owners.items()
        }
        # party -> published name -> its names as they were (`_stable_names`), in the new index
        self.stable_named: dict[str, dict[str, list[int]]] = {}
        for name_id in stable_new:
            row = self.new.names.rows[name_id]
            entity_id = self.new.entities.field(row[_NAME_ENTITY], _ENTITY_ID)
            named = self.stable_named.setdefault(entity_id, {})
            named.setdefault(row[_NAME_ORIGINAL], []).append(name_id)
        # changed parties, and those with a reweighed name: their scores may differ
        self.parties = entities | {e for side in self.concerned for e in side.positions}
        # party_key -> the one party concerned with it ("" where two share it); its keys
        # tell whether a party at a bar's window is a concerned one
        self.party_keys: dict[int, str] = {}
        for entity_id in self.parties:
            key = party_key(entity_id)
            self.party_keys[key] = "" if key in self.party_keys else entity_id
        # changed parties with no name as it was: where they rank is known from the
        # names concerned alone, on both sides
        self.wholly = frozenset(e for e in entities if e not in self.stable_named)
        # party_key -> those parties: the rows that scored one check whether it is a hit
        self.refeatured: dict[int, list[str]] = {}
        for entity_id in refeatured:
            self.refeatured.setdefault(party_key(entity_id), []).append(entity_id)
        self.refeatured_keys = frozenset(self.refeatured)
        checked = []
        if self.reachable:
            checked.append(
                f"rows whose candidates the {len(self.concerned[1].names):,} names concerned "
                "may change"
            )
        if refeatured:
            checked.append(
                f"rows that scored one of the {len(refeatured):,} parties whose birth dates, "
                "countries or identifiers changed"
            )
        self.reason = (
            f"{change.describe()}; {len(self.dirty):,} name parts changed weight; "
            + (
                " and ".join(checked) + " were checked against the change"
                if checked
                else "no other row's candidates or scores can change"
            )
            + "; the hits of the parties concerned were worked out again where that was "
            "certain, and their rows re-screened where not"
        )

    @property
    def reads_parties(self) -> bool:
        """Whether `check` looks at the parties each bar names (else they need not be read)."""
        return not self.everything and bool(self.refeatured)

    def check(
        self,
        query: RawQuery,
        previous: Mapping[str, str],
        screened: Screened | None,
        scores: Mapping[str, float] | None = None,
    ) -> Spared | None:
        """A row is spared only if the change provably leaves its answer as worked out
        here: none of its words or look-up keys reweighed; the concerned names it
        reaches leave its candidates as they were, but for concerned parties that are
        among them before and after. Then only the hits of the parties concerned may
        differ: those among its candidates, those it had a hit on, and the changed
        parties it scored whose names are as they were. Each one's hit is worked out
        again (`Screener.party_hit`), and the row is screened again if that is not
        certain, or if it had as many hits as a row keeps and one of them is lowered
        or lost (one the limit cut may then come back; with the `scores` of its hits
        unknown, any one worked out again may be). The concerned parties among a
        row's candidates are common: a party's twenty candidates hold weak ones, and a
        changed weak candidate changes no hit. The counts of its pools move by the
        concerned names they gain and lose."""
        if self.everything or screened is None:
            return None
        hit_on = [e for e in previous if e in self.parties]
        parties = screened.bar.parties
        if parties is None and self.refeatured:
            return None  # screened before bars named their parties: which it scored is unknown
        normalized = screened.normalized(query) if self.reachable else None
        entering: tuple[int, ...] = ()
        keys = None
        exact = False
        if normalized is not None:
            replayed = self._replay(query, normalized, screened, previous)
            if replayed is None:
                return None
            screened, kept, candidates, entering, keys, exact = replayed
        else:
            kept, candidates = frozenset(), frozenset()
        suspects = kept.union(hit_on)
        if parties is not None and not self.refeatured_keys.isdisjoint(parties):
            suspects = suspects.union(*(self.refeatured[k] for k in parties & self.refeatured_keys))
        if not suspects and not entering:
            return Spared(screened)
        # Comparing names needs only the parts and script the last screening kept; a
        # hit's explanation also tells what normalising did, so for a hit the name is
        # normalised again as a screening does (most parties worked out give none).
        parts = normalized if normalized is not None else screened.normalized(query)
        parsed = parse_row(query, parts)
        # a party the row's candidates take in for one that left: as it is not known
        # which of its names come in, it must have no hit with any of them
        if any(
            self.screener.party_hit(parsed, position, self.threshold, parts, ()) != (None, True)
            for position in entering
        ):
            return None
        explained: NormalizedName | None = None
        rescored: dict[str, Hit | None] = {}
        for entity_id in suspects:
            position = self.positions.get(entity_id)
            if position is None:
                return None  # not listed any more (its names are concerned: not reached here)
            matched = previous.get(entity_id)
            if (
                matched is None
                and exact
                and entity_id in kept
                and len(previous) < self.limit
                and not parsed.identifiers
                and self._no_hit_yet(entity_id, position, parsed, parts, candidates)
            ):
                continue
            known: Collection[int] = candidates
            if matched is not None:
                # the name it matched, if as it was, is still among its candidates
                same = self.stable_named.get(entity_id, {}).get(matched, ())
                known = candidates.union(same)
            # A party the row had a hit on most often gives one again: it is compared
            # with the name as a screening normalises it straight away (a hit's
            # explanation tells what normalising did), not once for the score and
            # again for the explanation.
            compared = parts
            if matched is not None:
                if explained is None:
                    explained = normalize_name(parsed.name, parsed.schema)
                compared = explained
            hit, certain = self.screener.party_hit(
                parsed, position, self.threshold, compared, known
            )
            if not certain and (entity_id in kept or matched is not None) and keys is not None:
                # Its best name may be one of its names not concerned: where those rank
                # before the bar, they are candidates too, as the party is taken (a
                # party concerned among the candidates, or one the row had a hit on,
                # which no change followed here takes out)
                allowed = schema_filter(self.new, parsed.schema)
                held = self._held(entity_id, parts, keys, screened.bar, allowed)
                if held is not None and held[2].names:
                    hit, certain = self.screener.party_hit(
                        parsed, position, self.threshold, compared, held[2].names.union(known)
                    )
            if not certain:
                return None
            if hit is not None and compared is parts:
                if explained is None:
                    explained = normalize_name(parsed.name, parsed.schema)
                hit, _certain = self.screener.party_hit(
                    parsed, position, self.threshold, explained, known
                )
            if hit is not None or matched is not None:
                rescored[entity_id] = hit
        if rescored and len(previous) >= self.limit and _lowered(rescored, scores):
            return None  # a hit lost or lowered may let in one the limit cut
        return Spared(screened, rescored or None)

    def _no_hit_yet(
        self,
        entity_id: str,
        position: int,
        query: Query,
        normalized: NormalizedName,
        candidates: frozenset[int],
    ) -> bool:
        """Whether a party concerned among a row's candidates before and after the
        change, which gave the row no hit before, still gives none: only its names
        concerned among the candidates (`candidates`, all of them) need comparing.

        Its other names among the candidates are as they were, with the same words,
        none reweighed: the same credit keeps them there, and they compare with the
        row as before. The row had fewer hits than it keeps, so the party's best
        candidate name scored below the report floor, its other features included;
        with those features as they were, the party's hit now is the best of its
        names concerned, if that one reaches the floor. (`Screener.party_hit`
        compares every name of the party, several times as many, a third of
        checking the rows that reach a name concerned.)"""
        if entity_id in self.refeatured_parties:
            return False
        owner = self.concerned[1].owner
        names = [n for n in candidates if owner[n][1] == entity_id]
        return bool(names) and (
            self.screener.names_hit(query, position, self.threshold, normalized, sorted(names))
            is None
        )

    def _replay(
        self,
        query: RawQuery,
        normalized: NormalizedName,
        screened: Screened,
        previous: Collection[str],
    ) -> _Replayed | None:
        """What the row's screening leaves after the change, the concerned parties
        among its candidates, the concerned names surely among them in the new index,
        and a party its candidates take in for one that left; None if that is not
        certain. `previous`: the parties the row had a hit on."""
        nothing: frozenset[str] = frozenset()
        no_names: frozenset[int] = frozenset()
        keys = _query_keys(normalized, self.new, self._halves)
        dirty = self.dirty
        # The lists change a row's keys only through the splits of a long word that
        # the new lists do not hold: such a word is checked once for the whole book.
        known = self.new.token_ids
        for token in normalized.tokens:
            if token in dirty or (
                len(token) >= SPLIT_LENGTH and token not in known and self._split_moved(token)
            ):
                return None
        old_side, new_side = self.concerned
        probes, script = self._probes, normalized.script
        found: list[tuple[dict[int, float], dict[int, float]]] = []
        reaches = False
        for key in keys:
            if key in dirty:
                return None
            reached = probes.reach(key, script)
            found.append(reached)
            if reached[0] or reached[1]:
                reaches = True
        if (
            not reaches
            and normalized.joined not in old_side.joined
            and normalized.joined not in new_side.joined
        ):
            # the usual case: it reaches none
            return _Replayed(screened, nothing, no_names, (), keys)
        found_credits = self._credits(normalized, keys, found)
        credited = (found_credits.old, found_credits.new)
        if not credited[0] and not credited[1]:
            return _Replayed(screened, nothing, no_names, (), keys)
        bar = screened.bar
        if bar.best == -math.inf:  # ANY_CHANGE: any concerned name it reaches counts
            return None
        # (the type cell was checked when the row was screened)
        old_allowed, new_allowed = self._filtered(query.schema)
        # A renamed party's name often gets the very credit it got before (the row
        # does not reach the respelt word): if it was the best, the best stays. The
        # unchanged names keep their credit, so none passes it; the kept() calls
        # make sure no name concerned does.
        holds = bar.best in found_credits.new_credits
        # whether the parties at the bar's window are concerned ones (a bar kept a
        # window only where its ranking was not cut at an edge)
        window = bar.window
        changed_last = window is not None and window.last in self.party_keys
        changed_next = (
            window is not None and bar.rank != math.inf and window.next in self.party_keys
        )
        # each side's names judged against the bar: the old side's with the first
        # party left out where it is a concerned one, the new side's with the twins
        # as the new index numbers them
        judged = (
            (old_side, credited[0], old_allowed, found_credits.twins_old,
             window.next if changed_next and window is not None else -1),
            (new_side, credited[1], new_allowed, found_credits.twins_new, -1),
        )  # fmt: skip
        before, after = (
            side.kept(normalized, weights, bar, allowed, holds, side_twins, bar_party)
            for side, weights, allowed, side_twins, bar_party in judged
        )
        if before is None or after is None:
            return None
        if before.tied or after.tied:
            # a name concerned tied with the first name left out: which comes first
            # is up to their name ids, so that name is found on each side
            before, after = (
                side.kept(
                    normalized, weights, bar, allowed, holds, side_twins, bar_party,
                    self._bar_name(number, normalized, keys, bar),
                )
                if kept.tied
                else kept
                for number, (kept, (side, weights, allowed, side_twins, bar_party)) in enumerate(
                    zip((before, after), judged, strict=True)
                )
            )  # fmt: skip
            if before is None or after is None or before.tied or after.tied:
                return None
        scored = bar.scored and bar.scored - before.scored + after.scored
        ranked = bar.ranked - before.ranked + after.ranked
        # (most rows' counts stay: their bar is kept as it is, not copied)
        moved = (
            bar
            if (scored, ranked) == (bar.scored, bar.ranked)
            else bar._replace(scored=scored, ranked=ranked)
        )
        # How many names more the cut ranking holds after the change than before, at
        # most and at least: twins ranked on both sides cancel out, a twin ranked on
        # one side only counts as a name level with the edge.
        paired = {self.twin[n] for n in before.pooled} & after.pooled
        unsure_before = before.level + len(before.pooled) - len(paired)
        unsure_after = after.level + len(after.pooled) - len(paired)
        most = after.unpaired + unsure_after - before.unpaired
        if most or unsure_before or after.unpaired != before.unpaired:
            # One name more pushes out the one at the edge; fewer let in as many names
            # sharing no more than the edge. Where the first name left out ranks before
            # any name sharing no more than the edge, none of those is a candidate
            # either way. The new edge is not known: a later change that reaches the
            # row screens it again.
            if most > 1 or not bar.rank < -bar.edge - _TOLERANCE * (1.0 - bar.rank + bar.edge):
                return None
            moved = moved._replace(edge=math.inf)
        if moved.scored > INITIAL_POOL or (ranked > RANKED_POOL) != (bar.ranked > RANKED_POOL):
            return None  # a pool is cut that was not, or the other way round
        if before.entities == after.entities and not before.at_bar:
            if new_allowed is not None and (
                (changed_last and self._last_sooner(normalized, credited[1], bar))
                or (window is None and (before.entities or after.entities))
            ):
                # the row's schema makes the look-up pass over parties of other kinds
                # until it has its candidates: where the last one's first name may come
                # sooner, a party passed over may be the first left out (`_shift`)
                return None
            window = moved.window
            if window is not None and (
                before.windowed or after.windowed or changed_last or changed_next
            ):
                moved = moved._replace(window=None)  # no longer known
            elif window is not None and (
                window.further and (before.far or after.far or window.second in self.party_keys)
            ):
                # the ranking beyond the first party left out is no longer known
                far_off = window._replace(second=0, beyond=math.inf, beyond_clear=False)
                moved = moved._replace(window=far_off._replace(further=False))
            if moved is not bar:
                screened = screened._replace(bar=moved)
            return _Replayed(
                screened, after.entities, after.names, (), keys, bar.ranked <= RANKED_POOL
            )
        shift = self._shift(
            normalized, keys, credited, bar, before, after, new_allowed, previous, changed_last
        )
        if shift is None:
            return None
        moved = moved._replace(rank=shift.rank, window=None, parties=None)
        return _Replayed(
            screened._replace(bar=moved, shifted=True),
            shift.kept,
            shift.names,
            shift.entering,
            keys,
        )

    def _split_moved(self, token: str) -> bool:
        """Whether a long word the new lists do not hold splits otherwise against the old
        lists, or is held there (then it is dirty), so that a row's keys may differ."""
        moved = self._moved.get(token)
        if moved is None:
            made = self._halves.get(token)
            if made is None:
                made = self._halves[token] = _splits(token, self.new)
            moved = token in self.old.token_ids or _splits(token, self.old) != made
            self._moved[token] = moved
        return moved

    def _shift(
        self,
        query: NormalizedName,
        keys: list[str],
        credited: tuple[dict[int, float], dict[int, float]],
        bar: CandidateBar,
        before: _Kept,
        after: _Kept,
        allowed: Allowed | None,
        previous: Collection[str],
        changed_last: bool,
    ) -> _Shift | None:
        """When one changed party enters or leaves a row's candidates (or two leave:
        `_both_gone`; or one leaves as another enters: `_swapped`), or the first
        party left out is a changed one, the bar's window tells what follows: one
        leaving lets in the first party left out, one entering pushes out the last
        party taken, and the first party left out moving further down moves the bar.
        A party that also has names not concerned (as they were, or without a
        reweighed word) is held in place by them where they rank above the bar: then
        only its names among the candidates change. None where that is not certain:
        no window, more than one party moved, a party moved that had a hit, another
        first party left out changed (or, where one enters, the last party taken),
        a name too close to call, or names of other candidates between the old bar
        and the new one. `keys`: the row's look-up keys; `allowed`: its schema's
        filter in the new index; `changed_last`: the last party taken is a concerned
        one."""
        window = bar.window
        if window is None:
            return None
        gone, came = before.entities - after.entities, after.entities - before.entities
        # A look-up passes over parties the row's schema does not allow until it has as
        # many parties as it takes, and then stops at the next name of any party it has
        # not taken: the window records only part of that. Where the count reaches the
        # limit at another place than before, a party passed over may be the first left
        # out, so a row with a schema is followed only where the window tells.
        passes_over = allowed is not None
        if before.at_bar:  # the first party left out is concerned: only it may move
            party = self.party_keys.get(window.next)
            if party is None or gone or not came <= {party}:
                return None
        elif len(gone) + len(came) == 1:
            (party,) = gone | came
        elif len(gone) == 2 and not came:
            if passes_over:
                return None  # a party passed over may come in, or be first left out
            return self._both_gone(query, credited, bar, after, previous, gone)
        elif len(gone) == 1 and len(came) == 1:
            (left,), (entered,) = gone, came
            return self._swapped(query, credited, bar, after, passes_over, previous, left, entered)
        else:
            return None
        if party in previous:
            return None
        other_ranks: dict[int, float] = {}
        other_names: frozenset[int] = frozenset()
        # Its other names (if it has any, they are the same on both sides) may hold its
        # place; a party all of whose names are concerned (an unchanged one with a
        # reweighed word in each) ranks by them alone, as a party changed in full does.
        if not self._ranked_by_concerned(party):
            found = self._held(party, query, keys, bar, allowed) if not before.at_bar else None
            if found is None:
                return None
            others, weights, held = found
            if held.entities and allowed is not None and changed_last:
                return None  # the last party's first name may come sooner (see below)
            if held.entities:  # a candidate before and after: only its names change
                kept = after.entities | held.entities
                return _Shift(bar.rank, kept, after.names | held.names, ())
            other_ranks = others.ranks(query, weights, bar, allowed)
            other_names = frozenset(other_ranks)
        full = bar.rank != math.inf  # a party was left out
        if full and window.next in self.party_keys and not before.at_bar:
            return None
        new_side = self.concerned[1]
        ranks = new_side.ranks(query, credited[1], bar, allowed) | other_ranks
        taken = after.entities

        def owner(name_id: int) -> str:
            return party if name_id in other_names else new_side.owner[name_id][1]

        entering: tuple[int, ...] = ()
        if came:
            if window.size < MAX_CANDIDATES:
                if passes_over and window.size + 1 == MAX_CANDIDATES:
                    return None  # the count reaches the limit now: where is not known
                return _Shift(bar.rank, taken, after.names, ())  # there was room for one
            if changed_last or not window.low_clear:
                return None  # the last party taken may not rank where it did
            if passes_over and not self._typed_came(query, credited, bar, taken, owner):
                return None  # the look-up may stop at a party it passed over
            if any(party_key(e) == window.last for e in previous):
                return None
            rank = window.last_rank
            # it pushes the last party out only if every party concerned taken comes
            # first; their names after the last party's first are no longer candidates
            firsts: dict[str, float] = {}
            for n, r in ranks.items():
                if _near(r, rank):
                    return None
                if (holder := owner(n)) in taken:
                    firsts[holder] = min(r, firsts.get(holder, r))
            if any(first > rank for first in firsts.values()):
                return None
        elif gone and not full:
            return _Shift(bar.rank, taken, after.names, ())  # none was left out to come in
        elif passes_over:
            typed = self._typed_gone(query, credited, bar, before, taken, owner, other_ranks)
            if typed is None:
                return None
            rank, entering = typed
        else:
            # the party that left lets in the first one left out (`entering`), or the
            # first one left out, changed, goes further down: the bar goes down to the
            # first name after it, and the names of the parties taken down to it come in
            old_side = self.concerned[0]
            old_ranks = old_side.ranks(query, credited[0], bar, None)  # (no schema here)
            # (where the window names the party after the first one left out, it says
            # whether that one changed)
            after_known = window.further and window.second not in self.party_keys
            if not after_known and any(
                _near(r, window.after)
                and not (before.at_bar and party_key(old_side.owner[n][1]) == window.next)
                for n, r in old_ranks.items()
            ):
                # the party after the first one left out may be a changed one (the first
                # one's own names rank there where the ranking ties)
                return None
            if gone:
                let_in = self._position(window.next)
                if let_in is None:
                    return None
                entering = (let_in,)
            rank = min([window.after, *(r for n, r in ranks.items() if owner(n) not in taken)])
            if not window.high_clear and rank > bar.rank and not _near(rank, bar.rank):
                return None
        names = frozenset(
            n for n, r in ranks.items() if owner(n) in taken and r < rank and not _near(r, rank)
        )
        return _Shift(rank, taken, names, entering)

    def _last_sooner(
        self, query: NormalizedName, credit: dict[int, float], bar: CandidateBar
    ) -> bool:
        """Whether the last party a row's look-up takes, a changed one, may have its first
        name sooner than before (then a look-up that passes over parties of other kinds
        has its candidates sooner, and one it passed over may be the first left out).
        It does not where none of its names concerned ranks before where its first name
        did, nor ties with it (the new index numbers names anew): its other names are as
        they were, and ranked no sooner than its first. `credit`: what the row's look-up
        credits the names concerned in the new index."""
        window = bar.window
        party = self.party_keys.get(window.last, "") if window is not None else ""
        if window is None or not party or window.last_rank == bar.rank:
            return True
        owner = self.concerned[1].owner
        return any(
            owner[name_id][1] == party
            and rank != window.last_rank
            and (rank < window.last_rank or _near(rank, window.last_rank))
            for name_id, rank in self.concerned[1].ranks(query, credit, bar, None).items()
        )

    def _typed_came(
        self,
        query: NormalizedName,
        credited: tuple[dict[int, float], dict[int, float]],
        bar: CandidateBar,
        taken: frozenset[str],
        owner: Callable[[int], str],
    ) -> bool:
        """Whether one party entering the full candidates of a row with a type pushes the
        last one out and moves the bar up to its first name, as in a row without: the
        look-up has its candidates at the first name of the party taken before the last
        (`Window.low_rank`) or at the one entering, and stops at the next name of a
        party it has not taken. That is the last party's first name where no other
        party not taken had a name between those two (`Window.low_kinds_clear`), no
        name concerned of one ranks there now, and the first name at `low_rank` is
        not a concerned one (its party's first name might come sooner, and with it
        the place where the look-up has its candidates). `credited`: what the row's
        look-up credits the names concerned in each index; `owner`: a name's party."""
        window = bar.window
        if window is None or not window.kinds or not window.low_kinds_clear:
            return False
        low, last = window.low_rank, window.last_rank
        old_ranks = self.concerned[0].ranks(query, credited[0], bar, None)
        if any(_near(rank, low) for rank in old_ranks.values()):
            return False
        ranks = self.concerned[1].ranks(query, credited[1], bar, None)
        return not _untaken_between(ranks, owner, taken, low, last)

    def _typed_gone(
        self,
        query: NormalizedName,
        credited: tuple[dict[int, float], dict[int, float]],
        bar: CandidateBar,
        before: _Kept,
        taken: frozenset[str],
        owner: Callable[[int], str],
        other_ranks: dict[int, float],
    ) -> tuple[float, tuple[int, ...]] | None:
        """One candidate leaving the full candidates of a row with a type: the look-up
        takes one party more, the first one left out where the type allows it, else
        the first one after it that it allows (`Window.second`), and stops at the next
        name of any party it has not taken (`Window.after_any`, `Window.beyond_any`).
        The new bar's rank and the party let in, where the window knows them (kept
        since it did) and no party concerned may be where the look-up now stops:
        none had a name there, and no name concerned of a party not taken (nor a name
        of the party that left) ranks between the old bar and the new one. `owner`:
        a name's party; `other_ranks`: the ranks of the names of the party that left
        other than its concerned ones."""
        window = bar.window
        if window is None or before.at_bar or not window.kinds:
            return None
        if window.next_allowed:
            let_in, stop, clear = window.next, window.after_any, window.high_clear
        else:
            if window.second == 0 or window.second in self.party_keys:
                return None  # no party to let in, or a changed one
            let_in, stop, clear = window.second, window.beyond_any, window.beyond_clear
        if not clear:
            return None  # a candidate has a name between the old bar and the new one
        old_side, new_side = self.concerned
        old_ranks = old_side.ranks(query, credited[0], bar, None)
        if any(_near(r, stop) for r in old_ranks.values()):
            return None  # the name there may be a changed party's
        # (a name before the old bar is passed over while the look-up takes one more; one
        # after it is where the look-up stops now, or, before `second` and allowed, the
        # party it lets in)
        ranks = new_side.ranks(query, credited[1], bar, None) | other_ranks
        if _untaken_between(ranks, owner, taken, bar.rank, stop):
            return None
        position = self._position(let_in)
        return None if position is None else (stop, (position,))

    def _swapped(
        self,
        query: NormalizedName,
        credited: tuple[dict[int, float], dict[int, float]],
        bar: CandidateBar,
        after: _Kept,
        passes_over: bool,
        previous: Collection[str],
        left: str,
        entered: str,
    ) -> _Shift | None:
        """One changed party leaving a row's candidates as another enters them (an entry
        removed and another added in its place, as publishers re-list a party under a
        new entry): as many parties are taken before the bar as before, so the bar
        stays and nobody is let in or pushed out. Followed where neither party had a
        hit or has a name other than concerned ones (so where each ranks now is
        known), the first party left out did not change, and no name concerned of a
        party not taken ranks before the bar. Where the one that left was the last
        party taken, the count of parties reaches its limit earlier if the one
        entering ranks before it: a party the row's schema does not allow, passed
        over before, would then be the first left out, so that is followed only
        where the schema allows every party (not `passes_over`) or the one entering
        ranks after it."""
        window = bar.window
        if window is None or left in previous or entered in previous:
            return None
        if not (self._ranked_by_concerned(left) and self._ranked_by_concerned(entered)):
            return None
        if bar.rank != math.inf and window.next in self.party_keys:
            return None  # the first party left out changed
        new_side = self.concerned[1]
        ranks = new_side.ranks(query, credited[1], bar, None)
        taken = after.entities
        if any(
            new_side.owner[n][1] not in taken and (r < bar.rank or _near(r, bar.rank))
            for n, r in ranks.items()
        ):
            return None
        if window.last in self.party_keys:
            if window.last != party_key(left):
                return None  # the last party taken changed and stayed: its place is not known
            if passes_over:
                first = min(
                    (r for n, r in ranks.items() if new_side.owner[n][1] == entered),
                    default=-math.inf,
                )
                if first < window.last_rank or _near(first, window.last_rank):
                    return None
        return _Shift(bar.rank, taken, after.names, ())

    def _both_gone(
        self,
        query: NormalizedName,
        credited: tuple[dict[int, float], dict[int, float]],
        bar: CandidateBar,
        after: _Kept,
        previous: Collection[str],
        gone: frozenset[str],
    ) -> _Shift | None:
        """Two changed parties leaving a row's candidates let in the first two parties left
        out, and the bar goes down to the first name of the party after those. Followed
        where the window looked that far, neither party that left had a hit or has a name
        other than concerned ones (so where they rank now is known), the two let in and
        the party after them did not change, no party concerned comes before the second
        one let in, and no other candidate has a name between the old bar and the new.
        For a row without a schema (`_shift` screens one with a schema again)."""
        window = bar.window
        if window is None or not window.further or bar.rank == math.inf:
            return None
        if not gone.isdisjoint(previous) or not all(map(self._ranked_by_concerned, gone)):
            return None
        if window.next in self.party_keys or window.second in self.party_keys:
            return None  # a party let in changed
        if window.second == 0:
            return None  # one party was left out: no second one to follow
        old_side, new_side = self.concerned
        old_ranks = old_side.ranks(query, credited[0], bar, None)
        if any(_near(r, window.beyond) for r in old_ranks.values()):
            return None  # the party after the two let in may be a changed one
        ranks = new_side.ranks(query, credited[1], bar, None)
        taken = after.entities
        outside = [r for n, r in ranks.items() if new_side.owner[n][1] not in taken]
        if any(r < window.after or _near(r, window.after) for r in outside):
            return None  # a party concerned comes in before the second one left out
        first, second = self._position(window.next), self._position(window.second)
        if first is None or second is None:
            return None
        rank = min([window.beyond, *outside])
        if not window.beyond_clear and rank > bar.rank and not _near(rank, bar.rank):
            return None
        names = frozenset(
            n
            for n, r in ranks.items()
            if new_side.owner[n][1] in taken and r < rank and not _near(r, rank)
        )
        return _Shift(rank, taken, names, (first, second))

    def _held(
        self,
        party: str,
        query: NormalizedName,
        keys: list[str],
        bar: CandidateBar,
        allowed: Allowed | None,
    ) -> tuple[_Concerned, dict[int, float], _Kept] | None:
        """A party's names that are not concerned (`_others`), the credit the row's look-up
        (by its `keys`) gives them, and where they stand against the `bar`: those that
        surely rank before it are candidates where the party is taken (`names`), and
        hold its place (`entities`). None where that is not certain."""
        others = self._others(party)
        if others is None:
            return None
        weights = others.credits(query, keys, self.new.token_ids, self._probes.sounds)
        # as they were, they neither pass the best nor move a cut ranking's edge
        held = others.kept(query, weights, bar, allowed, twins=weights.keys())
        return None if held is None else (others, weights, held)

    def _ranked_by_concerned(self, party: str) -> bool:
        """Whether where a party ranks is known from its names concerned alone: it changed
        in full, or has no name other than concerned ones."""
        return party in self.wholly or self._others(party) is None

    def _others(self, party: str) -> _Concerned | None:
        """The names of a party concerned that are not (as they were, or without a
        reweighed word), in the new index, with an index of their words; None if it
        has none there. Made on first use, per party."""
        if party in self._other_names:
            return self._other_names[party]
        position = self.positions.get(party)
        others = None
        if position is not None:
            concerned = self.concerned[1].names
            names = frozenset(n for n in self.new.names_of(position) if n not in concerned)
            others = _Concerned(self.new, names, self.concerned[1].abjad) if names else None
        self._other_names[party] = others
        return others

    def _bar_name(
        self,
        side: int,
        query: NormalizedName,
        keys: list[str],
        bar: CandidateBar,
    ) -> int:
        """The id, in the old index (`side` 0) or the new (1), of the row's first name
        left out: the first name, by rank then id, of the first party left out (the
        bar's window names it; the look-up stops there before asking whether the
        row's schema allows that party), provided that name ranks at the bar's rank to
        the bit (else -1: not known). A bar is kept from a screening against an earlier
        index, whose name ids the lists' changes since have moved, so the name is
        found again."""
        window = bar.window
        if window is None or bar.rank == math.inf:
            return -1
        position = self._position(window.next, side)
        if position is None:
            return -1
        names = self._party_names.get((side, position))
        if names is None:
            index = self.concerned[side].index
            names = _Concerned(
                index, frozenset(index.names_of(position)), self.concerned[side].abjad
            )
            self._party_names[(side, position)] = names
        weights = names.credits(query, keys, names.index.token_ids, self._probes.sounds)
        if names.kept(query, weights, bar, None, twins=weights.keys()) is None:
            return -1  # a name of it too close to the floor or the cover to call
        ranked = [(rank, n) for n, rank in names.ranks(query, weights, bar, None).items()]
        if not ranked:
            return -1
        rank, name_id = min(ranked)
        return name_id if rank == bar.rank else -1

    def _position(self, key: int, side: int = 1) -> int | None:
        """The position, in the new index (or the old: `side` 0), of the one party with
        this `party_key` (None if the key is not one party's)."""
        positions = self._keyed(side).get(key, ())
        return positions[0] if len(positions) == 1 else None

    def _keyed(self, side: int) -> dict[int, list[int]]:
        """`party_key` -> positions in one index, made on first use (kept by hand, as for
        `_Concerned.edges`)."""
        keyed = self._keyed_positions[side]
        if keyed is None:
            entities = self.concerned[side].index.entities
            keyed = {}
            for position in range(len(entities)):
                key = party_key(entities.field(position, _ENTITY_ID))
                keyed.setdefault(key, []).append(position)
            self._keyed_positions[side] = keyed
        return keyed

    def credits(
        self, query: NormalizedName, keys: list[str]
    ) -> tuple[dict[int, float], dict[int, float]]:
        """Name id -> the weight the look-up credits it, for the names concerned that
        the query's keys reach in the old index and in the new."""
        credited = self._credits(query, keys, [self._probes.reach(k, query.script) for k in keys])
        return credited.old, credited.new

    def _credits(
        self,
        query: NormalizedName,
        keys: list[str],
        found: list[tuple[dict[int, float], dict[int, float]]],
    ) -> _Credited:
        # What the look-up credits depends only on the keys that reach a word concerned
        # (and whether each is one of the query's own parts), what they reach (which
        # differs by script only for Arabic and Greek), the query's initials, whether
        # it has other words, and its spaceless form: rows alike in those ("… and …",
        # "… Group") share one answer.
        # (written out as loops: half the book's rows come here)
        own = query.tokens
        reaching = []
        for key, (old, new) in zip(keys, found, strict=True):
            if old or new:
                reaching.append((key, key in own))
        initials = tuple(sorted([t for t in own if len(t) == 1]))
        old_side, new_side = self.concerned
        joined = query.joined
        if joined not in old_side.joined and joined not in new_side.joined:
            joined = ""
        script = query.script if query.script in _OWN_READINGS else ""
        signature = (script, tuple(reaching), initials, len(own) > len(initials), joined)
        credited = self._credited.get(signature)
        if credited is None:
            if len(self._credited) >= _CREDITED_CACHE_SIZE:
                self._credited.clear()
            old_credit = old_side.weights(query, keys, [old for old, _new in found])
            new_credit = new_side.weights(query, keys, [new for _old, new in found])
            twin = self.twin
            twins = frozenset(
                n
                for n, shared in old_credit.items()
                if (m := twin.get(n)) is not None and new_credit.get(m) == shared
            )
            credited = self._credited[signature] = _Credited(
                old_credit,
                new_credit,
                twins,
                frozenset(twin[n] for n in twins),
                frozenset(new_credit.values()),
            )
        return credited

    def _filtered(self, cell: str) -> tuple[Allowed | None, Allowed | None]:
        """The look-up's filter in the old index and in the new for a row's type cell,
        read as `parse_row` reads it."""
        known = self._filters.get(cell)
        if known is None:
            schema = schema_of(cell)
            known = self._filters[cell] = (
                schema_filter(self.old, schema),
                schema_filter(self.new, schema),
            )
        return known


#: the scripts whose keys reach words otherwise (`probe`, `similarities`)
_OWN_READINGS = frozenset(("Arabic", "Greek"))

#: answers of `ListScope._credits` kept (a row's look-up shares them with rows alike): a
#: million-row book after a 1% change has 73,000 distinct ones, and a cap of 50,000
#: worked out 36,000 of them again after clearing (a check 3.3 s longer, of 58 s)
_CREDITED_CACHE_SIZE = 200_000

#: what a key that reaches no word concerned finds on each side
_NOTHING: tuple[dict[int, float], dict[int, float]] = ({}, {})


class _SharedProbes:
    """One look-up index over the words concerned on both sides, so each query key is
    probed once: what it finds is then compared with each side's words. A word on a
    name written in Arabic script on one side only is found by other keys on each
    side, so a key that finds such a word probes each side on its own."""

    def __init__(
        self,
        old: _Concerned,
        new: _Concerned,
        known: Container[str],
        sounds: dict[str, SoundKeys],
    ) -> None:
        self.sides, self.known, self.sounds = (old, new), known, sounds
        words = {**old.words, **new.words}
        self.both = lookup_index(words, old.abjad | new.abjad)
        self.edges = fuzzy_edges(self.both)
        self.flips = frozenset(
            number
            for number, token in enumerate(self.both.tokens)
            if (token in old.abjad) != (token in new.abjad)
        )
        self.numbers = [
            [side.lookup.token_ids.get(t, -1) for t in self.both.tokens] for side in self.sides
        ]
        # script -> key -> what it reaches (a book's half a million keys are looked up
        # here: by script first, no pair is made for each)
        self._found: dict[str, dict[str, tuple[dict[int, float], dict[int, float]]]] = {}

    def reach(self, key: str, script: str) -> tuple[dict[int, float], dict[int, float]]:
        """Each side's token numbers the key reaches, with their similarity."""
        known = self._found.get(script)
        if known is None:
            known = self._found[script] = {}
        found = known.get(key)
        if found is None:
            sounds = self.sounds.get(key)
            if sounds is None:
                sounds = self.sounds[key] = sound_keys(key)
            ids = probe(self.both, key, script, self.known, self.edges, sounds)
            if not ids:  # most keys of a book reach no word of a change
                found = known[key] = _NOTHING
                return found
            on_its_own = script != "Arabic" and not self.flips.isdisjoint(ids)
            reached: list[dict[int, float]] = []
            for side, numbers in zip(self.sides, self.numbers, strict=True):
                if on_its_own:
                    own = probe(side.lookup, key, script, self.known, side.edges, sounds)
                else:
                    own = {n for i in ids if (n := numbers[i]) >= 0}
                reached.append(similarities(side.lookup, key, script, own))
            found = known[key] = (reached[0], reached[1])
        return found


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


def _stable_names(
    old: ScreeningIndex,
    old_names: frozenset[int],
    new: ScreeningIndex,
    new_names: frozenset[int],
    dirty: frozenset[str],
) -> tuple[frozenset[int], frozenset[int], dict[str, tuple[int, int]]]:
    """The names of changed parties that are on both sides as they were (same party,
    schema, words, none dirty, and script): each gets the same credit, weight and
    comparison from every row on both, so it keeps its place among a row's
    candidates, and its party's score changes only with its other features.
    Returns them in the old index and the new, and their parties' positions in
    the old and the new."""
    signatures = []
    for index, names in ((old, old_names), (new, new_names)):
        found: dict[tuple[str, str, tuple[str, ...], str], list[int]] = {}
        for name_id in names:
            row = index.names[name_id]
            if dirty.isdisjoint(row.tokens):
                info = index.entities[row.entity]
                signature = (info.id, info.schema, tuple(row.tokens), row.script)
                found.setdefault(signature, []).append(name_id)
        signatures.append(found)
    same = [
        key
        for key in signatures[0].keys() & signatures[1].keys()
        if len(signatures[0][key]) == len(signatures[1][key])
    ]
    stable_old = frozenset(n for key in same for n in signatures[0][key])
    stable_new = frozenset(n for key in same for n in signatures[1][key])
    owners = {
        key[0]: (
            old.names.rows[signatures[0][key][0]][_NAME_ENTITY],
            new.names.rows[signatures[1][key][0]][_NAME_ENTITY],
        )
        for key in same
    }
    return stable_old, stable_new, owners


def _twins(old: _Concerned, new: _Concerned) -> dict[int, int]:
    """Old name id -> new name id, for names concerned on both sides that hold the same
    place among the names: the same party (same schema and dataset, as many names on
    both sides) and the same place among its names, so that ties broken by name id
    fall the same way. A row that credits both alike (it does not reach the respelt
    or reweighed word) finds them equal but for their weight."""
    twins = {}
    for entity_id, old_position in old.positions.items():
        new_position = new.positions.get(entity_id)
        if new_position is None:
            continue
        old_info, new_info = old.index.entities[old_position], new.index.entities[new_position]
        if (old_info.schema, old_info.dataset) != (new_info.schema, new_info.dataset):
            continue
        old_names = old.index.names_of(old_position)
        new_names = new.index.names_of(new_position)
        if len(old_names) != len(new_names):
            continue
        for old_id, new_id in zip(old_names, new_names, strict=True):
            if old_id in old.names and new_id in new.names:
                twins[old_id] = new_id
    return twins


def _features(info: EntityInfo) -> tuple[object, ...]:
    """What a party's score depends on besides its names (`Screener._score_entity`)."""
    return info.schema, info.birth_dates, info.countries, info.identifiers


def _affected_names(
    index: ScreeningIndex, entities: frozenset[str], dirty: frozenset[str]
) -> frozenset[int]:
    """Name ids of changed entities, and of names with a dirty token."""
    affected: set[int] = set()
    for token in dirty:
        token_id = index.token_ids.get(token)
        if token_id is not None:
            affected.update(index.postings[token_id])
    for position in range(len(index.entities)):
        if index.entities.field(position, _ENTITY_ID) in entities:
            affected.update(index.names_of(position))
    return frozenset(affected)
