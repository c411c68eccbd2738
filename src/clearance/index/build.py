"""Build the candidate index of a snapshot: tokens, typo neighbourhoods, sound keys, ids.

Candidate lookup must be sub-linear in list size and recall-safe for typos, so
each name token is reachable by:
- itself and its one-letter deletions (a symmetric-deletion index: a query token
  with one inserted, deleted, substituted or swapped letter shares a key with it),
- its consonant skeleton (dropped vowels, doubled letters, abjad transliteration),
- the whole name written without spaces (pinyin syllables, "Al Qaida"/"Alqaida").
No library offers such an index over our own normalised tokens, hence this module.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar, overload

from clearance.model import IDENTIFIER_TYPES, Entity
from clearance.names import abjad_keys, normalize_name, romanization_fold, skeleton
from clearance.names.greek import greek_fold
from clearance.names.vocabulary import GENERIC_WORDS

#: tokens shorter than this get no deletion keys: one edit in 3 letters is another word
MIN_FUZZY_LENGTH = 4
#: a token on this share of all names says little ("international", "trading", "ali")
GENERIC_SHARE = 0.002
#: weight of a token not on any list, relative to the rarest listed one
UNKNOWN_TOKEN_SHARE = 0.75
#: a token on more names than this share is too common to fetch on its own
COMMON_SHARE = 0.02
COMMON_FLOOR = 500
#: Weights are stable under small list changes, so that a monitoring run after an
#: update re-screens only the rows the change can reach (monitor/scope.py): the
#: number of names is rounded up to a grid of this many steps per doubling (9%
#: apart), and a token's number of names to the nearest power of COUNT_STEP. A
#: name more or less moves a word's weight only when its count crosses a step,
#: which for a word on n names happens about once in n·ln(COUNT_STEP) changes: a
#: change then reweighs about 1/ln(COUNT_STEP) names on average (2.9), whether the
#: word is rare or common, instead of every weight a little.
SIZE_STEPS_PER_DOUBLING = 8
COUNT_STEP = math.sqrt(2)


def reference_size(names: int) -> int:
    """The number of names the weights are computed against (see SIZE_STEPS_PER_DOUBLING)."""
    steps = math.ceil(SIZE_STEPS_PER_DOUBLING * math.log2(max(names, 1)))
    return round(2 ** (steps / SIZE_STEPS_PER_DOUBLING))


def weighted_count(names: int) -> float:
    """A token's number of names as its weight counts it (see COUNT_STEP)."""
    return float(COUNT_STEP ** round(math.log(names) / math.log(COUNT_STEP)))


def normalize_identifier(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


@lru_cache(maxsize=100_000)
def deletions(token: str) -> frozenset[str]:
    return frozenset(token[:i] + token[i + 1 :] for i in range(len(token)))


class EntityInfo(NamedTuple):
    """What a hit shows and what the non-name features compare, without the store."""

    id: str
    dataset: str
    schema: str
    caption: str
    lists: tuple[str, ...]
    as_of: str | None
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    identifiers: tuple[tuple[str, str, str], ...]  # (normalised value, type, as published)


class NameEntry(NamedTuple):
    entity: int  # position in ScreeningIndex.entities; names are stored in entity order
    original: str
    kind: str
    tokens: tuple[str, ...]
    notes: tuple[str, ...]
    script: str  # of the published name, before transliteration


T = TypeVar("T", bound=tuple[Any, ...])


class Rows(Sequence[T]):
    """A list of named tuples kept as plain tuples.

    Unpickling tens of thousands of named tuples (or dataclasses) costs a
    constructor call each; plain tuples load several times faster, and the
    few rows a query touches are wrapped on access.
    """

    def __init__(
        self, make: Callable[[Iterable[Any]], T], rows: list[tuple[Any, ...]] | None = None
    ):
        self._make = make
        self._rows: list[tuple[Any, ...]] = rows if rows is not None else []

    def append(self, row: T) -> None:
        self._rows.append(tuple(row))

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [self._make(r) for r in self._rows[i]]
        return self._make(self._rows[i])

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        return self._rows

    def field(self, i: int, position: int) -> Any:
        """One field of one row without building the named tuple (hot loops)."""
        return self._rows[i][position]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rows, (self._make, self._rows))


def _name_rows() -> Rows[NameEntry]:
    return Rows(NameEntry._make)


def _entity_rows() -> Rows[EntityInfo]:
    return Rows(EntityInfo._make)


@dataclass
class ScreeningIndex:
    snapshot: str
    entities: Rows[EntityInfo] = field(default_factory=_entity_rows)
    names: Rows[NameEntry] = field(default_factory=_name_rows)
    token_ids: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    # Lists while building, tuples once finished (tuples load three times faster).
    postings: list[Sequence[int]] = field(default_factory=list)  # token id -> name ids
    fuzzy: dict[str, Sequence[int]] = field(default_factory=dict)  # token/deletion -> token ids
    skeletons: dict[str, Sequence[int]] = field(default_factory=dict)  # skeleton -> token ids
    folded: dict[str, Sequence[int]] = field(default_factory=dict)  # romanization fold -> ids
    # Arabic consonant keys (names.abjad_keys): of the tokens of names written in
    # Arabic script, for Latin queries; of every token, for Arabic-script queries
    consonant_keys: dict[str, Sequence[int]] = field(default_factory=dict)
    all_consonant_keys: dict[str, Sequence[int]] = field(default_factory=dict)
    abjad_tokens: frozenset[int] = frozenset()
    greek_folded: dict[str, Sequence[int]] = field(default_factory=dict)  # greek_fold -> ids
    name_weights: Sequence[float] = ()  # name id -> summed idf of its tokens
    # query token -> similar index tokens, filled while serving, never saved
    similar_cache: dict[tuple[str, str], dict[int, float]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["similar_cache"] = {}
        return state

    joined: dict[str, Sequence[int]] = field(default_factory=dict)  # spaceless name -> name ids
    identifiers: dict[str, Sequence[int]] = field(default_factory=dict)  # id -> entities
    idf: list[float] = field(default_factory=list)
    max_idf: float = 1.0
    generic_idf: float = 0.0  # the idf of a token on GENERIC_SHARE of all names
    reference_size: int = 1  # the number of names the weights count (`reference_size`)
    common_limit: int = COMMON_FLOOR  # a token on more names is fetched only with others

    def names_of(self, entity: int) -> range:
        """The name ids of one entity: contiguous, because names are added entity by entity."""
        rows = self.names.rows
        start = bisect_left(rows, entity, key=itemgetter(0))
        return range(start, bisect_right(rows, entity, lo=start, key=itemgetter(0)))

    def token_idf(self, token: str) -> float:
        """A token's weight; one the lists never use counts as rare, but not rarest:
        it is as likely a misspelling as a distinctive word."""
        token_id = self.token_ids.get(token)
        if token_id is None:
            return UNKNOWN_TOKEN_SHARE * self.max_idf
        return self.idf[token_id]


_FROZENSETS: dict[frozenset[str], frozenset[str]] = {}


def _shared(value: frozenset[str]) -> frozenset[str]:
    """One object per distinct set of countries: a million entities share a few hundred."""
    return _FROZENSETS.setdefault(value, value)


def _entity_info(entity: Entity, as_of: str | None) -> EntityInfo:
    identifiers = tuple(
        (normalize_identifier(i.value), i.type, i.value)
        for i in entity.identifiers
        if len(normalize_identifier(i.value)) >= 4
    )
    return EntityInfo(
        id=entity.id,
        dataset=entity.dataset,
        schema=entity.schema,
        caption=entity.caption,
        lists=entity.lists,
        as_of=as_of,
        birth_dates=entity.birth_dates,
        countries=_shared(frozenset(c.code for c in entity.countries)),
        identifiers=identifiers,
    )


def build_index(
    entities: Iterable[Entity], snapshot: str, as_of: Mapping[str, str | None] | None = None
) -> ScreeningIndex:
    """Index every name of every entity; `as_of` maps dataset -> its release's as-of date."""
    index = ScreeningIndex(snapshot=snapshot)
    dates = as_of or {}
    abjad: set[int] = set()
    for entity in entities:
        position = len(index.entities)
        index.entities.append(_entity_info(entity, dates.get(entity.dataset)))
        for value, type_, _published in index.entities[position].identifiers:
            if IDENTIFIER_TYPES.get(type_, False):
                _add(index.identifiers, value, position)
        seen: set[tuple[str, ...]] = set()
        for name in entity.names:
            # uncached: the query-time cache must not fill with a whole list's names
            normalized = normalize_name.__wrapped__(name.value, entity.schema)
            if not normalized.tokens or normalized.tokens in seen:
                continue
            seen.add(normalized.tokens)
            name_id = len(index.names)
            index.names.append(
                NameEntry(
                    position,
                    name.value,
                    name.kind.value,
                    normalized.tokens,
                    normalized.notes,
                    normalized.script,
                )
            )
            for token in set(normalized.tokens):
                _posting(index, token).append(name_id)
            if normalized.script == "Arabic":
                abjad.update(index.token_ids[t] for t in normalized.tokens)
            _add(index.joined, normalized.joined, name_id)
    index.abjad_tokens = frozenset(abjad)
    _finish(index)
    return index


def _add(table: dict[str, Sequence[int]], key: str, value: int) -> None:
    entries = table.setdefault(key, [])
    assert isinstance(entries, list), "index already finished"
    entries.append(value)


def _posting(index: ScreeningIndex, token: str) -> list[int]:
    token_id = index.token_ids.get(token)
    if token_id is None:
        token_id = len(index.tokens)
        index.token_ids[token] = token_id
        index.tokens.append(token)
        index.postings.append([])
    posting = index.postings[token_id]
    assert isinstance(posting, list), "index already finished"
    return posting


def _finish(index: ScreeningIndex) -> None:
    total = index.reference_size = reference_size(len(index.names))
    index.common_limit = max(COMMON_FLOOR, int(total * COMMON_SHARE))
    index.max_idf = math.log((total + 1) / 0.5)
    index.generic_idf = math.log((total + 1) / (total * GENERIC_SHARE + 0.5))
    index.idf = [
        min(idf, index.generic_idf / 3) if token in GENERIC_WORDS else idf
        for token, idf in zip(
            index.tokens,
            (math.log((total + 1) / (weighted_count(len(p)) + 0.5)) for p in index.postings),
            strict=True,
        )
    ]
    token_ids, idf = index.token_ids, index.idf
    index.name_weights = array(
        "f", (sum(idf[token_ids[t]] for t in set(entry[3])) for entry in index.names.rows)
    )
    _add_lookup_keys(index)
    index.postings = [tuple(p) for p in index.postings]
    tables = (
        index.fuzzy,
        index.skeletons,
        index.folded,
        index.consonant_keys,
        index.all_consonant_keys,
        index.greek_folded,
        index.joined,
    )
    for table in (*tables, index.identifiers):
        for key, values in table.items():
            table[key] = tuple(values)


def _add_lookup_keys(index: ScreeningIndex) -> None:
    """File every token under the keys a similar query token looks it up by."""
    for token_id, token in enumerate(index.tokens):
        _add(index.fuzzy, token, token_id)
        if len(token) >= MIN_FUZZY_LENGTH:
            for key in deletions(token):
                _add(index.fuzzy, key, token_id)
        if len(key := skeleton(token)) >= 2:
            _add(index.skeletons, key, token_id)
        if len(token) >= MIN_FUZZY_LENGTH:
            _add(index.folded, romanization_fold(token), token_id)
        if len(key := greek_fold(token)) >= 3:
            _add(index.greek_folded, key, token_id)
        for key in abjad_keys(token):
            _add(index.all_consonant_keys, key, token_id)
            if token_id in index.abjad_tokens:
                _add(index.consonant_keys, key, token_id)


def lookup_index(tokens: Iterable[str], abjad: Container[str]) -> ScreeningIndex:
    """An index of `tokens` for look-ups only (no names, no weights).

    `abjad`: which of them are on names written in Arabic script in the full
    index. A query token then reaches exactly the tokens here that it reaches in
    the full index, by the same keys: monitoring uses this to find the rows a
    list change's words can reach without screening every row."""
    index = ScreeningIndex(snapshot="look-up")
    for token in dict.fromkeys(tokens):
        index.token_ids[token] = len(index.tokens)
        index.tokens.append(token)
    index.abjad_tokens = frozenset(i for i, t in enumerate(index.tokens) if t in abjad)
    _add_lookup_keys(index)
    return index
