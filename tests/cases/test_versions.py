"""What changed in a listed entity, in the words a re-opened alert shows."""

from __future__ import annotations

from dataclasses import replace

from clearance.cases.versions import describe_change
from clearance.model import Country, Listing
from tests.cases.conftest import listed


def test_values_added_removed_and_changed_are_named() -> None:
    old = listed("1", "Jane Roe", aliases=("J. Roe",), passport="X1")
    new = replace(
        listed("1", "Jane Roe", aliases=("Jane Roe-Smith",), programs=("P2",), born="1971"),
        countries=(Country("ir"), Country("sy")),
        remarks=("moved to Damascus",),
        raw={"note": "new"},
    )
    assert describe_change(old, new) == (
        "names added: Jane Roe-Smith; names removed: J. Roe; programs added: P2; "
        "programs removed: P1; identifiers removed: passport X1; "
        "birth dates changed: 1970 → 1971; countries added: SY; also changed: remarks"
    )


def test_listing_details_and_records_without_a_compared_field() -> None:
    old = listed("1", "Jane Roe")
    policy = Listing(
        authority="Test", list_name="Test List", programs=("P1",), license_policy="denial"
    )
    assert describe_change(old, replace(old, listings=(policy,))) == (
        "also changed: listing details"
    )
    assert describe_change(old, replace(old, raw={"x": 1})) == (
        "only the publisher's own record changed (no field shown here)"
    )
    many = replace(
        old, names=(*old.names, *(replace(old.names[0], value=f"N{i}") for i in range(10)))
    )
    assert describe_change(old, many) == "names added: N0, N1, N2, N3, N4, N5, N6, N7 and 2 more"
