"""Screening real list entries: the cases the product must get right, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance import QueryError, Screener
from clearance.model import Entity
from clearance.names import normalize_name
from clearance.screening import parse_query
from clearance.sources.ofac_csv import parse_ofac_csv
from clearance.sources.trade_csl import parse_trade_csl


@pytest.fixture(scope="module")
def entities(shared_lists: Path) -> list[Entity]:
    sdn = sorted((shared_lists / "ofac-sdn").glob("*.csv"))
    cons = sorted((shared_lists / "ofac-consolidated").glob("*.csv"))
    csl = [shared_lists / "trade-csl-sample" / "consolidated.csv"]
    return (
        parse_ofac_csv(sdn, "us_ofac_sdn").entities
        + parse_ofac_csv(cons, "us_ofac_cons").entities
        + parse_trade_csl(csl, "us_trade_csl").entities
    )


@pytest.fixture(scope="module")
def screener(entities: list[Entity]) -> Screener:
    return Screener.from_entities(entities, snapshot="test")


def top(screener: Screener, name: str, **options: object) -> tuple[str, float]:
    hits = screener.screen(name, **options)  # type: ignore[arg-type]
    assert hits, f"no hit for {name!r}"
    return hits[0].entity_id, hits[0].score


def test_word_order_case_and_punctuation(screener: Screener) -> None:
    assert top(screener, "Nicolas Maduro Moros")[0] == "us_ofac_sdn:22790"
    assert top(screener, "maduro-moros nicolás")[0] == "us_ofac_sdn:22790"


def test_rare_token_decides_and_legal_forms_are_ignored(screener: Screener) -> None:
    entity_id, score = top(screener, "Hikvision")
    assert entity_id == "us_ofac_cons:30946" and score >= screener.default_threshold
    assert top(screener, "Hangzhou Hikvision Digital Technology Company Limited")[0] == (
        "us_ofac_cons:30946"
    )


def test_typo_transliteration_and_homoglyphs(screener: Screener) -> None:
    assert top(screener, "Chen Quangou", schema="Person")[0] == "us_ofac_sdn:29220"
    assert top(screener, "陈全国")[0] == "us_ofac_sdn:29220"
    homoglyph = "Hikvisiоn"  # Cyrillic о
    assert top(screener, homoglyph)[0] == "us_ofac_cons:30946"
    assert top(screener, "Hik\u200bvision")[0] == "us_ofac_cons:30946"


def test_persons_do_not_match_companies(screener: Screener) -> None:
    hits = screener.screen("Hikvision", schema="Person")
    assert all(h.schema in ("Person", "LegalEntity") for h in hits)
    assert "us_ofac_cons:30946" not in {h.entity_id for h in hits}


def test_evidence_moves_the_score(screener: Screener) -> None:
    _, plain = top(screener, "Chen Quanguo")
    _, agreeing = top(screener, "Chen Quanguo", birth_date="1955", countries=["China"])
    conflicting = screener.screen("Chen Quanguo", birth_date="1980-01-01")
    assert agreeing >= plain
    assert conflicting[0].score < plain
    assert "conflicts" in conflicting[0].explanation


def test_strong_identifier_decides(screener: Screener) -> None:
    hits = screener.screen("Unrelated Name Trading", identifiers=["91330000733796106P"])
    assert hits[0].entity_id == "us_ofac_cons:30946"
    assert hits[0].match and hits[0].score == 1.0
    assert "91330000733796106P" in hits[0].explanation


def test_short_and_generic_names_do_not_match_everything(screener: Screener) -> None:
    for generic in ("CORP", "Technology Company", "International Trading"):
        matches = [h for h in screener.screen(generic, limit=50) if h.match]
        assert len(matches) <= 2, (generic, [h.caption for h in matches])


def test_explanation_names_what_matched(screener: Screener) -> None:
    hit = screener.screen("Hangzhou Hikvision Digital Technology Co., Ltd.")[0]
    assert "hikvision = hikvision" in hit.explanation
    assert "removed legal form" in hit.explanation


def test_results_are_sorted_and_deterministic(screener: Screener, entities: list[Entity]) -> None:
    first = [h.to_dict() for h in screener.screen("Mohammed Ali", limit=20)]
    again = Screener.from_entities(entities, snapshot="test")
    second = [h.to_dict() for h in again.screen("Mohammed Ali", limit=20)]
    assert json.dumps(first) == json.dumps(second)
    keys = [(-h["score"], h["id"]) for h in first]  # type: ignore[operator]
    assert keys == sorted(keys)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": "Ali\x07 Baba"}, "name"),
        ({"name": "Ali", "schema": "Alien"}, "schema"),
        ({"name": "Ali", "countries": ["Atlantis"]}, "country"),
        ({"name": "Ali", "birth_date": "1955-02-30"}, "birth_date"),
        ({"name": "Ali", "birth_date": "3000"}, "birth_date"),
        ({"name": "Ali", "threshold": 1.5}, "threshold"),
        ({"name": "Ali", "limit": 0}, "limit"),
    ],
)
def test_bad_input_is_a_clear_value_error(
    screener: Screener, options: dict[str, object], field: str
) -> None:
    with pytest.raises(QueryError, match=f"^{field}:"):
        screener.screen(**options)  # type: ignore[arg-type]
    assert issubclass(QueryError, ValueError)


def test_countries_and_dates_in_every_accepted_form(screener: Screener) -> None:
    for country in ("IQ", "iq", "Iraq", "United Arab Emirates", "AE"):
        screener.screen("Ali", countries=[country])
    for birth in ("1955", "1955-3", "1955-03", "1955-3-7", "1955-03-07"):
        screener.screen("Chen Quanguo", birth_date=birth)


def test_a_name_normalised_already_is_checked_as_it_would_be() -> None:
    """Monitoring passes each row's name parts as its last screening kept them, so the
    name is not normalised again only to be checked: the query is the same."""
    name = "Ali Hassan Al-Majid"
    given = normalize_name(name, "Person")
    assert parse_query(name, schema="Person", normalized=given) == parse_query(
        name, schema="Person"
    )
    with pytest.raises(QueryError, match=r"^name:"):
        parse_query("!!!", normalized=normalize_name("!!!"))
