"""`probe` with the deletion keys' beginnings and endings finds exactly what it finds without them.

The pruned search stops once the letters before a deletion are no key's
prefix; these tests hold it to the unpruned one on the words of OFAC's SDN
list, looked up by the listed words themselves, by one- and two-letter
variations of them and by joins of neighbours, as book rows bring them.
"""

from __future__ import annotations

import csv
import itertools
import random
from pathlib import Path

import pytest

from clearance.index.build import lookup_index
from clearance.matching.candidates import fuzzy_edges, probe
from clearance.names import normalize_name

#: how many SDN entries give words to each index
ENTRIES = 400


def _sdn_names(shared_lists: Path, count: int) -> list[str]:
    with (shared_lists / "ofac-sdn" / "sdn.csv").open(encoding="latin-1", newline="") as handle:
        return [row[1] for row in csv.reader(handle) if len(row) > 1][:count]


def _variations(word: str, rng: random.Random) -> list[str]:
    """The word with a letter dropped, one replaced, and two dropped."""
    if len(word) < 3:
        return [word]
    i, j = sorted(rng.sample(range(len(word)), 2))
    return [
        word[:i] + word[i + 1 :],
        word[:i] + "q" + word[i + 1 :],
        word[:i] + word[i + 1 : j] + word[j + 1 :],
    ]


@pytest.fixture(scope="module")
def words_and_queries(shared_lists: Path) -> tuple[list[str], list[tuple[str, str]]]:
    rng = random.Random(20261127)
    names = [normalize_name(n) for n in _sdn_names(shared_lists, 3 * ENTRIES)]
    words = [t for n in names[:ENTRIES] for t in n.tokens]
    queries: list[tuple[str, str]] = []
    for name in names:
        for token in name.tokens:
            queries += [(v, name.script) for v in (token, *_variations(token, rng))]
        queries += [(a + b, name.script) for a, b in itertools.pairwise(name.tokens)]
    return words, queries


def test_pruned_probe_finds_what_the_full_search_finds(
    words_and_queries: tuple[list[str], list[tuple[str, str]]],
) -> None:
    words, queries = words_and_queries
    index = lookup_index(words, abjad=set())
    edges = fuzzy_edges(index)
    known = set(words[: len(words) // 2])  # half unknown: those get two-deletion keys
    found = 0
    for token, script in queries:
        expected = probe(index, token, script, known)
        assert probe(index, token, script, known, edges) == expected, token
        found += bool(expected)
    # the queries reach words both ways: the comparison is not between empty sets
    assert len(queries) // 4 < found < len(queries)


def test_edges_hold_every_deletion_keys_beginnings_and_endings_by_its_length(
    words_and_queries: tuple[list[str], list[tuple[str, str]]],
) -> None:
    index = lookup_index(words_and_queries[0][:50], abjad=set())
    edges = fuzzy_edges(index)
    assert edges.keys() == {len(key) for key in index.fuzzy}
    assert all("" in starts and "" in ends for starts, ends in edges.values())
    for key in index.fuzzy:
        starts, ends = edges[len(key)]
        assert all(key[:i] in starts and key[i:] in ends for i in range(len(key) + 1))
