"""Party identity: the same party however its record is written, different parties kept apart."""

from __future__ import annotations

from clearance.cases import Party, party_key


def test_names_are_compared_as_screening_compares_them() -> None:
    assert party_key(Party("HIKVISION, Ltd.")) == party_key(Party("Hikvision Ltd"))
    assert party_key(Party("Hikvision Limited", schema="Company")) == party_key(
        Party("  hikvision LTD. ", schema="Company")
    )
    assert party_key(Party("Hikvision Digital")) != party_key(Party("Hikvision"))


def test_other_attributes_in_canonical_form_are_part_of_the_identity() -> None:
    base = Party("John Smith", countries=("GB", "Iran"), birth_date="1970-1-5")
    same = Party("JOHN SMITH", countries=("ir", "United Kingdom"), birth_date="1970-01-05")
    assert party_key(base) == party_key(same)
    assert party_key(base) != party_key(Party("John Smith", countries=("GB", "Iran")))
    assert party_key(base) != party_key(
        Party("John Smith", countries=("GB", "Iran"), birth_date="1985")
    )
    assert party_key(Party("A Person", identifiers=("AB-12 345",))) == party_key(
        Party("A Person", identifiers=("ab12345",))
    )
    assert party_key(Party("John Smith", schema="Person")) != party_key(Party("John Smith"))


def test_a_key_is_the_identity_whatever_the_attributes() -> None:
    one = Party("John Smith", countries=("GB",), key="CUST-1")
    assert party_key(one) == party_key(Party("Jon Smith (typo fixed)", key="CUST-1"))
    assert party_key(one) != party_key(Party("John Smith", countries=("GB",), key="CUST-2"))
    # a key never collides with a party identified by its attributes
    assert party_key(Party("CUST-1")) != party_key(Party("anything", key="CUST-1"))
