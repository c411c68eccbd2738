"""The scope's promise: a row it does not reach gets the same hits from the old and new lists."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from tests.monitor.conftest import alter, unlisted_names, variations

from clearance import Screener
from clearance.batch.queries import RawQuery
from clearance.matching.candidates import (
    RANKED_POOL,
    CandidateBar,
    _query_keys,
    find_candidates_with_bar,
)
from clearance.model import Entity, Name, NameKind
from clearance.monitor.scope import ListChange, ListScope, Screened, Spared
from clearance.names import normalize_name
from clearance.screening import Hit

#: hits a row keeps (as `clearance monitor run`)
LIMIT = 10


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


def respellings(
    entities: list[Entity], old: Screener, rng: random.Random, count: int
) -> tuple[dict[str, Entity], Screener, ListScope]:
    """`count` single-named entities respelt: the changed ones, the new lists, the scope."""
    single = [e for e in entities if len(e.names) == 1 and len(e.caption.split()) >= 2]
    changed = {e.id: respelt(e, rng) for e in rng.sample(single, count)}
    new = Screener.from_entities([changed.get(e.id, e) for e in entities], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset(changed))
    return changed, new, ListScope(old.index, new, change, new.default_threshold, LIMIT)


def queries(entities: list[Entity], touched: list[Entity], rng: random.Random) -> list[str]:
    listed = [e.caption for e in rng.sample(entities, 60)] + [e.caption for e in touched]
    found = listed + [v for name in listed[::3] for v in variations(name, rng)]
    return list(dict.fromkeys(found + unlisted_names(120, seed=11)))


def last_screening(name: str, bar: CandidateBar) -> Screened:
    normalized = normalize_name(name)
    return Screened(bar, normalized.script, normalized.tokens)


def answers(screener: Screener, name: str) -> tuple[list[tuple[object, ...]], CandidateBar]:
    hits, bar = screener.screen_with_bar(name)
    return [
        (h.entity_id, h.score, h.match, h.matched_name, h.explanation, h.caption, h.lists)
        for h in hits
    ], bar


def checked(
    scope: ListScope, old: Screener, name: str
) -> tuple[list[tuple[object, ...]], Spared | None]:
    """The row's answers from the old lists, and what the scope says of it (None: reached)."""
    before, bar = answers(old, name)
    previous = {str(a[0]): str(a[3]) for a in before}
    return before, scope.check(RawQuery(name, "", "", ""), previous, last_screening(name, bar))


def now(
    before: list[tuple[object, ...]], spared: Spared
) -> tuple[list[tuple[object, ...]], CandidateBar]:
    """A spared row's answers and bar: its previous answers, those of the parties the
    scope worked out again replaced, ordered and cut as a screening orders and cuts."""
    rescored = spared.rescored or {}
    kept = [a for a in before if a[0] not in rescored]
    kept += [
        (h.entity_id, h.score, h.match, h.matched_name, h.explanation, h.caption, h.lists)
        for h in rescored.values()
        if h is not None
    ]
    kept.sort(key=lambda a: (-float(str(a[1])), str(a[0])))
    return kept[:LIMIT], spared.screened.bar


def spared_hits(hits: list[Hit], spared: Spared) -> list[Hit]:
    """`now` for a row's hits as `Screener.screen_with_bar` gives them: its previous
    hits, those of the parties worked out again replaced, ordered and cut as a
    screening orders and cuts them."""
    rescored = spared.rescored or {}
    kept = [h for h in hits if h.entity_id not in rescored]
    kept += [h for h in rescored.values() if h is not None]
    kept.sort(key=lambda h: (-h.score, h.entity_id))
    return kept[:LIMIT]


def fresh(
    new: Screener, name: str, spared: Spared
) -> tuple[list[tuple[object, ...]], CandidateBar]:
    """The row's answers from a screening against the new lists, with the parts of the
    bar that the spared row's bar leaves unknown (its window or the window's part beyond
    the first party left out, the parties it names, a cut ranking's edge) unknown too:
    a run then screens the row again where it would need them."""
    hits, bar = answers(new, name)
    kept = spared.screened.bar
    if kept.window is None:
        bar = bar._replace(window=None)
    elif bar.window is not None and not kept.window.further:
        near = bar.window._replace(second=0, beyond=math.inf, beyond_clear=False, further=False)
        bar = bar._replace(window=near)
    if kept.parties is None:
        bar = bar._replace(parties=None)
    if kept.ranked > RANKED_POOL and kept.edge == math.inf:
        bar = bar._replace(edge=math.inf)
    return hits, bar


def check(old: Screener, new: Screener, scope: ListScope, names: list[str]) -> tuple[int, int]:
    """(reached, unreached) rows; every unreached one has the same answers in both, and the
    bar the scope says it now has (its pool counts moved by the names the change
    added to them or took away)."""
    reached = 0
    for name in names:
        before, spared = checked(scope, old, name)
        if spared is None:
            reached += 1
        else:
            assert fresh(new, name, spared) == now(before, spared), name
    return reached, len(names) - reached


def test_a_respelling_reaches_only_rows_near_it(entities: list[Entity], old: Screener) -> None:
    rng = random.Random(5)
    changed, new, scope = respellings(entities, old, rng, 15)
    assert not scope.everything
    touched = [e for e in entities if e.id in changed] + list(changed.values())
    reached, unreached = check(old, new, scope, queries(entities, touched, rng))
    assert reached > 0 and unreached > reached


def test_entities_added_and_removed_reach_only_rows_near_them(
    entities: list[Entity], old: Screener
) -> None:
    rng = random.Random(8)
    removed = rng.sample(entities, 10)
    added = [respelt(replace(e, id=f"{e.id}-new"), rng) for e in rng.sample(entities, 5) if e.names]
    gone = {e.id for e in removed}
    new = Screener.from_entities([e for e in entities if e.id not in gone] + added, "new")
    change = ListChange(0, 1, frozenset(e.id for e in added), frozenset(gone), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert not scope.everything  # weights count names on a grid: a few more or less move none
    reached, unreached = check(old, new, scope, queries(entities, removed + added, rng))
    assert reached > 0 and unreached > reached


def test_a_long_word_split_into_a_new_word_is_screened_again(
    entities: list[Entity], old: Screener
) -> None:
    """A long word the lists do not hold is also looked up split in two known words:
    a word the new lists add makes a new split, so the row's look-up changes."""
    known = next(t for t in old.index.tokens if len(t) >= 6 and t.isalpha())
    first = entities[0]
    added = replace(first, id=f"{first.dataset}:zorblax", names=(Name.make("Zorblax Kelliwax"),))
    new = Screener.from_entities([*entities, added], snapshot="new")
    change = ListChange(0, 1, frozenset({added.id}), frozenset(), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert not scope.everything
    name = f"{known}zorblax"  # one word: the known one and the added one, run together
    normalized = normalize_name(name)
    assert _query_keys(normalized, new.index) != _query_keys(normalized, old.index)
    assert checked(scope, old, name)[1] is None


def test_a_change_in_the_counted_number_of_names_moves_every_weight(
    entities: list[Entity], old: Screener
) -> None:
    rng = random.Random(9)
    removed = rng.sample(entities, len(entities) // 4)
    gone = {e.id for e in removed}
    new = Screener.from_entities([e for e in entities if e.id not in gone], "new")
    assert new.index.reference_size < old.index.reference_size
    change = ListChange(0, 1, frozenset(), frozenset(gone), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert scope.everything
    _reached, unreached = check(old, new, scope, queries(entities, removed[:20], rng))
    assert unreached == 0


def test_the_scope_reckons_a_changed_party_among_the_candidates_as_the_look_up_does(
    entities: list[Entity], old: Screener
) -> None:
    """The scope's own count of shared weight must give the look-up's very candidates:
    for every query, the parties it finds kept through names concerned by the change
    are those the look-up keeps through them."""
    rng = random.Random(12)
    changed, new, scope = respellings(entities, old, rng, 40)
    index = new.index
    compared = 0
    for name in queries(entities, list(changed.values()), rng):
        normalized = normalize_name(name)
        kept, bar = find_candidates_with_bar(index, normalized, None)
        if bar.best == float("-inf"):
            continue
        weights = scope.credits(normalized, _query_keys(normalized, index))[1]
        found = scope.concerned[1].kept(normalized, weights, bar, None)
        if found is None:
            continue
        concerned = scope.concerned[1].names
        expected = {
            index.entities.field(index.names.field(n, 0), 0) for n in kept if n in concerned
        }
        assert found.entities == expected, name
        compared += bool(expected)
    assert compared > 0


def test_a_changed_weak_candidate_leaves_the_row_alone(
    entities: list[Entity], old: Screener
) -> None:
    """Twenty candidate parties per row hold weak ones: a changed party among them
    without a hit changes no answer, and the row is not screened again."""
    rng = random.Random(5)
    changed, new, scope = respellings(entities, old, rng, 40)
    spared = 0
    for name in queries(entities, list(changed.values()), rng):
        if not set(old.candidates(name)) & set(changed):
            continue
        before, kept = checked(scope, old, name)
        if kept is not None:
            assert fresh(new, name, kept) == now(before, kept), name
            spared += 1
    assert spared > 0


def test_a_hit_on_a_respelt_party_is_worked_out_without_screening_the_row(
    entities: list[Entity], old: Screener
) -> None:
    """A row whose hit is on a respelt party keeps its other hits; that party's hit is
    worked out again from its names that are surely among the row's candidates, and
    the answers are those of a screening against the new lists."""
    rng = random.Random(8)
    changed, new, scope = respellings(entities, old, rng, 40)
    worked_out = 0
    for name in queries(entities, list(changed.values()), rng):
        before, spared = checked(scope, old, name)
        if spared is None:
            continue
        assert fresh(new, name, spared) == now(before, spared), name
        worked_out += bool({str(a[0]) for a in before} & (spared.rescored or {}).keys())
    assert worked_out > 0


def test_a_row_with_as_many_hits_as_it_keeps_is_screened_again_if_one_may_change(
    entities: list[Entity], old: Screener
) -> None:
    """A row keeps ten hits: if one of them may drop or move, an eleventh that the
    limit cut may come back, which only a screening can tell."""
    rng = random.Random(8)
    changed, _new, scope = respellings(entities, old, rng, 40)
    for name in queries(entities, list(changed.values()), rng):
        before, spared = checked(scope, old, name)
        if spared is None or not spared.rescored:
            continue
        previous = {str(a[0]): str(a[3]) for a in before}
        fillers = {f"other:{i}": "Someone" for i in range(LIMIT - len(previous))}
        _hits, bar = answers(old, name)
        full = scope.check(
            RawQuery(name, "", "", ""), previous | fillers, last_screening(name, bar)
        )
        assert full is None, name
        return
    pytest.fail("no row had a hit worked out again")


def test_a_changed_partys_unchanged_names_keep_their_place(
    entities: list[Entity], old: Screener
) -> None:
    """A party respelt in one name keeps its other names as they were: a row whose best
    candidate is one of those is not screened again for that (only a hit would be),
    and its answers stay exact."""
    rng = random.Random(14)
    several = [e for e in entities if len(e.names) >= 2 and len(e.names[0].value.split()) >= 2]
    changed = {e.id: respelt(e, rng) for e in rng.sample(several, 40)}
    new = Screener.from_entities([changed.get(e.id, e) for e in entities], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset(changed))
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    stable = scope.stable[0]
    index = old.index
    assert stable and stable.isdisjoint(scope.concerned[0].names)
    for name_id in stable:  # only the names that were not respelt
        tokens = index.names.rows[name_id][3]
        entity_id = index.entities.field(index.names.rows[name_id][0], 0)
        assert entity_id in changed
        assert tuple(tokens) != tuple(normalize_name(changed[entity_id].names[0].value).tokens)
    # a word of an unchanged alias beside unlisted words: weak rows led by that alias
    words = [w for e in changed.values() for n in e.names[1:] for w in n.value.split()]
    rows = [f"{w} {u}" for w, u in zip(words, unlisted_names(len(words), seed=3), strict=False)]
    led_and_spared = 0
    for name in rows:
        before, spared = checked(scope, old, name)
        if spared is None:
            continue
        assert fresh(new, name, spared) == now(before, spared), name
        led = find_candidates_with_bar(index, normalize_name(name), None)[0]
        led_and_spared += bool(led) and led[0] in stable
    assert led_and_spared > 0


def amendments(
    entities: list[Entity], old: Screener, seed: int, **fields: Any
) -> tuple[dict[str, Entity], Screener, ListScope]:
    """60 entries amended: a remark added, and `fields` replaced; their names untouched."""
    rng = random.Random(seed)
    amended = {
        e.id: replace(e, remarks=(*e.remarks, "Amended."), **fields)
        for e in rng.sample(entities, 60)
    }
    new = Screener.from_entities([amended.get(e.id, e) for e in entities], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset(amended))
    return amended, new, ListScope(old.index, new, change, new.default_threshold, LIMIT)


def test_an_amended_party_is_checked_only_where_it_was_scored(
    entities: list[Entity], old: Screener
) -> None:
    """Entries amended without a name changing concern no name, so no row's look-up
    is replayed; where an amended party's birth dates changed, the rows that scored
    it check whether it is a hit now; every spared row keeps its answers and bar."""
    amended, new, scope = amendments(entities, old, 21, birth_dates=("1950",))
    assert not scope.reachable and not scope.concerned[1].names and scope.refeatured
    rng = random.Random(21)
    scored_and_spared = 0
    for name in queries(entities, list(amended.values()), rng):
        before, spared = checked(scope, old, name)
        if spared is None:
            assert {str(a[0]) for a in before} & set(amended), name  # it had a hit on one
            continue
        assert fresh(new, name, spared) == now(before, spared), name
        scored_and_spared += bool(set(old.candidates(name)) & set(amended))
    assert scored_and_spared > 0


def test_an_amendment_leaving_names_and_features_needs_no_check(
    entities: list[Entity], old: Screener
) -> None:
    """Remarks alone change no score: a row with a hit on an amended party has that hit
    worked out again from the name it matched, which is as it was, and keeps its
    other hits; no other row is touched, even where the bar does not name its
    parties (migration 0006)."""
    amended, new, scope = amendments(entities, old, 23)
    assert not scope.reachable and not scope.refeatured
    worked_out = 0
    for name in queries(entities, list(amended.values()), random.Random(23)):
        before, bar = answers(old, name)
        previous = {str(a[0]): str(a[3]) for a in before}
        unnamed = last_screening(name, bar._replace(parties=None))
        spared = scope.check(RawQuery(name, "", "", ""), previous, unnamed)
        hit_on = previous.keys() & amended.keys()
        if spared is None:
            assert hit_on, name  # only a hit may need a screening
            continue
        assert set(spared.rescored or ()) == hit_on, name
        assert answers(new, name) == (now(before, spared)[0], bar), name
        worked_out += bool(hit_on)
    assert worked_out > 0


def test_a_bar_that_does_not_name_its_parties_is_screened_again(
    entities: list[Entity], old: Screener
) -> None:
    """A bar kept before bars named the parties scored cannot tell whether a party
    whose birth dates changed was scored: its row is screened again."""
    _amended, _new, scope = amendments(entities, old, 22, birth_dates=("1950",))
    name = unlisted_names(1, seed=5)[0]
    _before, bar = answers(old, name)
    assert scope.check(RawQuery(name, "", "", ""), {}, last_screening(name, bar)) is not None
    unnamed = last_screening(name, bar._replace(parties=None))
    assert scope.check(RawQuery(name, "", "", ""), {}, unnamed) is None


def test_a_respelt_name_credited_as_before_keeps_the_best(
    entities: list[Entity], old: Screener
) -> None:
    """A row that does not reach the respelt word credits the new spelling exactly as
    the old: when that name was its best candidate, the best stays, and the row is
    spared with its answers exact."""
    rng = random.Random(31)
    changed, new, scope = respellings(entities, old, rng, 40)
    originals = [e for e in entities if e.id in changed]
    rows = []
    for entity in originals:
        words = entity.names[0].value.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        rows.append(" ".join(w for i, w in enumerate(words) if i != longest))
    led_and_spared = 0
    for name in dict.fromkeys(rows):
        before, spared = checked(scope, old, name)
        if spared is None:
            continue
        assert fresh(new, name, spared) == now(before, spared), name
        normalized = normalize_name(name)
        credited = scope.credits(normalized, _query_keys(normalized, new.index))
        led_and_spared += spared.screened.bar.best in credited[0].values()
    assert led_and_spared > 0


def test_a_respelt_name_credited_as_before_keeps_its_place_in_a_cut_ranking(
    entities: list[Entity], old: Screener
) -> None:
    """ "Mohammed" and another frequent word rank hundreds of names, and the look-up
    ranks only the four hundred sharing most. A party with both words, respelt in a
    third, is credited alike before and after: it keeps its place among them, and
    the row is spared with its answers exact."""
    rng = random.Random(33)
    index = old.index
    by_names = sorted(range(len(index.tokens)), key=lambda t: -len(index.postings[t]))
    frequent = {index.tokens[t] for t in by_names[:40]}
    changed: dict[str, Entity] = {}
    rows = set()
    for entity in entities:
        words = entity.names[0].value.split() if len(entity.names) == 1 else []
        parts = [normalize_name(w).tokens for w in words]
        shared = [p[0] for p in parts if p and p[0] in frequent and p[0] != "mohammed"]
        others = [i for i, p in enumerate(parts) if p and p[0] not in frequent and len(p[0]) > 4]
        if ("mohammed",) in parts and shared and others:
            words[others[0]] = alter(words[others[0]], rng)
            name = replace(entity.names[0], value=" ".join(words))
            changed[entity.id] = replace(entity, names=(name,))
            rows.update(f"mohammed {w}" for w in shared)
    new = Screener.from_entities([changed.get(e.id, e) for e in entities], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset(changed))
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    in_a_cut_ranking = 0
    for name in sorted(rows):
        before, spared = checked(scope, old, name)
        if spared is None:
            continue
        assert fresh(new, name, spared) == now(before, spared), name
        normalized = normalize_name(name)
        credited = scope.credits(normalized, _query_keys(normalized, new.index))[0]
        bar = spared.screened.bar
        in_a_cut_ranking += bar.ranked > RANKED_POOL and max(credited.values()) >= bar.edge
    assert in_a_cut_ranking > 0


def ladder_word(rng: random.Random) -> str:
    return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def organisation(entity_id: str, name: str) -> Entity:
    return Entity(id=entity_id, dataset="test", schema="Organization", names=(Name.make(name),))


def unrelated(rng: random.Random, count: int) -> list[Entity]:
    """Parties of two made-up words each, which no query here reaches: they give the
    words the weights they would have among many names."""
    return [
        organisation(f"test:other-{i}", f"{ladder_word(rng)} {ladder_word(rng)}")
        for i in range(count)
    ]


def sharing_zeta(rng: random.Random) -> list[Entity]:
    """Six entries with the word "Zeta" and a made-up one: adding or removing them
    reweighs "Zeta" in another party's name."""
    return [organisation(f"test:zeta-{i}", f"Zeta {ladder_word(rng)}") for i in range(6)]


def petrov(number: int, words: str) -> Entity:
    """One of the parties named "Petrov" and `words`."""
    return organisation(f"test:petrov-{number:02d}", f"Petrov {words}")


def ladder(rng: random.Random, words: int) -> Entity:
    """A party named "Petrov" and `words` other words: the more words, the lower a
    query "Petrov" ranks it."""
    fillers = " ".join(ladder_word(rng) for _ in range(words))
    return organisation(f"test:ladder-{words}", f"Petrov {fillers}")


@pytest.mark.parametrize(
    ("moved", "words", "alias", "follows"),
    [
        (3, 30, "", "the first party left out comes in"),
        (20, 30, "", "the last party taken leaves: the first party left out comes in"),
        (24, 1, "", "the last party taken goes"),
        (21, 30, "", "the first party left out goes further down: the bar with it"),
        (21, 1, "", "the first party left out comes in, the last party taken goes"),
        (3, 30, "Vokaze Ribuna", "its other name, as it was, is no candidate: as without it"),
        (24, 1, "Vokaze Ribuna", "its other name, as it was, is no candidate: as without it"),
        (3, 30, "Petrov Vokaze", "its other name, as it was, holds its place"),
    ],
)
def test_a_party_entering_or_leaving_the_candidates_is_followed_by_the_window(
    moved: int, words: int, alias: str, follows: str
) -> None:
    """Twenty-six parties share "Petrov" and rank by their other words; one of them
    gets many more words (it leaves the twenty candidates, or goes further down from
    the first place left out) or one word (it enters them), and may have another
    name, unchanged. The bar's window tells who takes its place: the row is spared,
    with the answers and the bar's rank of a screening against the new lists."""
    rng = random.Random(moved)
    background = unrelated(rng, 300)
    parties = [ladder(rng, n) for n in range(1, 27)]
    other_names = (Name.make(alias, NameKind.ALIAS),) if alias else ()
    parties[moved - 1] = replace(
        parties[moved - 1], names=(*parties[moved - 1].names, *other_names)
    )
    old = Screener.from_entities(background + parties, snapshot="old")
    moved_to = ladder(rng, words)
    changed = replace(moved_to, id=f"test:ladder-{moved}", names=(*moved_to.names, *other_names))
    new = Screener.from_entities(
        background + [changed if p.id == changed.id else p for p in parties], snapshot="new"
    )
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset({changed.id}))
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    before_ids = old.candidates("Petrov")
    held = alias.startswith("Petrov")
    assert len(before_ids) == 20 and (changed.id in before_ids) == (moved <= 20 or held)
    before, spared = checked(scope, old, "Petrov")
    assert spared is not None and spared.screened.shifted, follows
    assert fresh(new, "Petrov", spared) == now(before, spared)
    assert (changed.id in new.candidates("Petrov")) == (words < 20 or held)


@pytest.fixture(scope="module")
def petrov_ivanov() -> list[Entity]:
    """Sixty parties "Petrov Ivanov" and a word of their own, and 420 "Petrov" and a
    word of their own, among 12,000 others: for a query "Petrov Ivanov" more than four
    hundred names are ranked, so the ranking is cut at an edge, among the names
    sharing "Petrov" only, well after the first party left out."""
    rng = random.Random(44)
    both = [organisation(f"test:pi-{i}", f"Petrov Ivanov {ladder_word(rng)}") for i in range(60)]
    alone = [organisation(f"test:p-{i}", f"Petrov {ladder_word(rng)}") for i in range(420)]
    return unrelated(rng, 12_000) + both + alone


@pytest.fixture(scope="module")
def before_petrov_ivanov(petrov_ivanov: list[Entity]) -> Screener:
    return Screener.from_entities(petrov_ivanov, snapshot="old")


@pytest.mark.parametrize(
    ("added", "removed", "how"),
    [
        ("Petrov Vokaze", "", "a name level with the edge comes in"),
        ("Petrov Ivanov Vokaze Ribuna Tesalo Mirudo Kapeva Sonubi Ladoru", "", "one above it"),
        ("", "test:p-0", "a name in the cut ranking, level with its edge, goes"),
    ],
)
def test_a_name_entering_or_leaving_a_cut_ranking_after_its_candidates_spares_the_row(
    petrov_ivanov: list[Entity], before_petrov_ivanov: Screener, added: str, removed: str, how: str
) -> None:
    """A party sharing "Petrov" (and "Ivanov") comes or goes, its name in the cut
    ranking but ranked after the first party left out: it pushes out the name at the
    edge, or lets in one sharing no more, and neither is a candidate. The row is
    spared with a screening's answers; the new edge is not known, so a later change
    reaching the row screens it again."""
    old = before_petrov_ivanov
    parties = [e for e in petrov_ivanov if e.id != removed]
    if added:
        parties.append(organisation("test:added", added))
    new = Screener.from_entities(parties, snapshot="new")
    change = ListChange(
        0, 1, frozenset({"test:added"} if added else ()), frozenset({removed} - {""}), frozenset()
    )
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    before, spared = checked(scope, old, "Petrov Ivanov")
    bar = answers(old, "Petrov Ivanov")[1]
    assert bar.ranked > RANKED_POOL and bar.rank < -bar.edge, "the ranking is cut after the bar"
    assert spared is not None, how
    assert fresh(new, "Petrov Ivanov", spared) == now(before, spared)
    assert spared.screened.bar.edge == math.inf
    later = Screener.from_entities([*parties, organisation("test:later", "Petrov Ribuna")], "later")
    again = ListChange(1, 2, frozenset({"test:later"}), frozenset(), frozenset())
    next_scope = ListScope(new.index, later, again, later.default_threshold, LIMIT)
    assert next_scope.check(RawQuery("Petrov Ivanov", "", "", ""), {}, spared.screened) is None


@pytest.mark.parametrize("moved", [(3, 7), (19, 20)])
def test_two_parties_leaving_the_candidates_are_followed_by_the_window(
    moved: tuple[int, int],
) -> None:
    """Two of the twenty-six "Petrov" parties get thirty words more: both leave the
    twenty candidates (the last one taken among them, in the second case), the first
    two parties left out come in, and the bar goes down to the party after them. The
    window names that far: the row is spared, with a screening's answers and bar."""
    rng = random.Random(sum(moved))
    background = unrelated(rng, 300)
    parties = [ladder(rng, n) for n in range(1, 27)]
    old = Screener.from_entities(background + parties, snapshot="old")
    changed = {
        f"test:ladder-{n}": replace(ladder(rng, 30 + n), id=f"test:ladder-{n}") for n in moved
    }
    new = Screener.from_entities(
        background + [changed.get(p.id, p) for p in parties], snapshot="new"
    )
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset(changed))
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert set(changed) <= set(old.candidates("Petrov"))
    before, spared = checked(scope, old, "Petrov")
    assert spared is not None and spared.screened.shifted
    assert fresh(new, "Petrov", spared) == now(before, spared)
    assert set(changed).isdisjoint(new.candidates("Petrov"))


@pytest.mark.parametrize(
    ("removed", "words", "schema", "spared_as"),
    [
        ("ladder-3", "2", "", "one taken leaves, one enters before the bar: the bar stays"),
        ("vessel", "1", "", "the last party taken leaves, one enters well before it"),
        ("ladder-20", "1", "Organization", None),  # the vessel passed over is the bar now
        ("ladder-20", "20+", "Organization", "the one entering ranks after the one that left"),
    ],
)
def test_a_party_leaving_the_candidates_as_another_enters_keeps_the_bar(
    removed: str, words: str, schema: str, spared_as: str | None
) -> None:
    """Twenty-six "Petrov" parties, and a vessel ranked between the nineteenth and the
    twentieth ("+": a common word more, which weighs less than a word of one's own).
    One of them is delisted and a new party "Petrov" and `words` other words is
    listed: it enters the twenty candidates as the other leaves, so the first party
    left out stays. The row is spared with a screening's answers and bar, but where
    the count of parties may reach its limit earlier than before and the row's
    schema made the look-up pass over a party (an organisation's passes over the
    vessel): that party would be the first left out, and the row is screened again."""
    rng = random.Random(len(removed) * 100 + len(words))
    background = unrelated(rng, 300) + sharing_zeta(rng)

    def petrov_with(words: str, entity_id: str, schema: str = "Organization") -> Entity:
        made = ladder(rng, int(words.rstrip("+")))
        name = made.names[0].value + (" Zeta" if words.endswith("+") else "")
        return replace(made, id=entity_id, schema=schema, names=(Name.make(name),))

    parties = [ladder(rng, n) for n in range(1, 27)]
    vessel = petrov_with("19+", "test:vessel", "Vessel")
    old = Screener.from_entities([*background, *parties, vessel], snapshot="old")
    entering = petrov_with(words, "test:entering")
    gone = f"test:{removed}"
    listed = [p for p in [*parties, vessel] if p.id != gone]
    new = Screener.from_entities([*background, *listed, entering], snapshot="new")
    change = ListChange(0, 1, frozenset({entering.id}), frozenset({gone}), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    as_screened = {"schema": schema or None}
    hits, bar = old.screen_with_bar("Petrov", **as_screened)
    assert bar.window is not None and bar.rank != math.inf
    assert gone in old.candidates("Petrov", **as_screened)
    assert entering.id in new.candidates("Petrov", **as_screened)
    assert (vessel.id in old.candidates("Petrov", **as_screened)) == (not schema)
    previous = {h.entity_id: h.matched_name for h in hits}
    normalized = normalize_name("Petrov")
    screened = Screened(bar, normalized.script, normalized.tokens)
    spared = scope.check(RawQuery("Petrov", schema, "", ""), previous, screened)
    new_hits, new_bar = new.screen_with_bar("Petrov", **as_screened)
    if spared_as is None:
        assert spared is None and new_bar.rank != bar.rank
        return
    assert spared is not None and spared.screened.shifted, spared_as
    assert spared.screened.bar.rank == new_bar.rank == bar.rank, spared_as
    assert [(h.entity_id, h.score, h.matched_name) for h in spared_hits(hits, spared)] == [
        (h.entity_id, h.score, h.matched_name) for h in new_hits
    ]


@pytest.mark.parametrize("respelt", [5, 21, 27])
def test_a_party_tied_with_the_first_name_left_out_falls_by_name_id(respelt: int) -> None:
    """Thirty parties are "Petrov" and one word of their own, all weighed alike: for a
    query "Petrov" they tie, and the look-up takes the first twenty by name id. One
    of them has its own word respelt, which leaves its weight and its place among
    the names as they were: it stays on the same side of the first name left out
    (before it, at it, or after it), so the row is spared, with a screening's answers."""
    rng = random.Random(respelt)
    background = unrelated(rng, 300)
    parties = [ladder(rng, 1) for _ in range(30)]
    parties = [replace(p, id=f"test:tied-{i:02d}") for i, p in enumerate(parties, 1)]
    old = Screener.from_entities(background + parties, snapshot="old")
    changed = replace(parties[respelt - 1], names=(Name.make(f"Petrov {ladder_word(rng)}"),))
    new = Screener.from_entities(
        background + [changed if p.id == changed.id else p for p in parties], snapshot="new"
    )
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset({changed.id}))
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    _hits, bar = old.screen_with_bar("Petrov")
    assert bar.window is not None and bar.window.size == 20
    assert (changed.id in old.candidates("Petrov")) == (respelt <= 20)
    before, spared = checked(scope, old, "Petrov")
    assert spared is not None, "a tie with the first name left out is decided by name id"
    assert fresh(new, "Petrov", spared) == now(before, spared)


def test_a_hit_on_a_party_by_a_name_not_concerned_is_worked_out_without_screening() -> None:
    """The row had a hit on a party by its alias "Omar Haddad"; the change reweighs a
    word of the party's other name ("Zeta", which new entries now share). The hit is
    the alias's, a candidate as it was: its rank before the bar shows it, so the hit
    is worked out again without screening the row, and is a screening's."""
    rng = random.Random(3)
    background = unrelated(rng, 1000)
    party = Entity(
        id="test:haddad",
        dataset="test",
        schema="Person",
        names=(Name.make("Zeta Haddad Bokari"), Name.make("Omar Haddad", NameKind.ALIAS)),
    )
    sharing = sharing_zeta(rng)
    old = Screener.from_entities([*background, party], snapshot="old")
    new = Screener.from_entities([*background, party, *sharing], snapshot="new")
    change = ListChange(0, 1, frozenset(e.id for e in sharing), frozenset(), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert not scope.everything and "zeta" in scope.dirty
    before, spared = checked(scope, old, "Omar Haddad")
    assert [a[0] for a in before][:1] == [party.id] and before[0][3] == "Omar Haddad"
    assert spared is not None and spared.rescored is not None and party.id in spared.rescored
    assert fresh(new, "Omar Haddad", spared) == now(before, spared)


@pytest.mark.parametrize("place", [3, 25])
def test_an_unchanged_party_moved_by_a_reweighed_word_in_its_only_name_is_followed(
    place: int,
) -> None:
    """Thirty parties are "Petrov" and two words of their own. One party's first word is
    shared with six other entries, so it weighs less and that party ranks first for a query
    "Petrov". The six entries are then removed: the word is as rare as the others', the
    party ties with them and falls to its place by name id, out of the twenty candidates
    (the first party left out comes in) or within them. The party itself is unchanged,
    and its only name is concerned through the reweighed word, so no other name of it
    holds its place: the window follows it, and the row is spared."""
    rng = random.Random(place)
    background = unrelated(rng, 1000)
    parties = []
    for i in range(1, 31):
        own = "Zeta" if i == place else ladder_word(rng)
        parties.append(petrov(i, f"{own} {ladder_word(rng)}"))
    sharing = sharing_zeta(rng)
    old = Screener.from_entities([*background, *parties, *sharing], snapshot="old")
    new = Screener.from_entities([*background, *parties], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset(e.id for e in sharing), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    moved = f"test:petrov-{place:02d}"
    assert not scope.everything and "zeta" in scope.dirty and moved not in change.entities
    assert old.candidates("Petrov")[0] == moved
    assert (moved in new.candidates("Petrov")) == (place <= 20)
    before, spared = checked(scope, old, "Petrov")
    assert spared is not None, "the window follows a party that has no name not concerned"
    assert fresh(new, "Petrov", spared) == now(before, spared)


@pytest.mark.parametrize("shared_in", ["new", "old"])
def test_a_full_row_of_hits_is_spared_while_no_hit_worked_out_again_is_lowered(
    shared_in: str,
) -> None:
    """Thirty parties are "Petrov" and one word of their own: a query "Petrov" has a hit
    on each, and keeps as many as a row keeps, the others cut by the limit. One
    party's word becomes shared with six new entries (it weighs less: that party's
    hit scores higher) or stops being shared (its hit scores lower). A hit that
    rises keeps the parties cut behind it: the row is spared, with a screening's
    answers. A hit that falls may let one of them in: the row is screened again."""
    rng = random.Random(4)
    background = unrelated(rng, 1000)
    parties = [petrov(i, "Zeta" if i == 3 else ladder_word(rng)) for i in range(1, 31)]
    sharing = sharing_zeta(rng)
    shared = frozenset(e.id for e in sharing)
    rises = shared_in == "new"
    old = Screener.from_entities([*background, *parties, *([] if rises else sharing)], "old")
    new = Screener.from_entities([*background, *parties, *(sharing if rises else [])], "new")
    added, removed = (shared, frozenset()) if rises else (frozenset(), shared)
    change = ListChange(0, 1, added, removed, frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert not scope.everything and "zeta" in scope.dirty
    name, moved = "Petrov", "test:petrov-03"
    before, bar = answers(old, name)
    after, _bar = answers(new, name)
    assert len(before) == LIMIT and moved in {a[0] for a in before}
    score = {str(a[0]): float(str(a[1])) for a in before}
    assert (next(a[1] for a in after if a[0] == moved) > score[moved]) == rises
    previous = {str(a[0]): str(a[3]) for a in before}
    row = (RawQuery(name, "", "", ""), previous, last_screening(name, bar))
    assert scope.check(*row) is None  # the scores unknown: a hit may be lowered
    spared = scope.check(*row, score)
    if rises:
        assert spared is not None and spared.rescored and moved in spared.rescored
        assert fresh(new, name, spared) == now(before, spared)
    else:
        assert spared is None


def test_a_long_word_no_longer_split_is_screened_again() -> None:
    """A long word the lists do not hold ("Hassanmartin") is also looked up as the two
    listed words it runs together. When the lists drop one of them, the row's keys
    lose that split while none of its keys is reweighed: only the word's splits,
    compared against the old lists, show that its look-up changed."""
    rng = random.Random(5)
    background = unrelated(rng, 1000)
    hassan, martin = (
        organisation("test:hassan", "Hassan Lokavi"),
        organisation("test:martin", "Martin Zubeko"),
    )
    old = Screener.from_entities([*background, hassan, martin], snapshot="old")
    new = Screener.from_entities([*background, hassan], snapshot="new")
    change = ListChange(0, 1, frozenset(), frozenset({martin.id}), frozenset())
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    assert not scope.everything
    normalized = normalize_name("Hassanmartin")
    keys = _query_keys(normalized, new.index)
    assert "martin" in _query_keys(normalized, old.index) and "martin" not in keys
    assert not any(key in scope.dirty for key in keys)
    assert checked(scope, old, "Hassanmartin")[1] is None


@pytest.mark.parametrize(("born", "full"), [("1960", False), ("1971", False), ("1960", True)])
def test_a_changed_party_that_gave_no_hit_is_compared_by_its_names_concerned_alone(
    born: str, full: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A party respelt in one name, among a row's candidates, that gave the row no hit:
    its alias is as it was and scored below the floor, so only the respelt name is
    compared again (`Screener.names_hit`), not each of its names (`party_hit`).
    Where its birth date changed as well, the alias may now reach the floor (here it
    does, the dates now agreeing): then every name is compared, and the hit found.
    A row with as many hits as it keeps (`full`) may have lost the party's hit to the
    limit, not to the floor: there too every name is compared."""
    rng = random.Random(3)
    background = unrelated(rng, 1000)

    def kovacs(name: str, birth: str) -> Entity:
        names = (Name.make(name), Name.make("Kovacs Imre", NameKind.ALIAS))
        return Entity("test:kovacs", "test", "Person", names, birth_dates=(birth,))

    before_list = [*background, kovacs("Zoltan Kovacs Bartok Ferenc Laszlo", "1960")]
    after_list = [*background, kovacs("Zoltan Kovacs Bartok Ferenc Laszla", born)]
    old = Screener.from_entities(before_list, "old")
    new = Screener.from_entities(after_list, "new")
    change = ListChange(0, 1, frozenset(), frozenset(), frozenset({"test:kovacs"}))
    scope = ListScope(old.index, new, change, new.default_threshold, LIMIT)
    compared = {"names_hit": 0, "party_hit": 0}
    for method in compared:
        counted = getattr(Screener, method)

        def counting(*args: Any, _method: str = method, _counted: Any = counted) -> Any:
            compared[_method] += 1
            return _counted(*args)

        monkeypatch.setattr(Screener, method, counting)
    name, birth = "Zoltan Imre Kovacs Gabor Peter", "1971"
    before, bar = old.screen_with_bar(name, birth_date=birth)
    after = new.screen(name, birth_date=birth)
    assert before == [] and old.candidates(name)[:1] == ["test:kovacs"]
    normalized = normalize_name(name)
    fillers = {f"other:{i}": "Someone" for i in range(LIMIT)} if full else {}
    spared = scope.check(
        RawQuery(name, "", "", birth),
        fillers,
        Screened(bar, normalized.script, normalized.tokens),
        dict.fromkeys(fillers, 1.0),
    )
    assert spared is not None
    if full:
        assert compared["names_hit"] == 0 and compared["party_hit"] > 0
    elif born == "1960":
        assert after == [] and not spared.rescored
        assert compared == {"names_hit": 1, "party_hit": 0}
    else:
        assert [(h.entity_id, h.matched_name) for h in after] == [("test:kovacs", "Kovacs Imre")]
        assert spared.rescored == {"test:kovacs": after[0]}
        assert compared["names_hit"] == 0


def test_a_typed_row_whose_candidate_left_stops_at_a_party_it_passed_over() -> None:
    """Once it has its candidates, a look-up stops at the next name of any party it has
    not taken, a party of another kind it passed over included. A vessel "Petrov"
    has a name among an organisation's twenty candidates (passed over), one right
    after the twentieth (the first left out) and one between the next two
    organisations. One of the twenty leaves: the look-up passes over the vessel
    again, takes the next organisation and stops at the vessel's third name, as
    the row's window recorded, and the row is spared with a fresh screening's bar."""
    rng = random.Random(17)
    background = unrelated(rng, 300) + sharing_zeta(rng)
    parties = [ladder(rng, n) for n in range(1, 27)]
    names = [ladder(rng, 5).names[0]] + [
        Name.make(ladder(rng, words).names[0].value + " Zeta") for words in (20, 21)
    ]
    vessel = Entity(id="test:vessel", dataset="test", schema="Vessel", names=tuple(names))
    old = Screener.from_entities([*background, *parties, vessel], "old")
    listed = list(parties)
    listed[4] = replace(ladder(rng, 30), id="test:ladder-5")
    new = Screener.from_entities([*background, *listed, vessel], snapshot="new")
    diff = ListChange(0, 1, frozenset(), frozenset(), frozenset({"test:ladder-5"}))
    scope = ListScope(old.index, new, diff, new.default_threshold, LIMIT)
    hits, bar = old.screen_with_bar("Petrov", schema="Organization")
    new_hits, new_bar = new.screen_with_bar("Petrov", schema="Organization")
    window = bar.window
    assert window is not None and window.kinds and not window.next_allowed
    assert window.beyond_any < window.beyond, "the vessel's third name comes first"
    normalized = normalize_name("Petrov")
    spared = scope.check(
        RawQuery("Petrov", "Organization", "", ""),
        {h.entity_id: h.matched_name for h in hits},
        Screened(bar, normalized.script, normalized.tokens),
    )
    assert spared is not None and spared.screened.shifted
    assert spared.screened.bar.rank == new_bar.rank == window.beyond_any
    assert [(h.entity_id, h.score) for h in spared_hits(hits, spared)] == [
        (h.entity_id, h.score) for h in new_hits
    ]


@pytest.mark.parametrize(
    ("fillers", "followed"),
    [
        (20, True),  # respelt: as many words of its own, so it ranks where it did
        (1, False),  # to the front: the look-up has its twenty sooner
    ],
)
def test_a_typed_rows_last_party_changed_is_followed_where_its_first_name_comes_no_sooner(
    fillers: int, followed: bool
) -> None:
    """An organisation's look-up takes twenty parties "Petrov", passing over a vessel
    "Petrov" that ranks between the nineteenth and the twentieth, and stops at the
    party after the twentieth. The twentieth party changes: respelt in words the row
    does not reach, its first name ranks where it did, so the look-up still has its
    twenty there and the row is spared as it was; moved to the front, the look-up
    has its twenty at the nineteenth and stops at the vessel, which the row's window
    cannot tell, so it is screened again."""
    rng = random.Random(7 + fillers)
    background = unrelated(rng, 300) + sharing_zeta(rng)
    parties = [ladder(rng, n) for n in range(1, 27)]
    made = ladder(rng, 19)
    vessel = replace(
        made, id="test:vessel", schema="Vessel", names=(Name.make(made.names[0].value + " Zeta"),)
    )
    old = Screener.from_entities([*background, *parties, vessel], "old")
    listed = list(parties)
    listed[19] = replace(ladder(rng, fillers), id="test:ladder-20")
    new = Screener.from_entities([*background, *listed, vessel], snapshot="new")
    diff = ListChange(0, 1, frozenset(), frozenset(), frozenset({"test:ladder-20"}))
    scope = ListScope(old.index, new, diff, new.default_threshold, LIMIT)
    hits, bar = old.screen_with_bar("Petrov", schema="Organization")
    new_hits, new_bar = new.screen_with_bar("Petrov", schema="Organization")
    assert bar.window is not None and scope.party_keys.get(bar.window.last) == "test:ladder-20"
    normalized = normalize_name("Petrov")
    spared = scope.check(
        RawQuery("Petrov", "Organization", "", ""),
        {h.entity_id: h.matched_name for h in hits},
        Screened(bar, normalized.script, normalized.tokens),
    )
    if not followed:
        assert new_bar.rank != bar.rank, "the look-up stops at the vessel now"
        assert spared is None
        return
    assert spared is not None and not spared.screened.shifted
    assert spared.screened.bar.rank == new_bar.rank == bar.rank
    assert not spared.rescored and hits == new_hits


@pytest.mark.parametrize("schema", ["", "Organization"])
@pytest.mark.parametrize(
    ("ladder_size", "vessel_words", "change", "followed", "typed_followed"),
    [
        # the vessel is first left out; one leaving, an organisation's look-up takes
        # the next organisation and stops at the vessel, as its window knows
        (26, ("20+", "20+"), "ladder-5 leaves", True, True),
        (19, ("19+", "19+"), "one enters", True, False),  # room for one: with it twenty
        # a full row: the one entering pushes the last out, and the look-up has its
        # twenty at the nineteenth, where it stops at the vessel (before the last
        # one's first name), or at the last one's first name (the vessel after it)
        (26, ("19+", "19+"), "one enters", True, False),
        (26, ("20+", "20+"), "one enters", True, True),
        # the nineteenth party (first named where the look-up had its twenty but for
        # the last) comes to the front as one enters: it has them sooner, at the
        # eighteenth, and stops at the vessel passed over after it
        (26, ("18+", "18+"), "one enters, ladder-19 moves", False, False),
        (26, ("19+", "19+"), "ladder-20 moves", True, False),  # to the front: twenty sooner
        # to right after the twentieth party (of no schema, the first left out: after
        # the last party taken, so not followed either)
        (26, ("30", "20+"), "the vessel moves", False, False),
    ],
)
def test_a_party_the_schema_passes_over_is_not_taken_for_the_first_left_out(
    schema: str,
    ladder_size: int,
    vessel_words: tuple[str, str],
    change: str,
    followed: bool,
    typed_followed: bool,
) -> None:
    """A look-up passes over parties of a schema the row does not allow until it has
    twenty, then stops at the next party of any schema. A vessel "Petrov" ranks
    among the organisations "Petrov" ("+": a common word more, which weighs a
    little less than a word of one's own), and a change makes an organisation's
    look-up have its twenty sooner, or brings the vessel after the twentieth, or
    makes one of the twenty leave, or one enter: the look-up now stops at the
    vessel, or at the last party's first name. The window records where the look-up
    would stop after one party more, and whether a party not taken has a name
    between the last two parties' first names, so a party leaving, and one entering
    where none has, are followed; the other changes screen an organisation's row
    again. A row of no schema, which takes the vessel like any
    party, is followed by its window."""
    rng = random.Random(ladder_size + len(change))
    background = unrelated(rng, 300) + sharing_zeta(rng)

    def vessel_of(words: str) -> Entity:
        made = ladder(rng, int(words.rstrip("+")))
        name = made.names[0].value + (" Zeta" if words.endswith("+") else "")
        return replace(made, id="test:vessel", schema="Vessel", names=(Name.make(name),))

    parties = [ladder(rng, n) for n in range(1, ladder_size + 1)]
    vessel = before = vessel_of(vessel_words[0])
    if vessel_words[1] != vessel_words[0]:
        vessel = vessel_of(vessel_words[1])
    old = Screener.from_entities([*background, *parties, before], "old")
    changed: set[str] = set()
    added: set[str] = set()
    listed = list(parties)
    if change == "ladder-5 leaves":
        listed[4] = replace(ladder(rng, 30), id="test:ladder-5")
        changed.add("test:ladder-5")
    elif change == "ladder-20 moves":
        listed[19] = replace(ladder(rng, 1), id="test:ladder-20")
        changed.add("test:ladder-20")
    elif change.startswith("one enters"):
        listed.append(replace(ladder(rng, 2), id="test:entering"))
        added.add("test:entering")
        if change.endswith("ladder-19 moves"):
            listed[18] = replace(ladder(rng, 1), id="test:ladder-19")
            changed.add("test:ladder-19")
    if vessel is not before:
        changed.add(vessel.id)
    new = Screener.from_entities([*background, *listed, vessel], snapshot="new")
    diff = ListChange(0, 1, frozenset(added), frozenset(), frozenset(changed))
    scope = ListScope(old.index, new, diff, new.default_threshold, LIMIT)
    as_screened = {"schema": schema or None}
    hits, bar = old.screen_with_bar("Petrov", **as_screened)
    new_hits, new_bar = new.screen_with_bar("Petrov", **as_screened)
    previous = {h.entity_id: h.matched_name for h in hits}
    normalized = normalize_name("Petrov")
    screened = Screened(bar, normalized.script, normalized.tokens)
    spared = scope.check(RawQuery("Petrov", schema, "", ""), previous, screened)
    if schema:
        assert vessel.id not in new.candidates("Petrov", **as_screened)
        assert new_bar.rank != bar.rank, "the look-up stops at the vessel now"
        if not typed_followed:
            assert spared is None, change
            return
        # a window kept before windows knew where the look-up meets parties of any kind
        assert bar.window is not None and bar.window.kinds
        unknowing = bar._replace(window=bar.window._replace(kinds=False))
        kept_before = Screened(unknowing, normalized.script, normalized.tokens)
        assert scope.check(RawQuery("Petrov", schema, "", ""), previous, kept_before) is None
    elif not followed:
        assert spared is None
        return
    assert spared is not None and spared.screened.shifted, change
    assert spared.screened.bar.rank == new_bar.rank
    assert [(h.entity_id, h.score) for h in spared_hits(hits, spared)] == [
        (h.entity_id, h.score) for h in new_hits
    ]
