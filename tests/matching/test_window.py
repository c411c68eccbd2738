"""A bar's window describes the ranking around the twentieth candidate party exactly.

The look-up asked for 19, 20 and 21 parties walks the same ranking and stops one
party earlier or later: the parties and names it then keeps tell, without the
window, who the last party taken is, who is left out first, where their first
names rank, and whether other candidates have names between those places.
Checked on names of OFAC's SDN list, looked up by single words and word pairs
taken from them, as monitoring relies on it (monitor/scope.py).
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

from clearance import Screener
from clearance.matching.candidates import MAX_CANDIDATES, find_candidates_with_bar, party_key
from clearance.model import Entity, Name
from clearance.names import normalize_name

#: SDN entries in the index (three a party)
ENTRIES = 6000


def _screener(shared_lists: Path) -> Screener:
    with (shared_lists / "ofac-sdn" / "sdn.csv").open(encoding="latin-1", newline="") as handle:
        names = [row[1] for row in csv.reader(handle) if len(row) > 2][:ENTRIES]
    # three names a party, so that its other names rank around other parties' first
    return Screener.from_entities(
        Entity(
            id=f"test:{i}",
            dataset="test",
            schema="LegalEntity",
            names=tuple(Name.make(n) for n in names[i : i + 3]),
        )
        for i in range(0, len(names), 3)
    )


def test_the_window_matches_the_look_up_cut_one_party_earlier_and_later(
    shared_lists: Path,
) -> None:
    screener = _screener(shared_lists)
    index = screener.index
    rng = random.Random(3)
    words = [w for e in screener.entities() for w in e.names[0].value.split() if len(w) > 2]
    queries = [rng.choice(words) for _ in range(150)]
    queries += [f"{rng.choice(words)} {rng.choice(words)}" for _ in range(150)]

    def parties(names: list[int]) -> list[int]:
        return list(dict.fromkeys(index.names.field(n, 0) for n in names))

    def names_of(names: list[int], party: int) -> set[int]:
        return {n for n in names if index.names.field(n, 0) == party}

    seen = {"full": 0, "low": 0, "high": 0}
    for query in queries:
        normalized = normalize_name(query)
        taken, bar = find_candidates_with_bar(index, normalized, None)
        window = bar.window
        if window is None:
            continue
        order = parties(taken)
        assert window.size == len(order), query
        assert window.last == party_key(index.entities.field(order[-1], 0)), query
        if len(order) < MAX_CANDIDATES:
            assert bar.rank == math.inf, query
            continue
        fewer, fewer_bar = find_candidates_with_bar(index, normalized, None, MAX_CANDIDATES - 1)
        more, more_bar = find_candidates_with_bar(index, normalized, None, MAX_CANDIDATES + 1)
        assert window.last_rank == fewer_bar.rank, query
        assert window.low_clear == (set(taken) - names_of(taken, order[-1]) == set(fewer)), query
        if bar.rank == math.inf:
            continue
        seen["full"] += 1
        following = parties(more)[MAX_CANDIDATES]
        assert window.next == party_key(index.entities.field(following, 0)), query
        assert window.after == more_bar.rank, query
        assert window.high_clear == (set(more) - names_of(more, following) == set(taken)), query
        seen["low"] += not window.low_clear
        seen["high"] += not window.high_clear
    assert seen["full"] > 20 and seen["low"] > 0 and seen["high"] > 0, seen
