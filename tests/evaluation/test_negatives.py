"""Negatives: many locales and scripts, deterministic, and never a listed name."""

from __future__ import annotations

import random
from collections import Counter

import faker.providers.company.fa_IR as fa_companies
import faker.providers.company.ru_RU as ru_companies
from faker import Faker

from clearance.evaluation.negatives import KINDS, Negative, _company, generate_negatives
from clearance.evaluation.scripts import normalise
from clearance.evaluation.variations import NameIndex
from clearance.model import detect_script
from tests.evaluation.test_variations import entity, listed


def _words(text: str) -> frozenset[str]:
    return frozenset(normalise(text).split())


def test_count_kinds_and_determinism() -> None:
    negatives = generate_negatives(listed(), seed=5, count=600)
    assert len(negatives) == 600
    assert {n.kind for n in negatives} == set(KINDS)
    assert all(n.schema in ("Person", "Company") for n in negatives)
    assert negatives == generate_negatives(listed(), seed=5, count=600)
    assert negatives != generate_negatives(listed(), seed=6, count=600)
    assert len({normalise(n.query) for n in negatives}) == 600


def test_many_locales_and_scripts() -> None:
    negatives = generate_negatives(listed(), seed=5, count=1000)
    fakes = [n for n in negatives if n.kind != "near_miss"]
    assert len({n.origin for n in fakes}) >= 30
    scripts = Counter(detect_script(n.query.replace(" ", "")) for n in fakes)
    for script in ("Latin", "Cyrillic", "Han", "Arabic", "Hangul", "Greek", "Hebrew"):
        assert scripts[script] > 0, script


def test_near_misses_share_words_with_listed_names_but_not_all() -> None:
    entities = listed()
    listed_words = {_words(n.value) for e in entities for n in e.names}
    near = [n for n in generate_negatives(entities, seed=5, count=600) if n.kind == "near_miss"]
    assert near
    for negative in near:
        words = _words(negative.query)
        assert any(words & other for other in listed_words), negative
        assert words not in listed_words


def test_negatives_that_are_listed_names_are_dropped() -> None:
    first = generate_negatives(listed(), seed=9, count=300)
    taken = [n for n in first if n.kind == "faker_person"][:20]
    now_listed = listed() + [
        entity("test_list", str(i), "Person", [n.query]) for i, n in enumerate(taken)
    ]
    again = generate_negatives(now_listed, seed=9, count=300)
    queries = {n.query for n in again}
    assert not queries & {n.query for n in taken}
    assert len(again) == 300
    listed_words = {_words(n.value) for e in now_listed for n in e.names}
    assert not [n for n in again if _words(n.query) in listed_words]


def test_listed_name_with_another_legal_form_counts_as_listed() -> None:
    index = NameIndex([entity("x", "1", "Company", ["ZALIV BAKERY LLC"])])
    assert index.has_core_words("Zaliv Bakery Ltd.")
    assert index.has_core_words("Dr. Bakery Zaliv")
    assert not index.has_core_words("Zaliv Dairy LLC")
    assert not index.has_token_set("Zaliv Bakery Ltd.")


def test_real_companies_from_faker_lists_are_not_used() -> None:
    rng = random.Random(0)
    for locale, real in (
        ("ru_RU", set(ru_companies.Provider.large_companies)),
        ("fa_IR", set(fa_companies.Provider.company_names)),
    ):
        fake = Faker(locale)
        fake.seed_instance(1)
        made = {_company(fake, locale, rng) for _ in range(200)}
        assert not made & real, locale


def test_negative_fields() -> None:
    n = Negative("Jane Doe", "Person", "faker_person", "en_US")
    assert (n.query, n.schema, n.kind, n.origin) == ("Jane Doe", "Person", "faker_person", "en_US")
