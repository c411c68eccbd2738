"""`Screener.party_hit`: one listed party's hit, worked out without a screening, and
whether it is certain (monitoring relies on it to spare a row)."""

from __future__ import annotations

import pytest

from clearance import Screener
from clearance.names import normalize_name
from clearance.screening import Hit, parse_query
from tests.cases.conftest import listed

JANE = listed("1", "Jane Roe", aliases=("Janet Roe Smithers",))
TWICE = listed("2", "Omar Haddad", aliases=("HADDAD, Omar",))  # one name, written twice
OTHER = listed("3", "Samira Nasser")


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.from_entities([JANE, TWICE, OTHER], snapshot="test")


def position_of(screener: Screener, entity_id: str) -> int:
    entities = screener.index.entities
    return next(p for p in range(len(entities)) if entities[p].id == entity_id)


def names_of(screener: Screener, entity_id: str) -> dict[str, int]:
    """Published name -> name id."""
    index = screener.index
    return {index.names[n].original: n for n in index.names_of(position_of(screener, entity_id))}


def party_hit(
    screener: Screener, name: str, entity_id: str, candidates: set[int]
) -> tuple[Hit | None, bool]:
    query = parse_query(name)
    normalized = normalize_name(query.name, query.schema)
    return screener.party_hit(query, position_of(screener, entity_id), 0.8, normalized, candidates)


def test_the_single_best_name_among_the_candidates_gives_the_screenings_hit(
    screener: Screener,
) -> None:
    hit, certain = party_hit(
        screener, "Jane Roe", JANE.id, {names_of(screener, JANE.id)["Jane Roe"]}
    )
    assert certain
    assert [hit] == [h for h in screener.screen("Jane Roe") if h.entity_id == JANE.id]


def test_a_best_name_not_known_to_be_a_candidate_is_not_certain(screener: Screener) -> None:
    alias = names_of(screener, JANE.id)["Janet Roe Smithers"]
    hit, certain = party_hit(screener, "Jane Roe", JANE.id, {alias})
    assert hit is not None and not certain


def test_names_tied_for_best_are_not_certain(screener: Screener) -> None:
    """A screening keeps the first of tied names among its candidates, in its own
    order: which one that is, the candidates named here cannot tell."""
    names = names_of(screener, TWICE.id)
    hit, certain = party_hit(screener, "Omar Haddad", TWICE.id, set(names.values()))
    assert hit is not None and not certain


def test_no_name_reaching_the_report_floor_is_certainly_no_hit(screener: Screener) -> None:
    assert party_hit(screener, "Zorblax Kelliwax", JANE.id, set()) == (None, True)
