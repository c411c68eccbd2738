"""The facts about listed parties a report needs beyond the hit rows themselves.

A hit row names the listed entity but not its listings or countries; those come
from the snapshot. Looking each entity up once here, rather than in the
template, keeps the report a pure function of its inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from clearance.model import CountryRole, Entity, Listing


@dataclass(frozen=True, slots=True)
class ListedFacts:
    """Per listed entity id: its listings, and the countries the publisher links it to."""

    listings: dict[str, tuple[Listing, ...]] = field(default_factory=dict)
    countries: dict[str, tuple[str, ...]] = field(default_factory=dict)


def listed_facts(
    entity_ids: Iterable[str | None], lookup: Callable[[str], Entity | None]
) -> ListedFacts:
    """Look every distinct entity up once (e.g. with `Screener.entity`).

    Countries are the party's own, as the publisher states them: the codes of
    the strongest role it gives (see COUNTRY_ROLES), so a bank with branches in
    ten countries counts under its jurisdiction when the list names one, and a
    person under their nationality rather than every address. Ids the snapshot
    no longer holds are left out; the report says so per hit.
    """
    facts = ListedFacts()
    for entity_id in dict.fromkeys(i for i in entity_ids if i):
        entity = lookup(entity_id)
        if entity is None:
            continue
        facts.listings[entity_id] = entity.listings
        facts.countries[entity_id] = party_countries(entity)
    return facts


#: which of a party's countries say where it belongs, strongest first
COUNTRY_ROLES = (
    (CountryRole.JURISDICTION, CountryRole.NATIONALITY, CountryRole.CITIZENSHIP, CountryRole.FLAG),
    (CountryRole.ADDRESS,),
    (CountryRole.BIRTH, CountryRole.OTHER),
)


def party_countries(entity: Entity) -> tuple[str, ...]:
    for roles in COUNTRY_ROLES:
        codes = tuple(dict.fromkeys(c.code for c in entity.countries if c.role in roles))
        if codes:
            return codes
    return ()
