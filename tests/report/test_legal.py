"""describe_listing on real listings of every shared dataset, as the parsers produce them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clearance import Screener
from clearance.model import Entity, Listing
from clearance.report.legal import GENERAL_MEANINGS, describe_listing, general_meaning
from clearance.sources.formats import FORMATS
from tests.conftest import FIXTURES

UNKNOWN = "no summary of this list's legal effect is on file"


def entities(screener: Screener, dataset: str) -> Iterator[Entity]:
    return (e for e in screener.entities() if e.dataset == dataset)


def listings(screener: Screener, dataset: str, list_name: str) -> Iterator[Listing]:
    for entity in entities(screener, dataset):
        yield from (x for x in entity.listings if x.list_name == list_name)


def test_entity_list_states_the_licence_requirement_policy_and_notice(
    screener: Screener,
) -> None:
    listing = next(
        x
        for x in listings(screener, "us_trade_csl", "Entity List")
        if (x.license_policy or "").startswith("Presumption of denial")
        and (x.license_requirement or "").startswith("For all items subject to the EAR")
        and x.listed_on
        and x.federal_register_notice
    )
    text = describe_listing(listing)
    assert text.startswith(f"Entity List (US Commerce BIS), since {listing.listed_on}: ")
    assert "licence required for all items subject to the EAR" in text
    assert "review policy: presumption of denial" in text
    assert text.endswith(f"Federal Register {' '.join(listing.federal_register_notice.split())}")


def test_hikvision_reads_as_the_entity_list_entry_of_2019(screener: Screener) -> None:
    hit = next(
        h for h in screener.screen("Hikvision", limit=10) if "Entity List" in h.lists and h.match
    )
    entity = screener.entity(hit.entity_id)
    assert entity is not None
    (listing,) = (x for x in entity.listings if x.list_name == "Entity List")
    text = describe_listing(listing)
    assert "since 2019-10-09" in text and "84 FR 54002" in text
    assert "licence required for all items subject to the EAR" in text


def test_sdn_without_licence_text_reads_as_blocking(screener: Screener) -> None:
    entity = screener.entity("us_ofac_sdn:29220")  # CHEN, Quanguo (GLOMAG)
    assert entity is not None
    (listing,) = entity.listings
    assert listing.license_requirement is None
    text = describe_listing(listing)
    assert text.startswith("SDN List (US Treasury OFAC), programs GLOMAG: blocking")
    assert "US persons may not deal with it" in text


def test_sdn_keeps_the_publishers_secondary_sanctions_notes(screener: Screener) -> None:
    listing = next(
        x
        for x in listings(screener, "us_ofac_sdn", "SDN List")
        if any(n.startswith("Secondary sanctions risk") for n in x.notes)
    )
    note = next(n for n in listing.notes if n.startswith("Secondary sanctions risk"))
    assert " ".join(note.split()).rstrip(".") in describe_listing(listing)


@pytest.mark.parametrize(
    ("dataset", "list_name", "words"),
    [
        (
            "un_sc_sanctions",
            "UN Security Council Consolidated List",
            ["asset freeze", "travel ban"],
        ),
        (
            "gb_hmt_sanctions",
            "UK Consolidated List of Financial Sanctions Targets",
            ["UK asset freeze", "OFSI licence"],
        ),
        ("eu_fsf", "eu_fsf", ["EU asset freeze", "dataset eu_fsf"]),
        ("us_ofac_cons", "Non-SDN Consolidated List", ["not blocked as such"]),
        ("us_trade_csl", "ITAR Debarred List", ["defence articles", "22 CFR 127.7"]),
        ("us_trade_csl", "Unverified List", ["no licence exception", "UVL statement"]),
        ("us_trade_csl", "Sectoral Sanctions Identifications List", ["sectoral sanctions"]),
        ("us_trade_csl", "Nonproliferation Sanctions", ["nonproliferation"]),
    ],
)
def test_lists_without_licence_text_get_their_general_meaning(
    screener: Screener, dataset: str, list_name: str, words: list[str]
) -> None:
    listing = next(listings(screener, dataset, list_name))
    text = describe_listing(listing)
    for word in words:
        assert word in text
    if listing.listed_on:
        assert f"since {listing.listed_on}" in text
    for program in listing.programs:
        assert " ".join(program.split()) in text


def test_denied_persons_use_the_parsers_statement_and_the_order_term(
    screener: Screener,
) -> None:
    listing = next(
        x for x in listings(screener, "us_bis_denied", "Denied Persons List") if x.end_date
    )
    text = describe_listing(listing)
    assert f"since {listing.listed_on}, until {listing.end_date}" in text
    assert "denial order" in text and "export privileges" in text
    assert f"Federal Register {listing.federal_register_notice}" in text


def test_fcc_covered_list_names_both_effects(screener: Screener) -> None:
    listing = next(listings(screener, "us_fcc_covered", "FCC Covered List"))
    text = describe_listing(listing)
    assert "universal-service (USF) funds" in text
    assert "equipment authorizations" in text


def test_uflpa_entity_list_reads_as_an_import_ban() -> None:
    release = FORMATS["uflpa-html"].parse([FIXTURES / "uflpa_entity_list.html"], "us_dhs_uflpa")
    text = describe_listing(release.entities[0].listings[0])
    assert text.startswith("UFLPA Entity List (US DHS FLETF)")
    assert "forced labour" in text and "import into the United States prohibited" in text


def test_ofac_enhanced_lists_get_their_own_meaning(shared_lists: Path) -> None:
    path = shared_lists / "ofac-consolidated-enhanced" / "CONS_ENHANCED.ZIP"
    release = FORMATS["ofac-enhanced"].parse([path], "us_ofac_cons")
    by_list = {x.list_name: x for e in release.entities for x in e.listings}
    assert "foreign sanctions evader" in describe_listing(by_list["FSE List"])
    assert "publicly traded securities" in describe_listing(by_list["Non-SDN CMIC List"])
    ssi = describe_listing(by_list["Sectoral Sanctions Identifications List"])
    assert "sectoral sanctions" in ssi and "Sanctions Type" in ssi


def test_ofac_xml_consolidated_listing(shared_lists: Path) -> None:
    path = shared_lists / "ofac-consolidated-xml" / "consolidated.xml"
    release = FORMATS["ofac-xml"].parse([path], "us_ofac_cons")
    text = describe_listing(release.entities[0].listings[0])
    assert text.startswith("Non-SDN Consolidated List (US Treasury OFAC)")


def test_opensanctions_listings_of_lists_without_a_summary_say_so(shared_lists: Path) -> None:
    path = shared_lists / "opensanctions-ftm-zala-sample" / "entities.ftm.json"
    release = FORMATS["ftm"].parse([path], "sanctions")
    all_listings = [x for e in release.entities for x in e.listings]
    sdn = next(x for x in all_listings if x.list_name == "us_ofac_sdn")
    assert "OFAC Specially Designated Nationals (SDN) List" in describe_listing(sdn)
    assert "blocking" in describe_listing(sdn)
    other = next(x for x in all_listings if general_meaning(x) is None and x.source_url)
    text = describe_listing(other)
    assert UNKNOWN in text and other.source_url in text


def test_every_listing_of_the_official_lists_has_a_known_effect(screener: Screener) -> None:
    """No listing loaded from a publisher's own files falls through to "not on file"."""
    seen = 0
    for entity in screener.entities():
        for listing in entity.listings:
            text = describe_listing(listing)
            seen += 1
            assert UNKNOWN not in text, text
            assert "  " not in text and ".;" not in text and not text.endswith("."), text
    assert seen > 20_000


def test_the_general_table_is_small_and_says_it_is_no_legal_advice() -> None:
    assert len(GENERAL_MEANINGS) < 40
    assert "not legal advice" in (describe_listing.__doc__ or "")
