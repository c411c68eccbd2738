"""Arabic-script and Greek-script names: the readings that let them meet Latin spellings.

The unit tests pin the properties the matcher relies on; the screening tests take
real UN list entries written in Arabic script and romanise them with the quality
benchmark's own romaniser (evaluation/scripts.py), which knows nothing of the
matcher's keys, so a pass means the reading works, not that a table was copied.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from clearance import Screener
from clearance.evaluation.scripts import arabic_to_latin, latin_to_arabic, latin_to_greek
from clearance.model import Entity, detect_script
from clearance.names import abjad_keys, normalize_name
from clearance.names.arabic import arabic_name_parts, romanize_arabic
from clearance.names.greek import greek_fold
from clearance.sources.un_xml import parse_un_xml


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("muhammad", "mhmd"),
        ("mehmad", "mohammed"),
        ("zarqawi", "zrqawy"),
        ("jamaah", "jmaa"),
        ("tehrani", "thrny"),  # t-h, not th
        ("uthman", "athman"),
        ("branch", "brntsh"),
    ],
)
def test_spellings_of_one_arabic_word_share_a_consonant_key(one: str, other: str) -> None:
    assert set(abjad_keys(one)) & set(abjad_keys(other))


@pytest.mark.parametrize(("one", "other"), [("hasan", "husam"), ("omar", "amin"), ("sad", "sabr")])
def test_different_consonants_do_not_share_a_key(one: str, other: str) -> None:
    assert not set(abjad_keys(one)) & set(abjad_keys(other))


def test_arabic_romanisation_keeps_words_whole() -> None:
    # ʿayn and tāʾ marbūṭa must not split a word ("al jma t" in scholarly romanisation)
    tokens = normalize_name("الجماعة الإسلامية").tokens
    assert tokens[0] == "al" and len(tokens) == 4
    assert romanize_arabic("عبدالله") == "abd allah"
    assert romanize_arabic("Hikvision ٢٠٢٤") == "Hikvision 2024"


def test_abd_compounds_and_articles_are_one_part() -> None:
    for spelling in ("abd al rahman", "abdul rahman", "abdulrahman", "abd ar rahman"):
        assert arabic_name_parts(tuple(spelling.split())) == ("abdrahman",)
    assert arabic_name_parts(("nur", "ud", "din")) == ("nur", "din")
    assert arabic_name_parts(("abd", "al", "lah")) == ("abdallah",)


def test_greek_transcription_folds_to_the_latin_spelling() -> None:
    for latin in ("Huawei Technologies", "Advanced Web Services", "Pacific Networks"):
        for system in ("letterwise", "phonetic"):
            greek = latin_to_greek(latin, system)
            assert detect_script(greek) == "Greek"
            read = normalize_name(greek).tokens
            plain = normalize_name(latin).tokens
            assert len(read) == len(plain)
            close = sum(greek_fold(a) == greek_fold(b) for a, b in zip(read, plain, strict=True))
            assert close >= len(plain) - 1, (greek, read, plain)


@pytest.fixture(scope="module")
def un_entities(shared_lists: Path) -> list[Entity]:
    files = sorted((shared_lists / "un-consolidated").glob("*.xml"))
    return parse_un_xml(files, "un_sc_sanctions").entities


def _arabic_named(entities: list[Entity], count: int) -> list[tuple[Entity, str]]:
    found = []
    for entity in entities:
        arabic = [n.value for n in entity.names if detect_script(n.value) == "Arabic"]
        if arabic and len(arabic[0].split()) >= 2:
            found.append((entity, arabic[0]))
    assert len(found) >= count, "the UN list has Arabic-script names"
    return found[:count]


def test_romanised_arabic_script_names_find_their_entity(un_entities: list[Entity]) -> None:
    screener = Screener.from_entities(un_entities, snapshot="un")
    rng = random.Random(11)
    cases = _arabic_named(un_entities, 40)
    found = 0
    for entity, arabic in cases:
        query = arabic_to_latin(arabic, rng.choice(["consonantal", "vocalised"]), rng)
        hits = screener.screen(query)
        found += any(h.entity_id == entity.id and h.match for h in hits)
    assert found >= 0.85 * len(cases)


def test_latin_names_written_in_arabic_find_their_entity(un_entities: list[Entity]) -> None:
    screener = Screener.from_entities(un_entities, snapshot="un")
    rng = random.Random(12)
    cases = [
        (e, e.names[0].value)
        for e, _arabic in _arabic_named(un_entities, 40)
        if detect_script(e.names[0].value) == "Latin"
    ]
    found = 0
    for entity, latin in cases:
        hits = screener.screen(latin_to_arabic(latin, rng))
        found += any(h.entity_id == entity.id and h.match for h in hits)
    assert cases and found >= 0.7 * len(cases)
