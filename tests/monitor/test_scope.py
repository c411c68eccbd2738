"""The scope's promise: a row it does not reach gets the same hits from the old and new lists."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from tests.monitor.conftest import alter, unlisted_names, variations

from clearance import Screener
from clearance.batch.queries import RawQuery
from clearance.model import Entity
from clearance.monitor.scope import ListChange, ListScope


@pytest.fixture(scope="module")
def entities(lists_home: Path) -> list[Entity]:
    return list(Screener.open(lists_home).entities())


@pytest.fixture(scope="module")
def old(entities: list[Entity]) -> Screener:
    return Screener.from_entities(entities, snapshot="old")


def respelt(entity: Entity, rng: random.Random) -> Entity:
    first = entity.names[0]
    words = first.value.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    words[longest] = alter(words[longest], rng)
    return replace(entity, names=(replace(first, value=" ".join(words)), *entity.names[1:]))


def queries(entities: list[Entity], touched: list[Entity], rng: random.Random) -> list[str]:
    listed = [e.caption for e in rng.sample(entities, 60)] + [e.caption for e in touched]
    found = listed + [v for name in listed[::3] for v in variations(name, rng)]
    return list(dict.fromkeys(found + unlisted_names(120, seed=11)))


def answers(screener: Screener, name: str) -> list[tuple[object, ...]]:
    return [
        (h.entity_id, h.score, h.match, h.matched_name, h.explanation, h.caption, h.lists)
        for h in screener.screen(name)
    ]


def check(old: Screener, new: Screener, scope: ListScope, names: list[str]) -> tuple[int, int]:
    """(reached, unreached) rows; every unreached one has the same answers in both."""
    reached = 0
    for name in names:
        before = answers(old, name)
        if scope.reaches(RawQuery(name, "", "", ""), {str(a[0]) for a in before}):
            reached += 1
        else:
            assert answers(new, name) == before, name
    return reached, len(names) - reached


def test_a_respelling_reaches_only_rows_near_it(entities: list[Entity], old: Screener) -> None:
    rng = random.Random(5)
    single = [e for e in entities if len(e.names) == 1 and len(e.caption.split()) >= 2]
    changed = {e.id: respelt(e, rng) for e in rng.sample(single, 15)}
    new = Screener.from_entities([changed.get(e.id, e) for e in entities], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset(changed))
    scope = ListScope(old.index, new.index, change)
    assert not scope.everything
    touched = [e for e in entities if e.id in changed] + list(changed.values())
    reached, unreached = check(old, new, scope, queries(entities, touched, rng))
    assert reached > 0 and unreached > 0


def test_entities_added_and_removed_move_every_weight(
    entities: list[Entity], old: Screener
) -> None:
    rng = random.Random(8)
    removed = rng.sample(entities, 10)
    added = [respelt(replace(e, id=f"{e.id}-new"), rng) for e in rng.sample(entities, 5) if e.names]
    gone = {e.id for e in removed}
    new = Screener.from_entities([e for e in entities if e.id not in gone] + added, "new")
    change = ListChange(0, 1, frozenset(e.id for e in added), frozenset(gone), frozenset())
    scope = ListScope(old.index, new.index, change)
    assert scope.everything
    reached, unreached = check(old, new, scope, queries(entities, removed + added, rng))
    assert reached > 0 and unreached > 0
