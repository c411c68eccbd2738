"""Word lists rigour does not cover: token-level legal forms, abbreviations, honorifics.

rigour removes legal forms written out in full ("Obshchestvo s ogranichennoi
otvetstvennostiu", "S.A.", "GmbH & Co. KG"); what remains after its pass, and
what sanctions lists actually abbreviate (COMP, GRP, SRVCS), is handled here.
"""

from __future__ import annotations

#: Tokens that only state the legal form of an organisation.
LEGAL_FORM_TOKENS_SHORT = frozenset(
    [
        "co",
        "corp",
        "corporation",
        "company",
        "companies",
        "comp",
        "cos",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "pvt",
        "private",
        "pte",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "sl",
        "slu",
        "ag",
        "kg",
        "gmbh",
        "mbh",
        "ug",
        "bv",
        "nv",
        "ab",
        "as",
        "asa",
        "oy",
        "oyj",
        "aps",
        "kft",
        "zrt",
        "nyrt",
        "doo",
        "dd",
        "ad",
        "ead",
        "ood",
        "eood",
        "sro",
        "as",
        "akciova",
        "ooo",
        "zao",
        "oao",
        "pao",
        "ao",
        "ojsc",
        "cjsc",
        "jsc",
        "pjsc",
        "tov",
        "pp",
        "fze",
        "fzco",
        "fzc",
        "fzllc",
        "jv",
        "ltda",
        "cia",
        "sac",
        "sae",
        "saog",
        "spc",
        "wll",
        "bsc",
        "qsc",
        "kscc",
        "kscp",
        "gongsi",
        "youxian",
        "gufen",
        "zeren",
        "jituan",
        "youxiangongsi",
        "gufenyouxiangongsi",
    ]
)

#: Words of legal forms written out, removed from names (rigour removes whole
#: phrases; a phrase with one misspelt word is removed word by word here).
LEGAL_FORM_WORDS = frozenset(
    """
    limited incorporated corporation company obshchestvo ogranichennoi ogranichennoy
    otvetstvennostyu otvetstvennostiu otvetstvennostju aktsionernoe aktsionernoye otkrytoe
    otkrytoye zakrytoe zakrytoye publichnoe publichnoye tovarishchestvo sociedad anonima
    societe anonyme gesellschaft aktiengesellschaft beschrankter haftung
    """.split()
)
LONG_LEGAL_FORM_WORDS = sorted(w for w in LEGAL_FORM_WORDS if len(w) >= 6)
LEGAL_FORM_TOKENS = LEGAL_FORM_TOKENS_SHORT | LEGAL_FORM_WORDS

#: Abbreviations expanded before comparison, so "INTL TRDG" equals "International Trading".
ABBREVIATIONS = {
    "grp": "group",
    "srvcs": "services",
    "svcs": "services",
    "svc": "service",
    "serv": "services",
    "intl": "international",
    "int'l": "international",
    "tech": "technology",
    "techs": "technologies",
    "mfg": "manufacturing",
    "trdg": "trading",
    "natl": "national",
    "eng": "engineering",
    "engg": "engineering",
    "mgmt": "management",
    "assoc": "association",
    "inds": "industries",
    "bros": "brothers",
    "hldgs": "holdings",
    "hldg": "holding",
    "invt": "investment",
    "elec": "electronics",
    "univ": "university",
    "dept": "department",
    "mfr": "manufacturer",
}

#: Honorifics and ranks that precede or follow a person's name on lists and in queries.
HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "sheikh",
        "shaikh",
        "shaykh",
        "sheik",
        "haji",
        "hajji",
        "hajj",
        "sayyid",
        "sayed",
        "syed",
        "mullah",
        "mulla",
        "maulana",
        "maulvi",
        "mawlawi",
        "imam",
        "ayatollah",
        "hojatoleslam",
        "general",
        "gen",
        "lieutenant",
        "lt",
        "colonel",
        "col",
        "major",
        "maj",
        "captain",
        "capt",
        "brigadier",
        "brig",
        "admiral",
        "adm",
        "commander",
        "cmdr",
        "sergeant",
        "sgt",
        "marshal",
        "excellency",
        "honorable",
        "hon",
        "rev",
        "reverend",
        "engr",
    ]
)

#: Legal forms in Han, Kana and Hangul, longest first (checked at the start or end of a name).
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "集团有限公司",
    "集團有限公司",
    "有限公司",
    "集团公司",
    "株式会社",
    "주식회사",
    "公司",
    "集团",
    "集團",
)

#: leading articles of organisation names ("The IRGC"), dropped when more words follow
ARTICLES = frozenset({"the", "la", "le", "les", "los", "las", "il", "der", "die", "das"})

#: words that describe a business rather than name it; their weight is capped
#: low so that "Technology", "Trading" or "International" barely count
GENERIC_WORDS = frozenset(
    """
    technology technologies tech trading trade traders international global group holding
    holdings industries industry industrial import export imports exports services service
    enterprise enterprises general development investment investments management
    manufacturing engineering electronics electronic systems solutions logistics shipping
    consulting partners resources energy products supply network networks digital science
    sciences research institute center centre company corporation limited new world
    """.split()
)
