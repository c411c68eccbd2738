"""Seeded names of parties that are not listed: what the matcher must not flag.

Two kinds. Ordinary people and companies from many locales and scripts (Faker),
which measure the false alarms a customer file produces day to day; and near
misses built from listed names (a listed company's distinctive word beside other
words, a listed person's given name with another family name), which measure
whether shared words alone drive a match. Any negative whose words are exactly
a listed name's words is dropped: that would be a true match, not a negative.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from faker import Faker

from clearance.evaluation.scripts import compact, match_case, normalise
from clearance.evaluation.variations import (
    DEFAULT_SEED,
    GENERIC_KEYS,
    LEGAL_DISPLAY,
    NameIndex,
    Source,
    distinctive,
    sources_of,
    split_org,
    split_person,
)
from clearance.model import Entity

#: Faker locales: the scripts and naming customs a global customer file holds
LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "nl_NL", "pl_PL", "cs_CZ",
    "ru_RU", "uk_UA", "bg_BG", "tr_TR", "pt_BR", "ro_RO", "hu_HU", "sv_SE", "el_GR", "he_IL",
    "zh_CN", "zh_TW", "ja_JP", "ko_KR", "vi_VN", "id_ID", "th_TH", "hi_IN", "en_IN", "ar_AA",
    "ar_SA", "ar_EG", "fa_IR",
)  # fmt: skip
#: locales whose names are in Latin letters, for the family and given names of near misses
LATIN_LOCALES: tuple[str, ...] = (
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "tr_TR", "pt_BR",
    "sv_SE", "ro_RO",
)  # fmt: skip
#: ordinary trades, to put beside a listed company's distinctive word
BUSINESS_WORDS: tuple[str, ...] = (
    "Bakery", "Dental Care", "Garden Centre", "Consulting", "Furniture", "Textiles", "Pharmacy",
    "Builders", "Motors", "Foods", "Media", "Partners", "Farms", "Printing", "Studios",
    "Clinic", "Hotel", "Travel", "Fitness", "Realty", "Insurance", "Florist", "Books",
    "Catering", "Plumbing", "Coffee", "Apparel", "Toys", "Optics", "Veterinary", "Shoes",
    "Jewellery", "Laundry", "Bicycles", "Music School", "Cosmetics", "Pet Supplies",
    "Auto Repair", "Design", "Photography", "Architects", "Accounting", "Dairy", "Seeds",
    "Tiles", "Paints", "Glassworks", "Timber", "Kitchens", "Opticians",
)  # fmt: skip
KINDS = ("faker_person", "faker_company", "near_miss")


@dataclass(frozen=True, slots=True)
class Negative:
    """A name that is not on any list; `origin` is the locale or how the near miss was made."""

    query: str
    schema: str | None
    kind: str  # "faker_person", "faker_company" or "near_miss"
    origin: str


def _fakers(seed: int, locales: Sequence[str]) -> dict[str, Faker]:
    fakers = {}
    for locale in locales:
        fake = Faker(locale)
        fake.seed_instance(f"{seed}:{locale}")
        fakers[locale] = fake
    return fakers


# --------------------------------------------------------------------------- near misses

NearMiss = Callable[[random.Random, Source, dict[str, Faker]], str | None]


def _org_distinctive_word(
    rng: random.Random, source: Source, fakers: dict[str, Faker]
) -> str | None:
    """One of a listed company's distinctive words, the others replaced by an ordinary trade."""
    org = split_org(source.name)
    words = [w.strip(",") for w in org.core if distinctive(w)]
    if len(words) < 2:
        return None
    kept = rng.choice(words)
    trade = match_case(rng.choice(BUSINESS_WORDS), source.name)
    form = rng.choice(["", "", *LEGAL_DISPLAY["limited"], *LEGAL_DISPLAY["llc"][:2]])
    return " ".join(p for p in (kept, trade, form) if p)


def _org_generic_words(rng: random.Random, source: Source, fakers: dict[str, Faker]) -> str | None:
    """A listed company's generic words and legal form after another party's own name."""
    org = split_org(source.name)
    generic = [w.strip(",") for w in org.core if compact(w) in GENERIC_KEYS]
    if not generic:
        return None
    fake = fakers[rng.choice(LATIN_LOCALES)]
    own = match_case(fake.last_name(), source.name)
    return " ".join([own, *generic, *org.suffix])


def _person_given_name(rng: random.Random, source: Source, fakers: dict[str, Faker]) -> str | None:
    """A listed person's first given name with a family name drawn from another locale."""
    parts = split_person(source.name)
    if parts is None or not parts[0]:
        return None
    family = match_case(fakers[rng.choice(LATIN_LOCALES)].last_name(), " ".join(parts[1]))
    return f"{parts[0][0]} {family}"


def _person_family_name(rng: random.Random, source: Source, fakers: dict[str, Faker]) -> str | None:
    """A listed person's family name with a given name drawn from another locale."""
    parts = split_person(source.name)
    if parts is None or not parts[1]:
        return None
    given = fakers[rng.choice(LATIN_LOCALES)].first_name()
    return " ".join([given, *(w.strip(",") for w in parts[1])])


NEAR_MISSES: dict[str, tuple[str, NearMiss]] = {
    "org_distinctive_word": ("org", _org_distinctive_word),
    "org_generic_words": ("org", _org_generic_words),
    "person_given_name": ("person", _person_given_name),
    "person_family_name": ("person", _person_family_name),
}


# --------------------------------------------------------------------------- generation


def generate_negatives(
    entities: Iterable[Entity],
    *,
    seed: int = DEFAULT_SEED,
    count: int = 20000,
    near_miss_share: float = 0.2,
    locales: Sequence[str] = LOCALES,
) -> list[Negative]:
    """`count` unlisted names: Faker persons and companies over `locales`, then near misses.

    Persons and companies alternate over the locales so every locale is equally
    present; near misses make up `near_miss_share`, split evenly over their kinds.
    """
    pool = list(entities)
    index = NameIndex(pool)
    rng = random.Random(f"{seed}:negatives")
    fakers = _fakers(seed, sorted(set(locales) | set(LATIN_LOCALES)))
    seen: set[str] = set()
    out: list[Negative] = []

    def keep(query: str, schema: str | None, kind: str, origin: str) -> bool:
        query = " ".join(query.split())
        norm = normalise(query)
        if not norm or norm in seen or norm in index:
            return False
        if index.has_token_set(query) or index.has_core_words(query):
            return False  # the same words as a listed name (legal forms aside): a true match
        seen.add(norm)
        out.append(Negative(query, schema, kind, origin))
        return True

    near_quota = round(count * near_miss_share)
    _near_misses(pool, rng, fakers, near_quota, keep)
    faker_quota = count - len(out)
    attempts = 0
    made = 0
    while made < faker_quota and attempts < faker_quota * 3:
        locale = locales[attempts % len(locales)]
        fake = fakers[locale]
        person = (attempts // len(locales)) % 20 < 11  # 55% persons, 45% companies
        attempts += 1
        if person:
            made += keep(fake.name(), "Person", "faker_person", locale)
        else:
            made += keep(_company(fake, locale, rng), "Company", "faker_company", locale)
    return out


#: Faker lists of real companies (Gazprom, Tehran-listed firms): some are sanctioned
_REAL_COMPANY_LISTS = ("large_companies", "company_names")
#: words to make up a company name where a locale only offers real ones
_COMPANY_WORDS = {"fa_IR": ("شرکت", "گروه", "بازرگانی", "صنایع")}


@cache
def _real_companies(locale: str) -> frozenset[str]:
    try:
        module = importlib.import_module(f"faker.providers.company.{locale}")
    except ImportError:
        return frozenset()
    provider = getattr(module, "Provider", None)
    names: set[str] = set()
    for attribute in _REAL_COMPANY_LISTS:
        names.update(getattr(provider, attribute, ()))
    return frozenset(names)


def _company(fake: Faker, locale: str, rng: random.Random) -> str:
    """A made-up company name: Faker's, unless it drew a real company from its lists."""
    real = _real_companies(locale)
    for _ in range(5):
        name = fake.company()
        if name not in real:
            return name
    words = _COMPANY_WORDS.get(locale, ("Group", "Holding", "Trading"))
    return f"{rng.choice(words)} {fake.last_name()}"


def _near_misses(
    entities: Sequence[Entity],
    rng: random.Random,
    fakers: dict[str, Faker],
    quota: int,
    keep: Callable[[str, str | None, str, str], bool],
) -> None:
    """Near misses, evenly over their kinds, each from a different listed name."""
    latin = [s for s in sources_of(entities) if s.script == "Latin"]
    per_kind = -(-quota // len(NEAR_MISSES))
    made = 0
    for method, (kind, build) in NEAR_MISSES.items():
        candidates = [s for s in latin if s.kind == kind]
        rng.shuffle(candidates)
        count = 0
        for source in candidates:
            if count >= per_kind or made >= quota:
                break
            query = build(rng, source, fakers)
            schema = "Person" if kind == "person" else "Company"
            if query and keep(query, schema, "near_miss", f"{method}:{source.entity_id}"):
                count += 1
                made += 1
