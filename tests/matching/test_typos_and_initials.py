"""How short typos, misspelt plurals, initials and name parts are read, on real screeners.

The screeners here are built from small made-up lists so that each test holds the
crowd its rule is about (many names sharing a common part), not a particular entry
of the shared lists.
"""

from __future__ import annotations

import pytest

from clearance import Screener
from clearance.matching.tokens import MIN_TOKEN_SIMILARITY, token_similarity
from clearance.model import Entity, Name
from clearance.names import normalize_name


def _entity(number: int, name: str, schema: str = "Person") -> Entity:
    return Entity(id=f"test:{number}", dataset="test", schema=schema, names=(Name.make(name),))


@pytest.mark.parametrize(
    ("typed", "listed"),
    [("nva", "nova"), ("amn", "amin"), ("lssa", "lasa"), ("pfru", "peru"), ("snog", "song")],
)
def test_one_letter_inside_a_short_word_is_a_typo(typed: str, listed: str) -> None:
    similarity, how = token_similarity(typed, listed)
    assert how == "typo" and similarity > 0


@pytest.mark.parametrize(
    ("one", "other"),
    [("jong", "song"), ("ali", "alim"), ("kim", "kam"), ("abu", "abd"), ("nova", "novo")],
)
def test_short_words_differing_at_an_end_or_in_two_letters_differ(one: str, other: str) -> None:
    assert token_similarity(one, other) == (0.0, "")


def test_a_misspelt_business_plural_meets_its_singular() -> None:
    # the index holds "industries" as "industry"; the misspelt plural is not singularised
    assert normalize_name("Induwtries", "Company").tokens == ("induwtries",)
    assert token_similarity("induwtries", "industry")[0] >= MIN_TOKEN_SIMILARITY
    assert token_similarity("parthers", "partner")[0] >= MIN_TOKEN_SIMILARITY
    assert token_similarity("parthers", "painter")[0] == 0.0


def test_legal_forms_with_hyphens_or_a_letter_too_many_are_removed() -> None:
    assert normalize_name("Alfa Holding S.A. de-C.V.").tokens == ("alfa", "holding")
    assert normalize_name("Orion Concern Oppen Joint Stock Company").tokens == (
        "orion",
        "concern",
    )
    # a hyphenated name keeps both its parts
    assert normalize_name("Coca-Cola", "Company").tokens == ("coca", "cola")


def test_a_title_after_the_article_is_a_family_name() -> None:
    assert normalize_name("Mohammed Turki al-Sayed", "Person").tokens == (
        "mohammed",
        "turki",
        "al",
        "sayed",
    )
    assert normalize_name("Mohammed Turki Sayed", "Person").tokens == ("mohammed", "turki")


@pytest.fixture(scope="module")
def crowd() -> Screener:
    """Many listed parties named Mohammad: near-spellings in one name, other parts
    starting with the same letters, and one with a literal initial."""
    names = [
        "Dost Mohammad",
        "Saleh Mohammad",
        "Mariam Mahmoud SALEH",
        "Mohammad S",
        "Ahmad Ali Ahmad AHMAD",
    ]
    surnames = [
        "Zarif",
        "Qureshi",
        "Vahidi",
        "Yazdi",
        "Baraki",
        "Chitrali",
        "Jalali",
        "Karimi",
        "Rahimi",
        "Nuri",
        "Omari",
        "Farouk",
        "Gamal",
        "Hosni",
        "Ismail",
        "Jaber",
        "Hassan",
        "Latif",
        "Majid",
        "Nasser",
        "Osman",
        "Qasim",
        "Rashid",
        "Tariq",
        "Wardak",
        "Yusufzai",
        "Zaheer",
        "Babar",
        "Faisal",
        "Ghazi",
    ]
    names += [f"Mohammad MOHAMMADI {surname}" for surname in surnames]
    names += [f"Mohammad Muhammad {surname}" for surname in surnames]
    names += [f"Mohammad {other}" for other in ("Daud", "Dawood", "Sadiq", "Sharif", "Sami")]
    names += [f"Ali Ahmad {surname}" for surname in surnames]
    names += [f"Ahmad Ali {surname}" for surname in surnames]
    names += ["Ali Ahmad", "Ahmad Ali", "Ahmed Ali", "Ali Ahmed", "Ahmad Aly"]
    return Screener.from_entities(
        [_entity(number, name) for number, name in enumerate(names)], snapshot="crowd"
    )


def _found(screener: Screener, query: str, wanted: str) -> float:
    hits = screener.screen(query, threshold=0.5, limit=50)
    scores = [h.score for h in hits if h.caption == wanted]
    assert scores, f"{wanted!r} not among the hits for {query!r}"
    return scores[0]


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("D. Mohammad", "Dost Mohammad"),
        ("S. Mohammad", "Saleh Mohammad"),
        ("M. M. Saleh", "Mariam Mahmoud SALEH"),
    ],
)
def test_initials_find_the_name_among_many_sharing_its_common_part(
    crowd: Screener, query: str, wanted: str
) -> None:
    assert _found(crowd, query, wanted) >= crowd.default_threshold


def test_a_query_part_is_not_counted_twice_for_one_listed_name(crowd: Screener) -> None:
    assert _found(crowd, "AHMAD, Amhad Ali Ahmad", "Ahmad Ali Ahmad AHMAD") >= (
        crowd.default_threshold
    )


def test_one_letter_inside_a_korean_syllable_is_another_syllable() -> None:
    screener = Screener.from_entities([_entity(1, "KIM JONG SONG")], snapshot="korean")
    # 김정상 reads "kim jong sang": written in Hangul, "sang" is another syllable
    assert not screener.screen("김정상")
    assert screener.screen("김정성")  # "kim jong song"
    assert screener.screen("Kim Jong Snog")  # in Latin letters a slip of the keys
