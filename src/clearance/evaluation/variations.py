"""Seeded variations of listed names: the queries the matcher must still connect to their entity.

Each class is one kind of difference between how a party is listed and how a
customer file spells it (a typo, a dropped legal form, a Cyrillic spelling, a
homoglyph), and gets its own recall figure, so a regression in one kind of
matching cannot hide behind the others. Names are drawn evenly from every
dataset and schema present, with a fixed seed, so two runs on the same snapshot
screen exactly the same queries.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from clearance.evaluation import scripts
from clearance.evaluation.scripts import compact, match_case, normalise
from clearance.model import Entity, NameKind

#: every benchmark class and its group, in report order
CLASSES: dict[str, str] = {
    "case_punctuation_spacing_diacritics": "benign",
    "word_order": "benign",
    "typo": "degraded",
    "name_parts": "degraded",
    "legal_forms": "degraded",
    "translit_han": "transliteration",
    "translit_cyrillic": "transliteration",
    "translit_arabic": "transliteration",
    "translit_greek": "transliteration",
    "translit_korean": "transliteration",
    "homoglyph": "evasion",
    "invisible": "evasion",
}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(CLASSES.values()))

DEFAULT_SEED = 20261127

PERSON_SCHEMA = "Person"
ORG_SCHEMATA = ("Organization", "Company")
#: schemata whose names the benchmark varies (vessels and aircraft are not parties)
PARTY_SCHEMATA = ("Person", "Organization", "Company", "LegalEntity")

CHINA = frozenset({"cn", "hk", "tw", "mo"})
KOREA = frozenset({"kp", "kr"})
CIS = frozenset({"ru", "by", "ua", "kz", "kg", "tj", "uz", "tm", "md", "am", "az", "ge", "suhh"})
ARABIC_SCRIPT_COUNTRIES = frozenset(
    {"iq", "sy", "ye", "sa", "ae", "lb", "ly", "sd", "so", "af", "ir", "pk", "eg", "jo", "kw",
     "qa", "bh", "om", "dz", "ma", "tn", "ps", "ml", "mr"}
)  # fmt: skip
ARABIC_NAME_WORDS = frozenset(
    {"al", "el", "abu", "abd", "abdul", "abdel", "bin", "ibn", "bint", "muhammad", "mohammed",
     "mohammad", "muhammed", "ahmad", "ahmed", "ali", "hassan", "hasan", "hussein", "husain",
     "abdullah", "abdallah", "omar", "umar", "khalid", "mahmoud", "mahmud", "yusuf", "ibrahim"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Variation:
    """One benchmark query: screening `query` should find `expected_id`.

    `schema` is what a user would pass for this party (None where the list gives
    no type); run.py passes it for half the queries. `method` says exactly how
    the query was made ("typo:transposition", "cyrillic->latin:german"), so misses
    can be traced to one kind of change.
    """

    query: str
    schema: str | None
    expected_id: str
    klass: str
    source_name: str
    group: str
    method: str = ""


# --------------------------------------------------------------------------- name tables

#: legal forms by meaning: compact token sequences as they appear in names
LEGAL_FORMS: dict[str, tuple[tuple[str, ...], ...]] = {
    "company_limited": (("co", "ltd"), ("company", "limited"), ("company", "ltd"),
                        ("co", "limited"), ("coltd",)),
    "limited": (("limited",), ("ltd",)),
    "company": (("company",), ("co",), ("comp",)),
    "corporation": (("corporation",), ("corp",)),
    "incorporated": (("incorporated",), ("inc",)),
    "llc": (("limited", "liability", "company"), ("llc",), ("ooo",), ("too",), ("tov",),
            ("obshchestvo", "s", "ogranichennoi", "otvetstvennostyu"),
            ("obshchestvo", "s", "ogranichennoy", "otvetstvennostyu")),
    "pjsc": (("public", "joint", "stock", "company"), ("pjsc",), ("pao",),
             ("publichnoe", "aktsionernoe", "obshchestvo")),
    "jsc": (("joint", "stock", "company"), ("open", "joint", "stock", "company"),
            ("closed", "joint", "stock", "company"), ("ojsc",), ("cjsc",), ("jsc",), ("oao",),
            ("zao",), ("ao",), ("aktsionernoe", "obshchestvo"),
            ("otkrytoe", "aktsionernoe", "obshchestvo"),
            ("zakrytoe", "aktsionernoe", "obshchestvo")),
    "llc_native": (("sociedad", "de", "responsabilidad", "limitada"),
                   ("societe", "a", "responsabilite", "limitee"),
                   ("spolka", "z", "ograniczona", "odpowiedzialnoscia"),
                   ("druzhestvo", "s", "ogranichena", "otgovornost"),
                   ("tovarystvo", "z", "obmezhenoyu", "vidpovidalnistyu"),
                   ("tavarystva", "z", "abmezhavanay", "adkaznastsyu")),
    "gmbh": (("gesellschaft", "mit", "beschrankter", "haftung"), ("gmbh",)),
    "sa": (("sociedad", "anonima"), ("societe", "anonyme"), ("s", "a"), ("sa",),
           ("sa", "de", "cv"), ("s", "a", "de", "c", "v")),
    "srl_cv": (("s", "de", "rl", "de", "cv"), ("s", "de", "r", "l", "de", "c", "v"),
               ("s", "de", "rl")),
    "plc": (("public", "limited", "company"), ("plc",)),
    "ag": (("aktiengesellschaft",), ("ag",)),
    "pte_ltd": (("pte", "ltd"), ("pvt", "ltd"), ("private", "limited")),
    "sdn_bhd": (("sdn", "bhd"),),
    "fze": (("fze",), ("fzco",), ("fzc",), ("fz", "llc")),
    "other": (("sarl",), ("srl",), ("spa",), ("bv",), ("nv",), ("llp",), ("sas",), ("kg",),
              ("oy",), ("oyj",), ("ab",), ("kft",), ("sro",), ("doo",), ("ood",), ("ead",),
              ("ltda",), ("sal",), ("sae",), ("wll",), ("pty", "ltd"), ("bhd",), ("tbk",),
              ("sl",), ("se",), ("ug",), ("eood",), ("zrt",), ("nyrt",), ("as",), ("pt",),
              ("ohg",), ("eg",), ("e", "g"), ("gbr",), ("ev",), ("e", "v"), ("kgaa",), ("ek",),
              ("snc",), ("sca",), ("a", "s"), ("a", "e"), ("s", "r", "o"), ("sp", "z", "o", "o"),
              ("bt",), ("hb",), ("cv",), ("cong", "ty", "tnhh"), ("tnhh",), ("mtv",),
              ("s", "a", "r", "l"), ("s", "r", "l"), ("s", "p", "a"), ("s", "l"), ("lda",)),
}  # fmt: skip
#: how each legal form may be written instead (same meaning, other spelling or language)
LEGAL_DISPLAY: dict[str, tuple[str, ...]] = {
    "company_limited": ("CO., LTD.", "CO LTD", "Co. Ltd.", "Company Limited", "Co.,Ltd.",
                        "COMPANY LTD"),
    "limited": ("LIMITED", "LTD", "Ltd."),
    "company": ("COMPANY", "CO.", "Co", "COMP"),
    "corporation": ("CORPORATION", "CORP.", "Corp"),
    "incorporated": ("INC.", "Inc", "INCORPORATED"),
    "llc": ("LLC", "L.L.C.", "Limited Liability Company", "OOO", "ООО"),
    "pjsc": ("PJSC", "PAO", "ПАО", "Public Joint Stock Company"),
    "jsc": ("JSC", "Joint Stock Company", "AO", "АО", "OAO"),
    "gmbh": ("GmbH", "GMBH", "Gesellschaft mit beschränkter Haftung"),
    "sa": ("S.A.", "SA", "Sociedad Anónima", "Société Anonyme"),
    "plc": ("PLC", "Public Limited Company"),
    "ag": ("AG", "Aktiengesellschaft"),
    "pte_ltd": ("PTE LTD", "Pte. Ltd.", "Private Limited"),
    "sdn_bhd": ("SDN BHD", "Sdn. Bhd."),
}  # fmt: skip
#: legal forms a company may as well carry in another registry (Ltd / Co. Ltd / Inc …)
LEGAL_RELATED = ("company_limited", "limited", "company", "corporation", "incorporated", "llc")
#: forms placed before the name ("OOO Zaliv") when a Russian-style form is chosen
PREFIX_FORMS = frozenset({"OOO", "ООО", "PAO", "ПАО", "AO", "АО", "OAO", "JSC", "PJSC"})
CHINESE_FORMS = ("有限公司", "股份有限公司", "有限责任公司")

#: generic words that describe a business but never identify it
GENERIC_WORDS: tuple[str, ...] = (
    "Technology", "Technologies", "Trading", "International", "Group", "Holding", "Holdings",
    "Industrial", "Industries", "Services", "Enterprises", "General Trading", "Import Export",
    "Global", "Development", "Investment", "Engineering", "Logistics", "Electronics",
)  # fmt: skip
GENERIC_KEYS = frozenset(compact(w) for g in GENERIC_WORDS for w in g.split()) | {
    "digital", "science", "sciences", "company", "industry", "manufacturing", "shipping",
    "management", "systems", "solutions", "equipment", "materials", "products", "research",
    "institute", "center", "centre", "factory", "national", "general", "import", "export",
}  # fmt: skip
#: word <-> abbreviation as companies write them
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "company": ("CO.", "COMP"), "corporation": ("CORP.", "CORP"), "limited": ("LTD",),
    "group": ("GRP",), "services": ("SRVCS", "SVCS"), "service": ("SVC",),
    "international": ("INTL", "INT'L"), "technology": ("TECH",), "technologies": ("TECH",),
    "industries": ("INDS",), "industrial": ("IND",), "manufacturing": ("MFG",),
    "engineering": ("ENG", "ENGG"), "trading": ("TRDG",), "association": ("ASSN",),
    "brothers": ("BROS",), "development": ("DEV",), "electronics": ("ELEC",),
    "management": ("MGMT", "MGT"), "shipping": ("SHPG",), "national": ("NATL",),
    "equipment": ("EQUIP",), "university": ("UNIV",), "institute": ("INST",),
    "department": ("DEPT",), "holding": ("HLDG",), "holdings": ("HLDGS",),
    "enterprises": ("ENTS",), "research": ("RES",), "academy": ("ACAD",),
}  # fmt: skip
EXPANSIONS: dict[str, str] = {
    compact(abbr): word for word, abbrs in ABBREVIATIONS.items() for abbr in abbrs
}
STOPWORDS = frozenset({"of", "the", "and", "for", "de", "del", "la", "le", "des", "du", "y", "et"})
ORG_HINTS = (
    frozenset(k for forms in LEGAL_FORMS.values() for form in forms for k in form)
    | GENERIC_KEYS
    | frozenset(
        {"bank", "ministry", "bureau", "academy", "university", "office", "committee",
         "association", "agency", "school", "college", "hospital", "laboratory", "lab",
         "department", "plant", "works", "aviation", "aerospace", "electric", "semiconductor",
         "microelectronics", "network", "communications", "telecom", "security", "police",
         "army", "force", "corps", "military", "government", "municipal", "public", "state",
         "council", "party", "foundation", "organization", "organisation", "front", "brigade",
         "battalion", "movement", "center", "shipyard", "airlines", "airline",
         "oil", "gas", "energy", "petroleum", "mining", "chemical", "pharmaceutical", "trust",
         "fund", "exchange", "media", "television", "radio", "press", "hotel", "club"}
    )
)  # fmt: skip
HONORIFICS: tuple[str, ...] = (
    "Mr", "Mr.", "Mrs", "Ms.", "Dr", "Dr.", "Sheikh", "Shaikh", "Haji", "Hajji", "Mullah",
    "Maulvi", "Maulana", "General", "Gen.", "Colonel", "Col.", "Lt. Gen.", "Major", "Captain",
    "Prof.", "Professor", "Eng.", "Sir", "H.E.", "His Excellency", "Imam", "Mufti", "Admiral",
    "Brigadier", "Commander", "Judge", "Senator", "Minister",
)  # fmt: skip
HONORIFIC_KEYS = frozenset(normalise(h) for h in HONORIFICS) | {"mrs", "ms", "lt", "gen"}
EXTRA_NAME_PARTS: tuple[str, ...] = (
    "Ali", "Ahmad", "Maria", "John", "Jose", "Ivan", "Mohammed", "Hassan", "Anna", "Peter",
    "Abdul", "Juan", "Carlos", "Hussein", "Omar", "Luis", "Sergei", "Ibrahim", "Yusuf", "Antonio",
)  # fmt: skip
#: English words made only of pinyin syllables, which must not be re-spaced as pinyin
ENGLISH_PINYIN = frozenset({"china", "panda", "mini", "taxi", "bali", "gene", "lima", "sierra"})


_NOT_CORE = (
    frozenset(k for forms in LEGAL_FORMS.values() for form in forms for k in form)
    | GENERIC_KEYS
    | STOPWORDS
    | HONORIFIC_KEYS
)


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class Source:
    """One listed name of one party, with what the generators need to know about it."""

    entity_id: str
    dataset: str
    schema: str
    kind: str  # "person", "org" or "unknown" (an untyped row that looks like neither)
    name: str
    script: str
    countries: frozenset[str]
    #: per word, its pinyin syllables if the party is Chinese and the word reads as pinyin
    pinyin: tuple[tuple[str, ...] | None, ...] = ()

    @property
    def query_schema(self) -> str | None:
        if self.schema != "LegalEntity":
            return self.schema
        return {"person": PERSON_SCHEMA, "org": "Company"}.get(self.kind)


def party_kind(entity: Entity, name: str) -> str:
    """Person or organisation; untyped rows (LegalEntity) are guessed from their words."""
    if entity.schema == PERSON_SCHEMA:
        return "person"
    if entity.schema in ORG_SCHEMATA:
        return "org"
    words = normalise(name).split()
    if any(w in ORG_HINTS for w in words):
        return "org"
    tokens = name.split()
    if 2 <= len(tokens) <= 4 and all(re.fullmatch(r"[^\W\d_][\w.'-]*,?", t) for t in tokens):
        return "person"
    return "unknown"


def _words_elsewhere(entities: Sequence[Entity]) -> set[str]:
    """Words used at least twice in names of parties with no tie to China ("marine", "asia").

    Many English words happen to spell pinyin syllables; a word the lists also use
    for non-Chinese parties is not a romanised Chinese word and must not be re-spaced.
    """
    counts: dict[str, int] = defaultdict(int)
    for entity in entities:
        if any(c.code in CHINA for c in entity.countries):
            continue
        for name in entity.names:
            for word in set(normalise(name.value).split()):
                counts[word] += 1
    return {word for word, count in counts.items() if count >= 2} | ENGLISH_PINYIN


#: syllables that end English words far more often than Chinese ones ("Sensetime", "Aerosun")
_UNLIKELY_PINYIN = frozenset({"a", "e", "o", "me", "se", "te", "ne", "re"})


def _pinyin_of(name: str, foreign: set[str]) -> tuple[tuple[str, ...] | None, ...]:
    out: list[tuple[str, ...] | None] = []
    for token in name.split():
        key = compact(token)
        syllables = scripts.segment_pinyin(re.sub(r"[,.]", "", token))
        if syllables and len(syllables) > 1:
            english = syllables[-1] in _UNLIKELY_PINYIN or any(s in "aeo" for s in syllables[1:])
            if key in foreign or english:
                syllables = None
        out.append(tuple(syllables) if syllables else None)
    return tuple(out)


def sources_of(entities: Iterable[Entity]) -> list[Source]:
    """Every name the benchmark may vary: parties only, weak aliases and fragments left out."""
    pool = sorted(entities, key=lambda e: e.id)
    foreign = _words_elsewhere(pool)
    out: list[Source] = []
    for entity in pool:
        if entity.schema not in PARTY_SCHEMATA:
            continue
        countries = frozenset(c.code for c in entity.countries)
        seen: set[str] = set()
        for name in entity.names:
            value = name.value.strip()
            if name.kind == NameKind.WEAK_ALIAS or value in seen or len(value) > 100:
                continue
            if name.script in ("Mixed", "Common", "") or sum(c.isalpha() for c in value) < 3:
                continue
            if entity.schema == PERSON_SCHEMA and "(" in value:
                continue  # "X (previously listed as)", "X son of Y (…)": notes, not names
            if any(unicodedata.category(c) == "Cc" for c in value):
                continue  # mis-decoded bytes (U+0092 for an apostrophe): not a name to vary
            seen.add(value)
            out.append(
                Source(
                    entity_id=entity.id,
                    dataset=entity.dataset,
                    schema=entity.schema,
                    kind=party_kind(entity, value),
                    name=value,
                    script=name.script,
                    countries=countries,
                    pinyin=_pinyin_of(value, foreign)
                    if countries & CHINA and name.script == "Latin"
                    else (),
                )
            )
    return out


class NameIndex:
    """Every listed name, normalised, so generated queries can stay clear of other parties."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.names: dict[str, set[str]] = defaultdict(set)
        self.token_sets: set[frozenset[str]] = set()
        self.core_token_sets: set[frozenset[str]] = set()
        for entity in entities:
            for name in entity.names:
                norm = normalise(name.value)
                if norm:
                    self.names[norm].add(entity.id)
                    self.token_sets.add(frozenset(norm.split()))
                    self.core_token_sets.add(core_words(norm))

    def __contains__(self, norm: object) -> bool:
        return norm in self.names

    def has_token_set(self, text: str) -> bool:
        """Whether a listed name has exactly these words, in any order."""
        return frozenset(normalise(text).split()) in self.token_sets

    def has_core_words(self, text: str) -> bool:
        """Whether a listed name has these words once legal forms, generic words and titles go."""
        return core_words(normalise(text)) in self.core_token_sets


# --------------------------------------------------------------------------- name structure


def core_words(norm: str) -> frozenset[str]:
    """The words of a normalised name that identify it (all of them if none would be left)."""
    words = norm.split()
    core = frozenset(w for w in words if w not in _NOT_CORE)
    return core or frozenset(words)


def split_person(name: str) -> tuple[list[str], list[str], str] | None:
    """(given names, family names, style) of a person's name as the lists write it.

    "MADURO MOROS, Nicolas" (comma), "Yong Son JANG" (family in capitals), else the
    last word is taken as the family name ("plain").
    """
    if "," in name:
        head, _, tail = name.partition(",")
        family = head.split()
        given = tail.replace(",", " ").split()
        if family and given:
            return given, family, "comma"
        return None
    tokens = name.split()
    if len(tokens) < 2:
        return None
    caps = [t.isupper() and sum(c.isalpha() for c in t) > 1 for t in tokens]
    if any(caps) and not all(caps):
        family = [t for t, c in zip(tokens, caps, strict=True) if c]
        given = [t for t, c in zip(tokens, caps, strict=True) if not c]
        return given, family, "caps"
    return tokens[:-1], tokens[-1:], "plain"


def join_person(given: Sequence[str], family: Sequence[str], style: str) -> str:
    if style == "comma":
        return f"{' '.join(family)}, {' '.join(given)}"
    if style == "caps":
        return " ".join([*given, *family])
    return " ".join([*given, *family])


@dataclass(frozen=True, slots=True)
class OrgName:
    """An organisation name cut into legal form before, core words, legal form after."""

    prefix: list[str]
    core: list[str]
    suffix: list[str]
    prefix_form: str | None
    suffix_form: str | None


def _match_form(keys: Sequence[str]) -> tuple[str, int] | None:
    """The longest legal form that `keys` starts with: (its meaning, its token count)."""
    best: tuple[str, int] | None = None
    for meaning, forms in LEGAL_FORMS.items():
        for form in forms:
            if tuple(keys[: len(form)]) == form and (best is None or len(form) > best[1]):
                best = (meaning, len(form))
    return best


#: first words of legal forms written before the name ("OOO Zaliv", "Limited Liability Company X")
_PREFIX_STARTS = frozenset(
    {"ooo", "oao", "zao", "ao", "pao", "jsc", "pjsc", "ojsc", "cjsc", "obshchestvo", "aktsionernoe",
     "otkrytoe", "zakrytoe", "publichnoe", "open", "closed", "joint", "limited", "public", "llc",
     "tov", "too", "pt"}
)  # fmt: skip


def split_org(name: str) -> OrgName:
    tokens = name.split()
    keys = [compact(t) for t in tokens]
    prefix_form = suffix_form = None
    start, end = 0, len(tokens)
    found = _match_form(keys)
    if found and found[1] < len(tokens) and keys[0] in _PREFIX_STARTS:
        prefix_form, start = found[0], found[1]
    for size in range(min(7, end - start - 1), 0, -1):
        tail = keys[end - size : end]
        hit = _match_form(tail)
        if hit and hit[1] == size:
            suffix_form, end = hit[0], end - size
            break
    return OrgName(tokens[:start], tokens[start:end], tokens[end:], prefix_form, suffix_form)


def distinctive(token: str) -> bool:
    key = compact(token)
    return bool(key) and key not in ORG_HINTS and key not in STOPWORDS and not key.isdigit()


def _clean_tail(tokens: list[str]) -> list[str]:
    """Drop a dangling comma left where a legal form was cut off ("ACME," -> "ACME")."""
    if tokens:
        tokens = [*tokens[:-1], tokens[-1].rstrip(",")]
    return [t for t in tokens if t]


# --------------------------------------------------------------------------- benign


def _vary_case(rng: random.Random, text: str) -> str:
    options = [text.lower(), text.upper(), text.title(), text.capitalize()]
    words = text.split(" ")
    options.append(" ".join(w.upper() if rng.random() < 0.5 else w.lower() for w in words))
    options = [o for o in options if o != text]
    return rng.choice(options) if options else text


def _strip_punctuation(rng: random.Random, text: str) -> str:
    joiner = rng.choice([" ", ""])
    out = re.sub(r"[-/]", " " if joiner == " " else "", text)
    out = re.sub(r"[.,;:'\"`’“”„()&]", lambda m: " " if m.group() in "(&" else "", out)
    return " ".join(out.split())


def _add_punctuation(rng: random.Random, text: str) -> str:
    words = text.split()
    if len(words) < 2:
        return text + "."
    i = rng.randrange(len(words) - 1)
    choice = rng.choice(["hyphen", "comma", "period", "quotes"])
    if choice == "hyphen":
        words[i : i + 2] = [words[i] + "-" + words[i + 1]]
    elif choice == "comma" and not words[i].endswith(","):
        words[i] += ","
    elif choice == "period" and len(words[i]) <= 3:
        words[i] += "."
    else:
        words[i + 1] = f'"{words[i + 1]}"'
    return " ".join(words)


_JOINABLE = frozenset(
    {"al", "el", "ul", "ud", "ur", "abu", "abd", "abdul", "bin", "ibn", "van", "von", "de",
     "del", "da", "di", "mc", "mac", "la", "le", "du", "ben", "bou", "ait"}
)  # fmt: skip


def _vary_spacing(rng: random.Random, text: str) -> str:
    words = text.split()
    joinable = [i for i, w in enumerate(words[:-1]) if compact(w) in _JOINABLE]
    choice = rng.choice(["double", "edges", "nbsp", "join", "join"])
    if choice == "join" and joinable:
        i = rng.choice(joinable)
        glue = rng.choice(["", "-"])
        words[i : i + 2] = [words[i] + glue + words[i + 1]]
        return " ".join(words)
    if choice == "edges" or len(words) < 2:
        return f"  {text} "
    i = rng.randrange(1, len(words))
    sep = "  " if choice == "double" else "\u00a0"
    return " ".join(words[:i]) + sep + " ".join(words[i:])


_ACCENTS = {
    "a": "áàäâã", "e": "éèëê", "i": "íïî", "o": "óöôõ", "u": "úüû", "n": "ñ", "c": "ç",
    "s": "şš", "z": "ž", "g": "ğ", "y": "ý",
}  # fmt: skip


def _vary_diacritics(rng: random.Random, text: str) -> str:
    stripped = scripts.strip_diacritics(text)
    if stripped != text:
        return stripped
    positions = [i for i, c in enumerate(text) if c.lower() in _ACCENTS]
    if not positions:
        return text
    chars = list(text)
    for i in rng.sample(positions, min(len(positions), rng.choice([1, 1, 2, 3]))):
        accented = rng.choice(_ACCENTS[chars[i].lower()])
        chars[i] = accented.upper() if chars[i].isupper() else accented
    return "".join(chars)


_BENIGN_OPS: dict[str, Callable[[random.Random, str], str]] = {
    "case": _vary_case,
    "punctuation_removed": _strip_punctuation,
    "punctuation_added": _add_punctuation,
    "spacing": _vary_spacing,
    "diacritics": _vary_diacritics,
}


def vary_benign(rng: random.Random, source: Source) -> tuple[str, str] | None:
    # spacing goes last: the other operations re-split words and would undo it
    ops = sorted(
        rng.sample(sorted(_BENIGN_OPS), rng.choice([1, 1, 2])), key=lambda o: o == "spacing"
    )
    text = source.name
    applied = []
    for op in ops:
        changed = _BENIGN_OPS[op](rng, text)
        if changed != text:
            applied.append(op)
            text = changed
    return (text, "+".join(applied)) if applied else None


def vary_word_order(rng: random.Random, source: Source) -> tuple[str, str] | None:
    if source.kind == "person":
        parts = split_person(source.name)
        if parts is None:
            return None
        given, family, style = parts
        if style == "comma":
            return " ".join([*given, *family]), "family_last"
        if style == "caps":
            order = rng.choice(["family_first", "family_first_comma"])
            if order == "family_first":
                return " ".join([*family, *given]), order
            return f"{' '.join(family)}, {' '.join(given)}", order
        tokens = source.name.split()
        order = rng.choice(["last_to_front", "first_to_back", "comma_inverted"])
        if order == "last_to_front":
            return " ".join([tokens[-1], *tokens[:-1]]), order
        if order == "first_to_back":
            return " ".join([*tokens[1:], tokens[0]]), order
        return f"{tokens[-1]}, {' '.join(tokens[:-1])}", order
    org = split_org(source.name)
    core = _clean_tail(org.core)
    if len(core) < 2:
        return None
    if rng.random() < 0.5:
        core = [*core[1:], core[0]]
        method = "rotated"
    else:
        i = rng.randrange(len(core) - 1)
        core[i], core[i + 1] = core[i + 1], core[i]
        method = "swapped"
    return " ".join([*org.prefix, *core, *org.suffix]), method


# --------------------------------------------------------------------------- degraded

_KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx", "d": "sfe", "f": "dgr",
    "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "ko", "z": "xa", "x": "zcs",
    "c": "xvd", "v": "cbf", "b": "vng", "n": "bmh", "m": "nj",
}  # fmt: skip
_OCR = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("vv", "w"), ("O", "0"), ("o", "0"), ("0", "O"),
    ("l", "1"), ("I", "1"), ("1", "l"), ("S", "5"), ("B", "8"), ("Z", "2"), ("G", "6"),
    ("RN", "M"), ("E", "F"), ("e", "c"), ("h", "b"), ("i", "l"),
)  # fmt: skip
_VOWEL_LETTERS = "aeiouAEIOU"


def _editable_positions(text: str) -> list[int]:
    """Letters inside words of four or more letters, never a word's first letter."""
    positions: list[int] = []
    for match in re.finditer(r"[^\W\d_]+", text):
        if len(match.group()) >= 4:
            positions.extend(range(match.start() + 1, match.end()))
    return positions


def _same_case(char: str, like: str) -> str:
    return char.upper() if like.isupper() else char


def typo_edit(rng: random.Random, text: str) -> tuple[str, str] | None:
    """One typing or reading error at a random place: (new text, kind of error)."""
    positions = _editable_positions(text)
    if not positions:
        return None
    ops: dict[str, list[int]] = {
        "insertion": positions,
        "deletion": positions,
        "substitution": [i for i in positions if text[i].lower() in _KEYBOARD],
        "transposition": [
            i for i in positions[:-1] if text[i + 1].isalpha() and text[i] != text[i + 1]
        ],
        "doubled_letter": positions,
        "dropped_double": [i for i in positions if text[i - 1].lower() == text[i].lower()],
        "dropped_vowel": [i for i in positions if text[i] in _VOWEL_LETTERS],
        "ocr": [i for i in positions for a, _ in _OCR if text.startswith(a, i) and a.isalpha()],
    }
    applicable = sorted(op for op, where in ops.items() if where)
    op = rng.choice(applicable)
    i = rng.choice(ops[op])
    c = text[i]
    if op == "insertion":
        near = _KEYBOARD.get(c.lower(), "aeiou")
        return text[:i] + _same_case(rng.choice(near), c) + text[i:], op
    if op in ("deletion", "dropped_double", "dropped_vowel"):
        return text[:i] + text[i + 1 :], op
    if op == "substitution":
        return text[:i] + _same_case(rng.choice(_KEYBOARD[c.lower()]), c) + text[i + 1 :], op
    if op == "transposition":
        return text[:i] + text[i + 1] + c + text[i + 2 :], op
    if op == "doubled_letter":
        return text[:i] + c + text[i:], op
    confusions = [(a, b) for a, b in _OCR if text.startswith(a, i) and a.isalpha()]
    a, b = rng.choice(confusions)
    return text[:i] + b + text[i + len(a) :], op


def vary_typo(rng: random.Random, source: Source) -> tuple[str, str] | None:
    """One edit on names of 5 to 9 letters, one or two on longer ones.

    A second edit goes to another word, or to the same word only if it has eight
    letters or more: two errors in "FATER" make another name, not a typo.
    """
    letters = sum(c.isalpha() for c in source.name)
    if letters < 5:
        return None
    pieces = re.split(r"(\s+)", source.name)
    words = [i for i, p in enumerate(pieces) if _editable_positions(p)]
    if not words:
        return None
    first = rng.choice(words)
    targets = [first]
    if letters >= 10 and rng.random() < 0.5:
        others = [i for i in words if i != first]
        if others:
            targets.append(rng.choice(others))
        elif sum(c.isalpha() for c in pieces[first]) >= 8:
            targets.append(first)
    applied = []
    for i in targets:
        edited = typo_edit(rng, pieces[i])
        if edited is None:
            return None
        pieces[i] = edited[0]
        applied.append(edited[1])
    return "".join(pieces), "+".join(applied)


def _initial(word: str) -> str:
    return word[0].upper() + "."


def vary_person_parts(rng: random.Random, source: Source) -> tuple[str, str] | None:
    parts = split_person(source.name)
    if parts is None:
        return None
    given, family, style = parts
    if given and compact(given[0]) in HONORIFIC_KEYS:
        return None
    ops = ["extra_part", "honorific"]
    if len(given) + len(family) >= 3:
        ops.append("missing_part")
    family_letters = sum(c.isalpha() for w in family for c in w)
    if given and family_letters >= 4 and all(w[0].isalpha() for w in given):
        ops += ["initials", "initials"]  # "Y. Yi" would fit any Y-named Yi: not a test
    op = rng.choice(ops)
    if op == "missing_part":
        if len(given) >= 2 and (len(family) < 2 or rng.random() < 0.5):
            given = [w for j, w in enumerate(given) if j != rng.randrange(1, len(given))]
        elif len(family) >= 2:
            drop = rng.randrange(len(family))
            family = [w for j, w in enumerate(family) if j != drop]
            if all(compact(w) in _JOINABLE for w in family):
                return None  # "ABU, Sayyed" is a particle, not a family name
        else:
            return None
        return join_person(given, family, style), op
    if op == "extra_part":
        extra = match_case(rng.choice(EXTRA_NAME_PARTS), source.name)
        given = [*given[:1], extra, *given[1:]]
        return join_person(given, family, style), op
    if op == "honorific":
        title = match_case(rng.choice(HONORIFICS), source.name) if rng.random() < 0.3 else None
        title = title or rng.choice(HONORIFICS)
        return f"{title} {join_person(given, family, style)}", op
    glue = rng.choice([" ", ""])  # "A. K. Khan" or "A.K. Khan"
    if len(given) >= 2 and rng.random() < 0.4:
        initials = f"{given[0]} " + glue.join(_initial(w) for w in given[1:])
        method = "middle_initials"
    else:
        initials = glue.join(_initial(w) for w in given)
        method = "initials"
    family_text = " ".join(w.rstrip(",").title() if rng.random() < 0.5 else w for w in family)
    return f"{initials} {family_text}", method


def vary_org_parts(rng: random.Random, source: Source) -> tuple[str, str] | None:
    org = split_org(source.name)
    core = _clean_tail(org.core)
    droppable = [i for i, w in enumerate(core) if i > 0 and compact(w)]
    remaining_distinctive = [w for w in core if distinctive(w)]
    if len(core) >= 3 and droppable and rng.random() < 0.7:
        i = rng.choice(droppable)
        if distinctive(core[i]) and len(remaining_distinctive) < 3:
            return None  # keep at least two distinctive words: one alone is another party
        core = core[:i] + core[i + 1 :]
        return " ".join([*org.prefix, *core, *org.suffix]), "missing_word"
    if compact(source.name.split()[0]) == "the":
        return " ".join(source.name.split()[1:]), "article_removed"
    return f"{match_case('The', source.name)} {source.name}", "article_added"


def vary_name_parts(rng: random.Random, source: Source) -> tuple[str, str] | None:
    if source.kind == "person":
        return vary_person_parts(rng, source)
    if source.kind == "org":
        return vary_org_parts(rng, source)
    return None


def _styled_form(rng: random.Random, meaning: str, like: str) -> str:
    form = rng.choice(LEGAL_DISPLAY[meaning])
    return form if not form.isascii() or form != form.upper() else match_case(form, like)


def vary_legal_form(rng: random.Random, source: Source) -> tuple[str, str] | None:
    org = split_org(source.name)
    core = _clean_tail(org.core)
    if not any(distinctive(w) for w in core):
        return None
    form_meaning = org.suffix_form or org.prefix_form
    ops = ["generic_added"]
    if form_meaning:
        ops += ["form_removed", "form_replaced", "form_replaced"]
        if form_meaning in LEGAL_DISPLAY:
            ops += ["form_respelled", "form_respelled"]
    else:
        ops += ["form_added", "form_added"]
    keys = [compact(w) for w in core]
    if any(k in ABBREVIATIONS or k in EXPANSIONS for k in keys):
        ops += ["abbreviated", "abbreviated"]
    generic_positions = [i for i, k in enumerate(keys) if k in GENERIC_KEYS]
    if generic_positions and sum(distinctive(w) for w in core) >= 1 and len(core) >= 2:
        ops.append("generic_removed")
    op = rng.choice(ops)
    prefix, suffix = org.prefix, org.suffix
    if op == "form_removed":
        prefix, suffix = [], []
    elif op in ("form_replaced", "form_added", "form_respelled"):
        if op == "form_respelled" and form_meaning:
            meaning = form_meaning
            current = normalise(" ".join(prefix + suffix))
            options = [f for f in LEGAL_DISPLAY[meaning] if normalise(f) != current]
            if not options:
                return None
            form = rng.choice(options)
        else:
            choices = [m for m in LEGAL_RELATED if m != form_meaning]
            meaning = rng.choice(choices)
            form = _styled_form(rng, meaning, source.name)
            if source.countries & CHINA and meaning == "company_limited" and rng.random() < 0.5:
                form = rng.choice(CHINESE_FORMS)
        if form in PREFIX_FORMS and rng.random() < 0.5:
            prefix, suffix = [form], []
        else:
            prefix, suffix = [], [form]
    elif op == "abbreviated":
        positions: list[int] = [
            i for i, k in enumerate(keys) if k in ABBREVIATIONS or k in EXPANSIONS
        ]
        i = rng.choice(positions)
        key = keys[i]
        word = (
            rng.choice(ABBREVIATIONS[key])
            if key in ABBREVIATIONS
            else match_case(EXPANSIONS[key].title(), source.name)
        )
        core = [*core[:i], match_case(word, source.name), *core[i + 1 :]]
    elif op == "generic_added":
        word = match_case(rng.choice(GENERIC_WORDS), source.name)
        core = [*core, word]
    else:
        i = rng.choice(generic_positions)
        core = core[:i] + core[i + 1 :]
        if not any(distinctive(w) for w in core):
            return None
    text = " ".join([*prefix, *core, *suffix])
    if suffix and suffix[0] in CHINESE_FORMS:
        text = " ".join([*prefix, *core]) + suffix[0]
    return text, op


# --------------------------------------------------------------------------- transliteration


def vary_han(rng: random.Random, source: Source) -> tuple[str, str] | None:
    if source.script == "Han":
        words = scripts.han_to_pinyin_words(source.name)
        if not words:
            return None
        style = rng.choice(["syllables", "joined", "words"])
        if style == "syllables":
            text = " ".join(s for w in words for s in w)
        elif style == "joined":
            text = "".join(s.capitalize() for w in words for s in w)
        else:
            text = " ".join("".join(w) for w in words)
        text = text.upper() if rng.random() < 0.5 else text.title()
        return text, f"han->pinyin:{style}"
    segmented = list(source.pinyin)
    tokens = source.name.split()
    if source.kind == "person" and all(segmented):
        parts = split_person(source.name)
        if parts and rng.random() < 0.6:
            given, family, _ = parts
            family_syl = [s for t in family for s in scripts.segment_pinyin(t.strip(",")) or []]
            given_syl = [s for t in given for s in scripts.segment_pinyin(t.strip(",")) or []]
            bare_vowel = any(s in ("a", "e", "o") for s in family_syl + given_syl)
            if family_syl and given_syl and len(family_syl) <= 2 and not bare_vowel:
                han = scripts.pinyin_to_han(family_syl, given_syl)
                if han:
                    return han, "latin->han"
    splittable = [i for i, s in enumerate(segmented) if s and len(s) >= 2]
    joinable = [
        i
        for i in range(len(tokens) - 1)
        if segmented[i]
        and segmented[i + 1]
        and len(segmented[i] or []) == 1
        and not tokens[i].endswith(",")
    ]
    if source.kind == "person":  # join given names only ("Hai Lun"), never given and family
        parts = split_person(source.name)
        given_words = set(parts[0]) if parts else set()
        joinable = [
            i for i in joinable if tokens[i] in given_words and tokens[i + 1] in given_words
        ]
    if splittable and (not joinable or rng.random() < 0.5):
        glue = rng.choice([" ", " ", "-", "'"])
        chosen = splittable if rng.random() < 0.5 else [rng.choice(splittable)]
        out = []
        for i, token in enumerate(tokens):
            syllables = segmented[i]
            if i in chosen and syllables:
                pieces, pos = [], 0
                for syllable in syllables:
                    pieces.append(token[pos : pos + len(syllable)])
                    pos += len(syllable)
                pieces[-1] += token[pos:]
                out.append(glue.join(pieces))
            else:
                out.append(token)
        return " ".join(out), "pinyin:split"
    if joinable:
        i = rng.choice(joinable)
        second = tokens[i + 1].upper() if tokens[i].isupper() else tokens[i + 1].lower()
        tokens[i : i + 2] = [tokens[i] + second]
        return " ".join(tokens), "pinyin:joined"
    return None


def vary_cyrillic(rng: random.Random, source: Source) -> tuple[str, str] | None:
    systems = sorted(scripts.CYRILLIC_SYSTEMS)
    if source.script == "Cyrillic":
        system = rng.choice(systems)
        return scripts.cyrillic_to_latin(source.name, system), f"cyrillic->latin:{system}"
    cyrillic = scripts.latin_to_cyrillic(source.name)
    if rng.random() < 0.6:
        return cyrillic, "latin->cyrillic"
    system = rng.choice([s for s in systems if s != "bgn"])
    relatin = scripts.cyrillic_to_latin(cyrillic, system)
    if normalise(relatin) == normalise(source.name):
        return cyrillic, "latin->cyrillic"
    return relatin, f"latin->cyrillic->latin:{system}"


def vary_arabic(rng: random.Random, source: Source) -> tuple[str, str] | None:
    if source.script == "Arabic":
        system = rng.choice(["consonantal", "vocalised", "vocalised"])
        text = scripts.arabic_to_latin(source.name, system, rng)
        text = text.upper() if rng.random() < 0.4 else text
        return text, f"arabic->latin:{system}"
    return scripts.latin_to_arabic(source.name, rng), "latin->arabic"


def vary_greek(rng: random.Random, source: Source) -> tuple[str, str] | None:
    system = rng.choice(scripts.GREEK_SYSTEMS)
    return scripts.latin_to_greek(source.name, system), f"latin->greek:{system}"


def _korean_parts(source: Source) -> tuple[list[str], list[str]] | None:
    """(family, given) of a Korean person; family first unless the list marks it otherwise."""
    parts = split_person(source.name)
    if parts is None:
        return None
    given, family, style = parts
    if style == "plain":
        tokens = source.name.split()
        family, given = tokens[:1], tokens[1:]
    return family, given


def vary_korean(rng: random.Random, source: Source) -> tuple[str, str] | None:
    parts = _korean_parts(source)
    if parts is None:
        return None
    family, given = parts
    family_syl = [s for t in family for s in scripts.parse_korean_syllables(t.strip(",")) or []]
    given_syl = [s for t in given for s in scripts.parse_korean_syllables(t.strip(",")) or []]
    if len(family_syl) != 1 or not given_syl:
        return None
    hangul_family = scripts.korean_to_hangul(family_syl, rng)
    hangul_given = scripts.korean_to_hangul(given_syl, rng)
    if rng.random() < 0.3:
        return f"{hangul_family} {hangul_given}", "latin->hangul:spaced"
    return hangul_family + hangul_given, "latin->hangul"


# --------------------------------------------------------------------------- evasion


def vary_homoglyph(rng: random.Random, source: Source) -> tuple[str, str] | None:
    positions = [i for i, c in enumerate(source.name) if c in scripts.HOMOGLYPHS]
    if not positions:
        return None
    chars = list(source.name)
    picked = rng.sample(positions, min(len(positions), rng.choice([1, 2, 3])))
    used = set()
    for i in picked:
        look_alike = rng.choice(scripts.HOMOGLYPHS[chars[i]])
        used.add("greek" if "\u0370" <= look_alike <= "\u03ff" else "cyrillic")
        chars[i] = look_alike
    return "".join(chars), "/".join(sorted(used)) + f":{len(picked)}"


def vary_invisible(rng: random.Random, source: Source) -> tuple[str, str] | None:
    inner = [i for i in range(1, len(source.name)) if source.name[i - 1 : i + 1].strip()]
    if not inner:
        return None
    names = sorted(scripts.INVISIBLES)
    chosen = [rng.choice(names) for _ in range(rng.choice([1, 1, 2, 3]))]
    text = source.name
    for name in chosen:
        i = rng.randrange(1, len(text))
        text = text[:i] + scripts.INVISIBLES[name] + text[i:]
    return text, "+".join(chosen)


# --------------------------------------------------------------------------- classes


def _latin(source: Source) -> bool:
    return source.script == "Latin"


def _pinyin_like(source: Source) -> bool:
    if not source.countries & CHINA or not _latin(source) or source.kind == "unknown":
        return False
    segmented = source.pinyin
    if source.kind == "person":
        return all(segmented) and 2 <= sum(len(s or []) for s in segmented) <= 6
    tokens = source.name.split()
    return any(s and len(s) >= 2 for s in segmented) or any(
        segmented[i] and segmented[i + 1] and not tokens[i].endswith(",")
        for i in range(len(tokens) - 1)
    )


def _arabic_origin(source: Source) -> bool:
    words = set(normalise(source.name).split())
    if source.kind == "person":
        return bool(source.countries & ARABIC_SCRIPT_COUNTRIES or words & ARABIC_NAME_WORDS)
    if source.kind == "org":
        org = split_org(source.name)
        english = words & (ORG_HINTS | STOPWORDS | {"in", "on", "to", "from", "with"})
        return not org.suffix and not org.prefix and not english and bool(words & {"al", "el"})
    return False


def _korean_person(source: Source) -> bool:
    if source.kind != "person" or not _latin(source) or not source.countries & KOREA:
        return False
    return all(scripts.parse_korean_syllables(t.strip(",")) for t in source.name.split())


def _greek_candidate(source: Source) -> bool:
    return _latin(source) and source.kind != "unknown" and len(source.name.split()) <= 6


Eligible = Callable[[Source], bool]
Generate = Callable[[random.Random, Source], tuple[str, str] | None]


@dataclass(frozen=True, slots=True)
class VariationClass:
    name: str
    eligible: Eligible
    generate: Generate
    must_change_words: bool  # the normalised words must differ from the source's
    #: names already in the target script on the lists; they supply up to half the class
    native: Eligible | None = None


VARIATION_CLASSES: tuple[VariationClass, ...] = (
    VariationClass("case_punctuation_spacing_diacritics", _latin, vary_benign, False),
    VariationClass(
        "word_order",
        lambda s: _latin(s) and s.kind != "unknown" and len(s.name.split()) >= 2,
        vary_word_order,
        True,
    ),
    VariationClass("typo", _latin, vary_typo, True),
    VariationClass(
        "name_parts", lambda s: _latin(s) and s.kind != "unknown", vary_name_parts, True
    ),
    VariationClass("legal_forms", lambda s: _latin(s) and s.kind == "org", vary_legal_form, True),
    VariationClass(
        "translit_han",
        lambda s: s.script == "Han" or _pinyin_like(s),
        vary_han,
        False,
        native=lambda s: s.script == "Han",
    ),
    VariationClass(
        "translit_cyrillic",
        lambda s: (
            s.script == "Cyrillic" or (_latin(s) and s.kind == "person" and bool(s.countries & CIS))
        ),
        vary_cyrillic,
        False,
        native=lambda s: s.script == "Cyrillic",
    ),
    VariationClass(
        "translit_arabic",
        lambda s: s.script == "Arabic" or (_latin(s) and _arabic_origin(s)),
        vary_arabic,
        False,
        native=lambda s: s.script == "Arabic",
    ),
    VariationClass("translit_greek", _greek_candidate, vary_greek, False),
    VariationClass("translit_korean", _korean_person, vary_korean, False),
    VariationClass("homoglyph", _latin, vary_homoglyph, False),
    VariationClass("invisible", lambda s: True, vary_invisible, False),
)
assert tuple(c.name for c in VARIATION_CLASSES) == tuple(CLASSES)


def _acceptable(query: str, source: Source, klass: VariationClass, index: NameIndex) -> bool:
    """A query must differ from its source and must not be some listed party's name."""
    if query == source.name or not query.strip() or len(query) > 250:
        return False
    norm, source_norm = normalise(query), normalise(source.name)
    if klass.must_change_words and norm == source_norm:
        return False
    return norm == source_norm or norm not in index


def generate_class(
    klass: VariationClass,
    sources: Sequence[Source],
    index: NameIndex,
    *,
    seed: int,
    per_class: int,
    max_passes: int = 3,
) -> list[Variation]:
    """Up to per_class variations of one class, drawn round-robin over (dataset, schema).

    Round-robin keeps a list with thousands of rows from crowding out one with a
    dozen. Names the lists give in the class's own script (Han, Cyrillic, Arabic)
    are the real thing and fill up to half the class before generated scripts do.
    """
    rng = random.Random(f"{seed}:{klass.name}")
    eligible = [s for s in sources if klass.eligible(s)]
    pools = [eligible]
    if klass.native is not None:
        native = klass.native
        pools = [[s for s in eligible if native(s)], [s for s in eligible if not native(s)]]
    out: list[Variation] = []
    seen: set[tuple[str, str]] = set()
    for number, pool in enumerate(pools):
        quota = per_class // 2 if number == 0 and len(pools) > 1 else per_class - len(out)
        out.extend(_draw(klass, pool, index, rng, quota, seen, max_passes))
    return out


def _draw(
    klass: VariationClass,
    sources: Sequence[Source],
    index: NameIndex,
    rng: random.Random,
    quota: int,
    seen: set[tuple[str, str]],
    max_passes: int,
) -> list[Variation]:
    """Round-robin over strata; a small pool gets further passes with new random choices."""
    by_entity: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_entity[source.entity_id].append(source)
    strata: dict[tuple[str, str], list[list[Source]]] = defaultdict(list)
    for entity_id in sorted(by_entity):
        first = by_entity[entity_id][0]
        strata[(first.dataset, first.schema)].append(by_entity[entity_id])
    keys = sorted(strata)
    for key in keys:
        rng.shuffle(strata[key])
    out: list[Variation] = []
    group = CLASSES[klass.name]
    for _ in range(max_passes):
        cursors = dict.fromkeys(keys, 0)
        while len(out) < quota and cursors:
            for key in list(cursors):
                if len(out) >= quota:
                    break
                position = cursors[key]
                if position >= len(strata[key]):
                    del cursors[key]
                    continue
                cursors[key] = position + 1
                source = rng.choice(strata[key][position])
                made = klass.generate(rng, source)
                if made is None:
                    continue
                query, method = made
                if (source.entity_id, query) in seen or not _acceptable(
                    query, source, klass, index
                ):
                    continue
                seen.add((source.entity_id, query))
                out.append(
                    Variation(
                        query=query,
                        schema=source.query_schema,
                        expected_id=source.entity_id,
                        klass=klass.name,
                        source_name=source.name,
                        group=group,
                        method=method,
                    )
                )
        if len(out) >= quota:
            break
    return out


def generate_variations(
    entities: Iterable[Entity],
    *,
    seed: int = DEFAULT_SEED,
    per_class: int = 300,
    classes: Iterable[str] | None = None,
) -> list[Variation]:
    """Variations of every class (or of `classes`), per_class at most each, in class order."""
    pool = list(entities)
    wanted = set(CLASSES if classes is None else classes)
    unknown = wanted - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown variation classes: {', '.join(sorted(unknown))}")
    index = NameIndex(pool)
    sources = sources_of(pool)
    out: list[Variation] = []
    for klass in VARIATION_CLASSES:
        if klass.name in wanted:
            out.extend(generate_class(klass, sources, index, seed=seed, per_class=per_class))
    return out
