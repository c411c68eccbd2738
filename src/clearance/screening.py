"""Screener — the public Python API: a party in, scored and explained hits out.

    from clearance import Screener
    screener = Screener.open()                 # the active snapshot of the store
    hits = screener.screen("Hikvision", schema="Company", countries=["China"])

The same query against the same snapshot always gives the same hits in the
same order (sorted by score, ties by entity id).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clearance.index import (
    ScreeningIndex,
    build_index,
    index_path,
    load_index,
    save_index,
)
from clearance.index.build import EntityInfo, NameEntry, normalize_identifier
from clearance.matching.candidates import (
    CandidateBar,
    find_candidates,
    find_candidates_with_bar,
    party_key,
)
from clearance.matching.explain import explain
from clearance.matching.score import (
    Feature,
    NameComparison,
    birth_date_feature,
    compare_names,
    country_feature,
    identifier_feature,
)
from clearance.model import SCHEMATA, Entity
from clearance.names import NormalizedName, normalize_name
from clearance.sources.common import country_code
from clearance.store.store import Store

#: chosen from `clearance evaluate` (docs/benchmarks.md)
DEFAULT_THRESHOLD = 0.80
#: hits below the threshold but above this are shown as near misses (match = False)
REPORT_FLOOR = 0.5
MAX_NAME_LENGTH = 500
MAX_LIMIT = 500

Allowed = Callable[[int], bool]
_PERSONS = {"Person", "LegalEntity"}
_PERSONS_OR_UNKNOWN = {"Person", "LegalEntity", None}

#: which listed schemata a query of a given schema may match
_COMPATIBLE = {
    "Person": {"Person", "LegalEntity"},
    "Organization": {"Organization", "Company", "LegalEntity"},
    "Company": {"Organization", "Company", "LegalEntity"},
    "LegalEntity": {"Person", "Organization", "Company", "LegalEntity"},
    "Vessel": {"Vessel"},
    "Aircraft": {"Aircraft"},
}


class QueryError(ValueError):
    """A query that cannot be screened as given; the message says which field and why."""


@dataclass(frozen=True, slots=True)
class Hit:
    entity_id: str
    dataset: str
    schema: str
    caption: str
    matched_name: str
    score: float
    match: bool
    explanation: str
    lists: tuple[str, ...] = ()
    as_of: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.entity_id,
            "dataset": self.dataset,
            "schema": self.schema,
            "caption": self.caption,
            "matched_name": self.matched_name,
            "score": self.score,
            "match": self.match,
            "explanation": self.explanation,
            "lists": list(self.lists),
            "as_of": self.as_of,
        }


@dataclass(frozen=True)
class Query:
    """A validated query: what `screen` compares."""

    name: str
    schema: str | None
    countries: frozenset[str]
    birth_date: str | None
    identifiers: dict[str, str]  # normalised -> as given
    datasets: frozenset[str] | None


def parse_query(
    name: str,
    *,
    schema: str | None = None,
    countries: Iterable[str] = (),
    birth_date: str | None = None,
    identifiers: Iterable[str] = (),
    datasets: Iterable[str] | None = None,
    normalized: NormalizedName | None = None,
) -> Query:
    """Check and normalise every field of a query, or raise QueryError naming the field.

    `normalized`: the name as `normalize_name` gives it, when the caller already has
    it (monitoring keeps each row's), so the name is not normalised again only to
    be checked."""
    if not isinstance(name, str) or not name.strip():
        raise QueryError("name: must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise QueryError(f"name: {len(name)} characters, at most {MAX_NAME_LENGTH} allowed")
    controls = [c for c in name if unicodedata.category(c) == "Cc" and c not in " \t"]
    if controls:
        raise QueryError(f"name: contains control character U+{ord(controls[0]):04X}")
    if normalized is None:
        normalized = normalize_name(name, schema)
    if not normalized.tokens:
        raise QueryError(f"name: {name!r} has no letters or digits to compare")
    if schema is not None and schema not in _COMPATIBLE:
        raise QueryError(f"schema: {schema!r} is not one of {', '.join(SCHEMATA)}")
    codes = set()
    for country in countries:
        code = country_code(country)
        if code is None:
            raise QueryError(f"country: {country!r} is not a known country name or ISO code")
        codes.add(code)
    return Query(
        name=name,
        schema=schema,
        countries=frozenset(codes),
        birth_date=parse_birth_date(birth_date) if birth_date else None,
        identifiers={normalize_identifier(i): i for i in identifiers if normalize_identifier(i)},
        datasets=frozenset(datasets) if datasets is not None else None,
    )


_BIRTH = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_birth_date(text: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD (zero padding optional) as ISO; impossible dates refused."""
    match = _BIRTH.match(text.strip())
    if not match:
        raise QueryError(f"birth_date: {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        when = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise QueryError(f"birth_date: {text!r} is not a real date") from None
    if when > date.today() or when.year < 1850:
        raise QueryError(f"birth_date: {text!r} is not a plausible birth date")
    if day:
        return when.isoformat()
    return f"{when.year:04d}-{when.month:02d}" if month else f"{when.year:04d}"


def entity_filter(index: ScreeningIndex, query: Query) -> Allowed | None:
    """Which entity positions a query's schema and datasets allow (None: all)."""
    return schema_filter(index, query.schema, query.datasets)


#: where an entity's stored row holds its schema and dataset (`schema_filter`)
_SCHEMA_AT, _DATASET_AT = EntityInfo._fields.index("schema"), EntityInfo._fields.index("dataset")


def schema_filter(
    index: ScreeningIndex, schema: str | None, datasets: frozenset[str] | None = None
) -> Allowed | None:
    """`entity_filter` for a schema already checked by `parse_query`."""
    schemata = None if schema is None else _COMPATIBLE[schema]
    if schemata is None and datasets is None:
        return None
    # the entities' rows as stored: a look-up asks this of every party it ranks, and
    # wrapping each row in its named tuple first cost more than the test itself
    rows = index.entities.rows

    def allowed(position: int) -> bool:
        row = rows[position]
        if schemata is not None and row[_SCHEMA_AT] not in schemata:
            return False
        return datasets is None or row[_DATASET_AT] in datasets

    return allowed


class Screener:
    """Screens parties against one snapshot's index."""

    def __init__(
        self,
        index: ScreeningIndex,
        *,
        store: Store | None = None,
        releases: Sequence[str] = (),
        entities: Sequence[Entity] | None = None,
        default_threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.index = index
        self.default_threshold = default_threshold
        self._store = store
        self._releases = list(releases)
        self._entities = entities

    @property
    def snapshot(self) -> str:
        return self.index.snapshot

    @classmethod
    def open(cls, home: Path | str | None = None) -> Screener:
        """The active snapshot of the store; its index is built on first use and kept."""
        store = Store.open(home)
        snapshot = store.active_snapshot()
        if snapshot is None:
            raise QueryError("no lists loaded yet: run `clearance update` or `clearance load`")
        path = index_path(store.home, snapshot.id)
        index = load_index(path)
        releases = list(snapshot.releases.values())
        if index is None:
            as_of = {
                dataset: store.release(release).published_at
                for dataset, release in snapshot.releases.items()
            }
            index = build_index(store.iter_entities(releases), str(snapshot.id), as_of)
            save_index(index, path)
        return cls(index, store=store, releases=releases)

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], snapshot: str = "memory") -> Screener:
        """An in-memory screener, e.g. for a user's own list or for evaluation."""
        kept = list(entities)
        return cls(build_index(kept, snapshot), entities=kept)

    def entities(self) -> Iterator[Entity]:
        if self._entities is not None:
            yield from self._entities
        elif self._store is not None:
            yield from self._store.iter_entities(self._releases)

    def entity(self, entity_id: str) -> Entity | None:
        """The full listed entity behind a hit (names, listings and their legal effect)."""
        if self._store is not None:
            return self._store.entity(entity_id)
        return next((e for e in self._entities or () if e.id == entity_id), None)

    def candidates(
        self, name: str, *, schema: str | None = None, datasets: Iterable[str] | None = None
    ) -> list[str]:
        """Entity ids the index proposes before scoring (to measure candidate recall)."""
        query = parse_query(name, schema=schema, datasets=datasets)
        names = find_candidates(
            self.index, normalize_name(query.name, query.schema), self._filter(query)
        )
        return list(
            dict.fromkeys(self.index.entities.field(self.index.names.field(n, 0), 0) for n in names)
        )

    def _filter(self, query: Query) -> Allowed | None:
        return entity_filter(self.index, query)

    def screen(
        self,
        name: str,
        *,
        schema: str | None = None,
        countries: Iterable[str] = (),
        birth_date: str | None = None,
        identifiers: Iterable[str] = (),
        datasets: Iterable[str] | None = None,
        threshold: float | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        return self.screen_with_bar(
            name,
            schema=schema,
            countries=countries,
            birth_date=birth_date,
            identifiers=identifiers,
            datasets=datasets,
            threshold=threshold,
            limit=limit,
        )[0]

    def screen_with_bar(
        self,
        name: str,
        *,
        schema: str | None = None,
        countries: Iterable[str] = (),
        birth_date: str | None = None,
        identifiers: Iterable[str] = (),
        datasets: Iterable[str] | None = None,
        threshold: float | None = None,
        limit: int = 10,
    ) -> tuple[list[Hit], CandidateBar]:
        """`screen`, and what a name outside the candidates must share with the query to
        change them: monitoring keeps it to prove that a list change cannot reach a row."""
        query = parse_query(
            name,
            schema=schema,
            countries=countries,
            birth_date=birth_date,
            identifiers=identifiers,
            datasets=datasets,
        )
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise QueryError(f"threshold: {threshold} is not between 0 and 1")
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit: {limit} is not between 1 and {MAX_LIMIT}")
        cutoff = self.default_threshold if threshold is None else threshold
        return self._screen(query, cutoff, limit)

    def _screen(self, query: Query, cutoff: float, limit: int) -> tuple[list[Hit], CandidateBar]:
        index = self.index
        normalized = normalize_name(query.name, query.schema)
        allowed = self._filter(query)
        best: dict[int, Hit] = {}
        positions: set[int] = set()
        for value in query.identifiers:
            positions.update(index.identifiers.get(value, ()))
        candidate_names, bar = find_candidates_with_bar(index, normalized, allowed)
        by_entity: dict[int, list[int]] = {}
        for name_id in candidate_names:
            by_entity.setdefault(index.names.field(name_id, 0), []).append(name_id)
        for position in positions:
            if allowed is None or allowed(position):
                by_entity.setdefault(position, [])
        # the same party is on several lists under the same name: compare it once
        compared: dict[tuple[tuple[str, ...], bool, str], NameComparison] = {}
        for position, name_ids in by_entity.items():
            hit = self._score_entity(query, normalized, position, name_ids, cutoff, compared)
            if hit is not None:
                best[position] = hit
        hits = sorted(best.values(), key=lambda h: (-h.score, h.entity_id))
        parties = frozenset(party_key(index.entities.field(p, 0)) for p in by_entity)
        return hits[:limit], bar._replace(parties=parties)

    def party_hit(
        self,
        query: Query,
        position: int,
        cutoff: float,
        normalized: NormalizedName,
        candidates: Container[int],
    ) -> tuple[Hit | None, bool]:
        """The hit the listed party at `position` gives `query` in a screening whose
        candidates include the names `candidates` (name ids) of it, and whether that is
        certain. A screening compares a party's candidate names only and keeps the
        first best one: no name of it reaching the report floor means no hit, and a
        single best name among its candidates is the one a screening picks. Otherwise
        (the best name is not known to be a candidate, or ties) it is not certain.
        Monitoring uses it to work out a changed party's hit without screening the row."""
        info = self.index.entities[position]
        compared: dict[tuple[tuple[str, ...], bool, str], NameComparison] = {}
        scores = [
            (comparison.score, name_id)
            for name_id, _entry, comparison in self._compared(
                query, normalized, info, list(self.index.names_of(position)), compared
            )
        ]
        if not scores:
            return None, True
        top = max(score for score, _name_id in scores)
        best = [name_id for score, name_id in scores if score == top]
        hit = self._score_entity(query, normalized, position, best[:1], cutoff, compared)
        if hit is None:
            return None, True
        return hit, len(best) == 1 and best[0] in candidates

    def names_hit(
        self,
        query: Query,
        position: int,
        cutoff: float,
        normalized: NormalizedName,
        name_ids: list[int],
    ) -> Hit | None:
        """The hit the listed party at `position` gives `query` in a screening whose
        candidates hold exactly `name_ids` (at least one) of its names: what the
        screening works out for each candidate party. Monitoring uses it where it
        knows a party's other candidate names scored below the report floor."""
        if not name_ids:
            raise ValueError("names_hit needs at least one of the party's names")
        return self._score_entity(query, normalized, position, name_ids, cutoff, {})

    def _compared(
        self,
        query: Query,
        normalized: NormalizedName,
        info: EntityInfo,
        name_ids: list[int],
        compared: dict[tuple[tuple[str, ...], bool, str], NameComparison],
    ) -> Iterator[tuple[int, NameEntry, NameComparison]]:
        """Each name's comparison with the query (`compared`: those made, by name form)."""
        index = self.index
        initials = info.schema in _PERSONS and query.schema in _PERSONS_OR_UNKNOWN
        for name_id in name_ids:
            entry = index.names[name_id]
            key = (entry.tokens, initials, entry.script)
            comparison = compared.get(key)
            if comparison is None:
                comparison = compared[key] = compare_names(
                    normalized, entry.tokens, index, initials=initials, listed_script=entry.script
                )
            yield name_id, entry, comparison

    def _score_entity(
        self,
        query: Query,
        normalized: NormalizedName,
        position: int,
        name_ids: list[int],
        cutoff: float,
        compared: dict[tuple[tuple[str, ...], bool, str], NameComparison],
    ) -> Hit | None:
        index = self.index
        info = index.entities[position]
        if not name_ids:  # reached through an identifier only: compare with every name
            name_ids = list(index.names_of(position))
        best = None
        for _name_id, entry, comparison in self._compared(
            query, normalized, info, name_ids, compared
        ):
            if best is None or comparison.score > best[1].score:
                best = (entry, comparison)
        if best is None:
            return None
        entry, comparison = best
        features: list[Feature] = [
            f
            for f in (
                identifier_feature(query.identifiers, info),
                birth_date_feature(query.birth_date, info),
                country_feature(query.countries, info),
            )
            if f is not None
        ]
        score = round(min(1.0, max(0.0, comparison.score + sum(f.delta for f in features))), 4)
        if score < min(cutoff, REPORT_FLOOR):
            return None
        return Hit(
            entity_id=info.id,
            dataset=info.dataset,
            schema=info.schema,
            caption=info.caption,
            matched_name=entry.original,
            score=score,
            match=score >= cutoff,
            explanation=explain(
                normalized, entry.original, entry.kind, entry.notes, comparison, features, score
            ),
            lists=info.lists,
            as_of=info.as_of,
        )
