"""Variation generators: deterministic, every class really changes the name, no collisions."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin

from clearance.evaluation import scripts
from clearance.evaluation.scripts import normalise
from clearance.evaluation.variations import (
    CLASSES,
    VARIATION_CLASSES,
    Source,
    Variation,
    generate_variations,
    party_kind,
    sources_of,
    split_org,
    split_person,
    vary_typo,
)
from clearance.model import Country, Entity, Name, NameKind, detect_script
from clearance.sources.formats import get_format


def entity(
    dataset: str,
    number: str,
    schema: str,
    names: list[str],
    countries: tuple[str, ...] = (),
) -> Entity:
    return Entity(
        id=f"{dataset}:{number}",
        dataset=dataset,
        schema=schema,
        names=tuple(
            Name.make(n, NameKind.PRIMARY if i == 0 else NameKind.ALIAS)
            for i, n in enumerate(names)
        ),
        countries=tuple(Country(c) for c in countries),
    )


def listed() -> list[Entity]:
    """A small hand-made list with a name for every class: scripts, legal forms, Korean, pinyin."""
    return [
        entity("us_ofac_sdn", "1", "Person", ["MADURO MOROS, Nicolas"], ("ve",)),
        entity("gb_hmt_sanctions", "2", "Person", ["Abdul Kadir KHAN", "عبد القادر خان"], ("pk",)),
        entity(
            "un_sc_sanctions",
            "3",
            "Person",
            ["DOKU KHAMATOVICH UMAROV", "Умаров Доку Хаматович"],
            ("ru",),
        ),
        entity("us_ofac_sdn", "4", "Person", ["ZHU, Hailun"], ("cn",)),
        entity("us_ofac_sdn", "5", "Person", ["YU, Kwang Ho"], ("kp",)),
        entity("un_sc_sanctions", "6", "Person", ["HYON KWANG IL"], ("kp",)),
        entity(
            "eu_fsf",
            "7",
            "Person",
            ["Vitaly Yurievich KUZMENKO", "Виталий Юрьевич КУЗЬМЕНКО"],
            ("by",),
        ),
        entity("us_ofac_sdn", "8", "Organization", ["ZALIV SHIPYARD LLC", "OOO SHIPYARD 'ZALIV'"]),
        entity(
            "us_trade_csl",
            "9",
            "Organization",
            ["HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."],
            ("cn",),
        ),
        entity(
            "un_sc_sanctions",
            "10",
            "Organization",
            ["SHEN ZHONG INTERNATIONAL SHIPPING", "沈忠國際海運有限公司"],
            ("hk",),
        ),
        entity("us_ofac_sdn", "11", "Organization", ["BANK MELLI IRAN"], ("ir",)),
        entity(
            "un_sc_sanctions", "12", "Organization", ["Ansar al-Sharia", "أنصار الشريعة"], ("ly",)
        ),
        entity(
            "us_trade_csl",
            "13",
            "LegalEntity",
            ["Beijing Zhongguancun Development Investment Center"],
            ("cn",),
        ),
        entity("us_bis_denied", "14", "LegalEntity", ["BENJAMIN JAMES CANCE"], ("us",)),
        entity("us_ofac_sdn", "15", "Person", ["PAK, Bong Nam"], ("kp",)),
        entity("us_ofac_sdn", "16", "Person", ["AL-BAGHDADI, Abu Bakr"], ("iq",)),
        entity("us_fcc_covered", "17", "Company", ["Huawei Technologies Company"], ("cn",)),
        entity("gb_hmt_sanctions", "18", "Person", ["Tatiana Vladimirovna ZHURAVLEVA"], ("ru",)),
        entity("us_ofac_sdn", "19", "Organization", ["TRANSNEFT FINANS, OOO"], ("ru",)),
        entity("us_trade_csl", "20", "Person", ["SUN, Wei"], ("cn",)),
    ]


#: classes whose words must change, not only their spelling or script
CHANGES_WORDS = {"word_order", "typo", "name_parts", "legal_forms"}


@pytest.fixture(scope="module")
def small() -> list[Variation]:
    return generate_variations(listed(), seed=7, per_class=15)


def test_every_class_produces_variations(small: list[Variation]) -> None:
    counts = Counter(v.klass for v in small)
    assert set(counts) == set(CLASSES)
    assert all(1 <= n <= 15 for n in counts.values())
    assert all(v.group == CLASSES[v.klass] for v in small)


def test_every_variation_differs_from_its_listed_name(small: list[Variation]) -> None:
    names = {e.id: {n.value for n in e.names} for e in listed()}
    for v in small:
        assert v.source_name in names[v.expected_id]
        assert v.query != v.source_name, v
        assert v.query.strip(), v
        if v.klass in CHANGES_WORDS:
            assert normalise(v.query) != normalise(v.source_name), v


def test_no_variation_is_another_listed_name(small: list[Variation]) -> None:
    listed_names = {normalise(n.value) for e in listed() for n in e.names}
    for v in small:
        norm = normalise(v.query)
        assert norm == normalise(v.source_name) or norm not in listed_names, v


def test_generation_is_deterministic() -> None:
    first = generate_variations(listed(), seed=11, per_class=10)
    again = generate_variations(list(reversed(listed())), seed=11, per_class=10)
    other = generate_variations(listed(), seed=12, per_class=10)
    assert first == again
    assert first != other


def test_classes_change_what_they_say(small: list[Variation]) -> None:
    by_class: dict[str, list[Variation]] = {}
    for v in small:
        by_class.setdefault(v.klass, []).append(v)
    for v in by_class["homoglyph"]:
        assert detect_script(v.query) == "Mixed"
        assert normalise(v.query.translate(_HOMOGLYPH_BACK)) == normalise(v.source_name)
    for v in by_class["invisible"]:
        visible = "".join(c for c in v.query if unicodedata.category(c) != "Cf")
        assert visible == v.source_name
    for v in by_class["translit_korean"]:
        assert detect_script(v.query.replace(" ", "")) == "Hangul"
    for v in by_class["translit_greek"]:
        assert "Greek" in _scripts(v.query)
    for v in by_class["translit_cyrillic"]:
        assert (
            "Cyrillic" in _scripts(v.query)
            or "Cyrillic" in _scripts(v.source_name)
            or (v.method.startswith("latin->cyrillic->latin"))
        )
    for v in by_class["translit_arabic"]:
        assert {"Arabic"} & (_scripts(v.query) | _scripts(v.source_name))
    for v in by_class["translit_han"]:
        assert "Han" in _scripts(v.query) or v.method.startswith(("pinyin", "han->"))
    legal_ids = {e.id for e in listed() if party_kind(e, e.names[0].value) == "org"}
    assert all(v.expected_id in legal_ids for v in by_class["legal_forms"])


_HOMOGLYPH_BACK = str.maketrans(
    {g: latin for latin, glyphs in scripts.HOMOGLYPHS.items() for g in glyphs}
)


def _scripts(text: str) -> set[str]:
    return {detect_script(c) for c in text if c.isalpha()}


def test_names_from_the_lists_own_scripts_come_first(small: list[Variation]) -> None:
    methods = Counter(v.method.split(":")[0] for v in small)
    assert methods["cyrillic->latin"] >= 2  # two Cyrillic names on the list, several systems
    assert methods["arabic->latin"] >= 2
    assert methods["han->pinyin"] >= 1


def test_per_class_cap_and_even_sampling_over_datasets() -> None:
    big = [
        entity("big", str(i), "Person", [f"Person{chr(97 + i % 26)}name Familyname{i}"])
        for i in range(40)
    ]
    tiny = [
        entity("tiny", str(i), "Person", [f"Tinyperson Surname{chr(97 + i)}x"]) for i in range(3)
    ]
    typos = generate_variations(big + tiny, seed=1, per_class=10, classes=["typo"])
    assert len(typos) == 10
    assert Counter(v.expected_id.split(":")[0] for v in typos) == {"big": 7, "tiny": 3}


def test_unknown_class_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown variation classes"):
        generate_variations(listed(), classes=["spelling"])


def test_typos_are_one_or_two_edits_and_skip_short_names() -> None:
    import random

    from rapidfuzz.distance import DamerauLevenshtein

    rng = random.Random(3)
    long_name = Source("a:1", "a", "Person", "person", "Mohammed Abdullah", "Latin", frozenset())
    for _ in range(50):
        made = vary_typo(rng, long_name)
        assert made is not None
        distance = DamerauLevenshtein.distance(made[0], long_name.name)
        assert 1 <= distance <= 2 + made[1].count("ocr") + made[1].count("transposition")
    short = Source("a:2", "a", "Person", "person", "Ali", "Latin", frozenset())
    assert vary_typo(rng, short) is None


# --------------------------------------------------------------------------- name structure


def test_split_person_styles() -> None:
    assert split_person("MADURO MOROS, Nicolas") == (["Nicolas"], ["MADURO", "MOROS"], "comma")
    assert split_person("Yong Son JANG") == (["Yong", "Son"], ["JANG"], "caps")
    assert split_person("BENJAMIN JAMES CANCE") == (["BENJAMIN", "JAMES"], ["CANCE"], "plain")
    assert split_person("Madonna") is None


def test_split_org_finds_legal_forms_before_and_after() -> None:
    org = split_org("OOO SHIPYARD 'ZALIV'")
    assert (org.prefix, org.core, org.prefix_form) == (["OOO"], ["SHIPYARD", "'ZALIV'"], "llc")
    org = split_org("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.")
    assert org.suffix == ["CO.,", "LTD."] and org.suffix_form == "company_limited"
    org = split_org("LIMITED")
    assert org.core == ["LIMITED"] and org.suffix == []


# --------------------------------------------------------------------------- scripts


def test_normalise() -> None:
    assert normalise("O'BRIEN, Seán-Paul  (Jr.)") == "obrien sean paul jr"
    assert normalise("ВИТАЛИЙ") == "vitaliy"
    assert normalise("张雷") == "zhang lei"  # as the lists write Chinese names


def test_names_with_control_characters_are_not_varied() -> None:
    broken = entity("us_trade_csl", "1", "Company", ["Xi\x92an Aircraft Company", "Xian Aircraft"])
    assert [s.name for s in sources_of([broken])] == ["Xian Aircraft"]


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("bgn", "Shchukin Yelena"),
        ("scholarly", "Ščukin Elena"),
        ("german", "Schtschukin Jelena"),
        ("french", "Chtchoukin Ielena"),
    ],
)
def test_cyrillic_romanisations(system: str, expected: str) -> None:
    assert scripts.cyrillic_to_latin("Щукин Елена", system) == expected


def test_latin_to_cyrillic() -> None:
    assert scripts.latin_to_cyrillic("KUZMENKO, Vitaly Yurievich") == "КУЗМЕНКО, Виталий Юриевич"
    assert scripts.latin_to_cyrillic("Nikolai") == "Николай"


def test_pinyin_segmentation_and_han() -> None:
    assert scripts.segment_pinyin("Hailun") == ["hai", "lun"]
    assert scripts.segment_pinyin("xian") == ["xian"]
    assert scripts.segment_pinyin("SHIPPING") is None
    assert scripts.han_to_pinyin_words("有限公司") == [["you", "xian", "gong", "si"]]
    han = scripts.pinyin_to_han(["zhu"], ["hai", "lun"])
    assert han is not None and len(han) == 3
    assert lazy_pinyin(han) == ["zhu", "hai", "lun"]


def test_korean_syllables_compose_to_hangul() -> None:
    import random

    parsed = scripts.parse_korean_syllables("Kwang")
    assert parsed == [("k", "wa", "ng")]
    assert scripts.korean_to_hangul(parsed, random.Random(0)) == "광"
    assert scripts.parse_korean_syllables("Myong-chin") is not None
    assert scripts.parse_korean_syllables("Smith") is None


def test_greek_and_arabic_tables() -> None:
    import random

    assert scripts.latin_to_greek("Papadopoulos", "phonetic") == "Παπαντοπουλος"
    assert scripts.latin_to_greek("THEODOROS", "letterwise") == "ΘΕΟΔΟΡΟΣ"
    assert scripts.arabic_to_latin("محمد", "consonantal", random.Random(0)) == "Mhmd"
    assert scripts.latin_to_arabic("Abdul Rahman", random.Random(0)) == "عبد الرهمن"


# --------------------------------------------------------------------------- real lists


@pytest.fixture(scope="module")
def un_entities(shared_lists: Path) -> list[Entity]:
    parsed = get_format("un-xml").parse(
        [shared_lists / "un-consolidated" / "consolidated.xml"], "un_sc_sanctions"
    )
    return list(parsed.entities)


def test_real_list_gives_every_class(un_entities: list[Entity]) -> None:
    variations = generate_variations(un_entities, per_class=20)
    counts = Counter(v.klass for v in variations)
    assert counts == dict.fromkeys(CLASSES, 20)
    names = {e.id: {n.value for n in e.names} for e in un_entities}
    for v in variations:
        assert v.query != v.source_name
        assert v.source_name in names[v.expected_id]
    assert {c.name for c in VARIATION_CLASSES} == set(CLASSES)
