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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from clearance.model import IDENTIFIER_TYPES, Entity
from clearance.names import normalize_name, skeleton

#: tokens shorter than this get no deletion keys: one edit in 3 letters is another word
MIN_FUZZY_LENGTH = 4
#: a token on this share of all names says little ("international", "trading", "ali")
GENERIC_SHARE = 0.002


def normalize_identifier(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.casefold())


def deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


@dataclass(frozen=True, slots=True)
class EntityInfo:
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


@dataclass(frozen=True, slots=True)
class NameEntry:
    entity: int  # position in ScreeningIndex.entities
    original: str
    kind: str
    tokens: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass
class ScreeningIndex:
    snapshot: str
    entities: list[EntityInfo] = field(default_factory=list)
    names: list[NameEntry] = field(default_factory=list)
    token_ids: dict[str, int] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)
    postings: list[list[int]] = field(default_factory=list)  # token id -> name ids
    fuzzy: dict[str, list[int]] = field(default_factory=dict)  # token or deletion -> token ids
    skeletons: dict[str, list[int]] = field(default_factory=dict)  # skeleton -> token ids
    joined: dict[str, list[int]] = field(default_factory=dict)  # spaceless name -> name ids
    identifiers: dict[str, list[int]] = field(default_factory=dict)  # id value -> entities
    idf: list[float] = field(default_factory=list)
    max_idf: float = 1.0
    generic_idf: float = 0.0  # the idf of a token on GENERIC_SHARE of all names

    def token_idf(self, token: str) -> float:
        token_id = self.token_ids.get(token)
        return self.max_idf if token_id is None else self.idf[token_id]


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
        countries=frozenset(c.code for c in entity.countries),
        identifiers=identifiers,
    )


def build_index(
    entities: Iterable[Entity], snapshot: str, as_of: Mapping[str, str | None] | None = None
) -> ScreeningIndex:
    """Index every name of every entity; `as_of` maps dataset -> its release's as-of date."""
    index = ScreeningIndex(snapshot=snapshot)
    dates = as_of or {}
    for entity in entities:
        position = len(index.entities)
        index.entities.append(_entity_info(entity, dates.get(entity.dataset)))
        for value, type_, _published in index.entities[-1].identifiers:
            if IDENTIFIER_TYPES.get(type_, False):
                index.identifiers.setdefault(value, []).append(position)
        seen: set[tuple[str, ...]] = set()
        for name in entity.names:
            normalized = normalize_name(name.value, entity.schema)
            if not normalized.tokens or normalized.tokens in seen:
                continue
            seen.add(normalized.tokens)
            name_id = len(index.names)
            index.names.append(
                NameEntry(
                    position, name.value, name.kind.value, normalized.tokens, normalized.notes
                )
            )
            for token in set(normalized.tokens):
                _posting(index, token).append(name_id)
            index.joined.setdefault(normalized.joined, []).append(name_id)
    _finish(index)
    return index


def _posting(index: ScreeningIndex, token: str) -> list[int]:
    token_id = index.token_ids.get(token)
    if token_id is None:
        token_id = len(index.tokens)
        index.token_ids[token] = token_id
        index.tokens.append(token)
        index.postings.append([])
    return index.postings[token_id]


def _finish(index: ScreeningIndex) -> None:
    total = max(len(index.names), 1)
    index.idf = [math.log((total + 1) / (len(p) + 0.5)) for p in index.postings]
    index.max_idf = math.log((total + 1) / 0.5)
    index.generic_idf = math.log((total + 1) / (total * GENERIC_SHARE + 0.5))
    for token_id, token in enumerate(index.tokens):
        index.fuzzy.setdefault(token, []).append(token_id)
        if len(token) >= MIN_FUZZY_LENGTH:
            for key in deletions(token):
                index.fuzzy.setdefault(key, []).append(token_id)
        if len(key := skeleton(token)) >= 2:
            index.skeletons.setdefault(key, []).append(token_id)
