"""parse_remarks on remark strings as OFAC publishes them (quoted from the shared files)."""

from __future__ import annotations

from clearance.model import Country, CountryRole, Identifier, NameKind, Relation
from clearance.sources.ofac_remarks import parse_remarks, split_segments


def _ids(text: str, type_: str) -> list[Identifier]:
    return [i for i in parse_remarks(text).identifiers if i.type == type_]


def test_empty_marker_gives_nothing() -> None:
    assert parse_remarks("-0- ") == parse_remarks("")
    assert parse_remarks("-0- ").remarks == ()


def test_person_birth_facts() -> None:
    # SDN ent_num 29220, CHEN, Quanguo
    r = parse_remarks("DOB 1955; POB Pingyu, Henan, China; Gender Male.")
    assert r.birth_dates == ("1955",)
    assert r.birth_places == ("Pingyu, Henan, China",)
    assert r.gender == "male"
    assert Country("cn", CountryRole.BIRTH) in r.countries
    assert r.remarks == ()


def test_dob_forms() -> None:
    assert parse_remarks("DOB 10 Dec 1948").birth_dates == ("1948-12-10",)
    assert parse_remarks("DOB Jan 1962; nationality China").birth_dates == ("1962-01",)
    assert parse_remarks("DOB circa 1960; POB Kutum, North Darfur, Sudan").birth_dates == ("1960",)
    # 11313: a year and an alt. full date
    r = parse_remarks("DOB 1969; alt. DOB 10 Oct 1969; POB Xudur, Somalia; alt. POB Keren, Eritrea")
    assert r.birth_dates == ("1969", "1969-10-10")
    assert r.birth_places == ("Xudur, Somalia", "Keren, Eritrea")


def test_dob_ranges() -> None:
    assert parse_remarks("DOB 1951 to 1953").birth_dates == ("1951", "1952", "1953")
    # 15962: a range of whole years written as days
    assert parse_remarks("DOB 01 Jan 1961 to 31 Dec 1962; nationality Iran").birth_dates == (
        "1961",
        "1962",
    )
    # 16605: a range within one year keeps both ends
    assert parse_remarks("DOB 26 Sep 1946 to 07 Dec 1946.").birth_dates == (
        "1946-09-26",
        "1946-12-07",
    )


def test_nationality_citizenship() -> None:
    # 10485
    r = parse_remarks(
        "DOB circa 1959; alt. DOB circa 1960; POB Nasiriyah, Iraq; citizen Iran; alt. citizen "
        "Iraq; Additional Sanctions Information - Subject to Secondary Sanctions."
    )
    assert r.citizenships == ("ir", "iq")
    assert r.nationalities == ()
    assert r.birth_dates == ("1959", "1960")
    assert r.sanctions_notes == (
        "Additional Sanctions Information - Subject to Secondary Sanctions",
    )
    assert parse_remarks("nationality Korea, North").nationalities == ("kp",)


def test_identifiers_with_country_and_dates() -> None:
    # 8116
    r = parse_remarks(
        "DOB 23 Nov 1950; POB Bijela Voda, Sokolac Canton, Bosnia-Herzegovina; Passport 3943074 "
        "(Bosnia and Herzegovina) issued 27 Sep 2002; Passport issued in Sarajevo, "
        "Bosnia-Herzegovina; a.k.a. 'MINEUR'."
    )
    assert r.identifiers == (
        Identifier("passport", "3943074", "ba", "Passport; issued 27 Sep 2002"),
    )
    # prose that only mentions a passport is not an identifier, it stays a remark
    assert r.remarks == ("Passport issued in Sarajevo, Bosnia-Herzegovina",)
    assert [(n.value, n.kind) for n in r.names] == [("MINEUR", NameKind.WEAK_ALIAS)]


def test_latin_american_identifiers() -> None:
    # from 12300, CIFUENTES VILLA, Jorge Milton
    text = (
        "Cedula No. 7548733 (Colombia); alt. Cedula No. 172489729-1 (Ecuador); Passport AL720622 "
        "(Colombia); R.F.C. CIVJ650513LJA (Mexico); C.U.R.P. CIVJ650513HNEFLR06 (Mexico); "
        "Matricula Mercantil No 181301-1 Cali (Colombia)"
    )
    got = {(i.type, i.value, i.country) for i in parse_remarks(text).identifiers}
    assert got == {
        ("national_id", "7548733", "co"),
        ("national_id", "172489729-1", "ec"),
        ("passport", "AL720622", "co"),
        ("tax_id", "CIVJ650513LJA", "mx"),
        ("national_id", "CIVJ650513HNEFLR06", "mx"),
        ("registration", "181301-1 Cali", "co"),
    }


def test_cmic_company() -> None:
    # consolidated ent_num 30946, HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.
    r = parse_remarks(
        "Equity Ticker 002415 CN; Issuer Name Hangzhou Hikvision Digital Technology; ISIN "
        "CNE100000PM8; Target Type Public Company; Effective Date (CMIC) 02 Aug 2021; "
        "Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022; Listing Date (CMIC) 03 Jun 2021; "
        "Unified Social Credit Code (USCC) 91330000733796106P (China)."
    )
    assert Identifier("uscc", "91330000733796106P", "cn", "Unified Social Credit Code (USCC)") in (
        r.identifiers
    )
    assert Identifier("isin", "CNE100000PM8", None, "ISIN") in r.identifiers
    assert r.listing_dates == ("2021-06-03",)
    assert "Listing Date (CMIC) 03 Jun 2021" in r.sanctions_notes
    assert ("Target Type", "Public Company") in r.facts
    assert "Target Type Public Company" in r.remarks


def test_legal_entity_number_is_lei_only_in_lei_shape() -> None:
    # 17016 (consolidated) carries a real LEI; 23257 (SDN) a Dutch registry number
    assert _ids("Legal Entity Number 253400WSS48YWMBUA688", "lei")[0].value == (
        "253400WSS48YWMBUA688"
    )
    r = parse_remarks(
        "Chamber of Commerce Number 55389694 (Netherlands); Legal Entity Number 851683897 "
        "(Netherlands); Linked To: FLEURETTE PROPERTIES LIMITED."
    )
    assert [(i.type, i.value, i.country) for i in r.identifiers] == [
        ("registration", "55389694", "nl"),
        ("registration", "851683897", "nl"),
    ]
    assert r.relations == (Relation("linked_to", "FLEURETTE PROPERTIES LIMITED"),)


def test_bank_identifiers() -> None:
    # 17018 (consolidated), SBERBANK
    r = parse_remarks("SWIFT/BIC SABRRUMM; Website www.sberbank.ru; alt. Website www.sberbank.com")
    assert [(i.type, i.value) for i in r.identifiers] == [
        ("swift_bic", "SABRRUMM"),
        ("website", "www.sberbank.ru"),
        ("website", "www.sberbank.com"),
    ]


def test_crypto_email_phone() -> None:
    # from 29703 and 28263 (SDN)
    r = parse_remarks(
        "Email Address antonandreyv@gmail.com; Gender Male; Digital Currency Address - XBT "
        "1Fz29BQp82pE3vXXcsZoMNQ3KSHfMzfMe3; alt. Digital Currency Address - ETH "
        "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c; Phone Number 79315403678; Passport "
        "4005504207 (Russia)."
    )
    assert [(i.type, i.value, i.note) for i in r.identifiers] == [
        ("email", "antonandreyv@gmail.com", "Email Address"),
        ("crypto_wallet", "1Fz29BQp82pE3vXXcsZoMNQ3KSHfMzfMe3", "Digital Currency Address - XBT"),
        (
            "crypto_wallet",
            "0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c",
            "Digital Currency Address - ETH",
        ),
        ("phone", "79315403678", "Phone Number"),
        ("passport", "4005504207", "Passport"),
    ]


def test_vessel_remarks() -> None:
    # 15036 ARTAVIL (SDN)
    r = parse_remarks(
        "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None "
        "Identified; alt. Former Vessel Flag Tanzania; Additional Sanctions Information - Subject "
        "to Secondary Sanctions; Vessel Registration Identification IMO 9187629; MMSI 572469210; "
        "f.k.a. 'ALPHA'; Linked To: NATIONAL IRANIAN TANKER COMPANY."
    )
    assert [(i.type, i.value) for i in r.identifiers] == [("imo", "9187629"), ("mmsi", "572469210")]
    assert [(n.value, n.kind) for n in r.names] == [("ALPHA", NameKind.FORMER)]
    assert r.relations == (Relation("linked_to", "NATIONAL IRANIAN TANKER COMPANY"),)
    assert ("Former Vessel Flag", "Malta") in r.facts
    assert r.remarks[0] == "Former Vessel Flag Malta"


def test_vessel_registration_is_imo_when_check_digit_fits() -> None:
    # 17104 RYONG GUN BONG: 8606173 passes the IMO check digit
    assert _ids("Vessel Registration Identification 8606173.", "imo")[0].value == "8606173"
    assert _ids("Vessel Registration Identification 8606174.", "imo") == []
    assert _ids("Vessel Registration Identification 8606174.", "registration")


def test_aircraft_remarks() -> None:
    # 15431 EP-GOM (SDN)
    r = parse_remarks(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8401; Aircraft Manufacture "
        "Date 1992; Aircraft Model IL76-TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's "
        "Serial Number (MSN) 1023409321; Linked To: POUYA AIR."
    )
    assert [(i.type, i.value) for i in r.identifiers] == [
        ("aircraft_serial", "8401"),
        ("aircraft_serial", "1023409321"),
    ]
    assert r.relations == (Relation("operator", "YAS AIR"), Relation("linked_to", "POUYA AIR"))
    assert ("Aircraft Model", "IL76-TD") in r.facts


def test_secondary_sanctions_and_weak_alias() -> None:
    # 9647 ZAHHAR (consolidated)
    r = parse_remarks(
        "DOB 1945; POB Gaza Strip; nationality Palestinian; Gender Male; Secondary sanctions risk: "
        "section 1(b) of Executive Order 13224, as amended by Executive Order 13886; a.k.a. "
        "'ZAHAR, Mahmoud'; a.k.a. 'AL-ZAHAR, Mahmoud'; Linked To: HAMAS."
    )
    assert [n.value for n in r.names if n.kind == NameKind.WEAK_ALIAS] == [
        "ZAHAR, Mahmoud",
        "AL-ZAHAR, Mahmoud",
    ]
    assert r.sanctions_notes == (
        "Secondary sanctions risk: section 1(b) of Executive Order 13224, as amended by "
        "Executive Order 13886",
    )
    assert r.nationalities == ("ps",)
    assert r.relations == (Relation("linked_to", "HAMAS"),)


def test_transactions_prohibited_note() -> None:
    text = (
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: "
        "North Korea Sanctions Regulations section 510.214"
    )
    assert parse_remarks(text).sanctions_notes == (text,)


def test_titles() -> None:
    # 15552 FAZLI, Ali
    r = parse_remarks(
        "DOB 20 Apr 1961; alt. DOB 1951; POB Sarkan, Hamedan Province, Iran; Rank Brigadier "
        "General; Title Basij Deputy Commander."
    )
    assert r.titles == ("Basij Deputy Commander",)
    assert r.remarks == ("Rank Brigadier General",)


def test_final_full_stop_of_an_abbreviation_stays() -> None:
    assert split_segments("Linked To: R D I S.A.") == ["Linked To: R D I S.A."]
    assert split_segments("Linked To: HIZBALLAH.") == ["Linked To: HIZBALLAH"]
    r = parse_remarks("Linked To: LE CLAUDE, S.A. DE C.V.")
    assert r.relations == (Relation("linked_to", "LE CLAUDE, S.A. DE C.V."),)


def test_semicolon_without_space_still_separates() -> None:
    segments = split_segments("DOB 1971; nationality possibly Palestinian;arrested 23 Apr 2002.")
    assert segments == ["DOB 1971", "nationality possibly Palestinian", "arrested 23 Apr 2002"]
    # an uncertain nationality is not asserted as a country, it stays as text
    r = parse_remarks("nationality possibly Palestinian;arrested 23 Apr 2002.")
    assert r.countries == ()
    assert r.remarks == ("nationality possibly Palestinian", "arrested 23 Apr 2002")


def test_identifier_country_after_a_comma() -> None:
    # 11313 quotes a second passport in a non-standard style
    r = parse_remarks("National ID No.: 1372584, Kenya")
    assert r.identifiers == (Identifier("national_id", "1372584", "ke", "National ID No."),)


def test_truncated_field_does_not_read_its_cut_tail() -> None:
    # 28264 in an SDN.CSV without SDN_COMMENTS.CSV: the field stops at "...; P"
    text = (
        "DOB 10 Jan 1987; nationality China; Secondary sanctions risk: North Korea Sanctions "
        "Regulations, sections 510.201 and 510.210; Passport 12"
    )
    r = parse_remarks(text, truncated=True)
    assert r.identifiers == ()
    assert r.remarks == ("Passport 12 […]",)
    assert parse_remarks(text).identifiers[0].value == "12"
