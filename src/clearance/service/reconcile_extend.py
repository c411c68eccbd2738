"""Data extension: property values of reconciled entities, for new OpenRefine columns."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from clearance.service.deps import Services
from clearance.service.reconcile_queries import Where, invalid, parse_json
from clearance.service.reconcile_vocab import (
    PROPERTIES,
    PROPERTIES_LIST,
    ReconProperty,
    property_values,
)
from clearance.service.reload import Served
from clearance.service.scopes import resolve_scope


class ExtendProperty(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    settings: dict[str, Any] = Field(default_factory=dict)


class ExtendQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ids: list[str]
    properties: list[ExtendProperty]


EXTEND_QUERY: TypeAdapter[ExtendQuery] = TypeAdapter(ExtendQuery)
PROPERTY_SETTINGS: list[dict[str, Any]] = [
    {
        "name": "limit",
        "label": "Limit",
        "type": "number",
        "default": 0,
        "help_text": "Most values per cell (0: all)",
    },
    {
        "name": "render",
        "label": "Countries as",
        "type": "select",
        "default": "label",
        "choices": [{"value": "label", "name": "names"}, {"value": "code", "name": "ISO codes"}],
        "help_text": "Country names (China) or ISO codes (cn)",
    },
]


def _settings(prop: ExtendProperty, loc: list[str | int]) -> tuple[int, bool]:
    raw_limit = prop.settings.get("limit", 0)
    try:
        limit = int(str(raw_limit or 0))
    except ValueError:
        limit = -1
    if limit < 0:
        raise invalid([*loc, "settings", "limit"], f"{raw_limit!r} is not a whole number ≥ 0")
    render = prop.settings.get("render") or "label"
    if render not in ("label", "code"):
        raise invalid([*loc, "settings", "render"], f"{render!r} is not 'label' or 'code'")
    return limit, render == "label"


def extend_rows(
    services: Services, served: Served, dataset: str, text: str, where: Where
) -> dict[str, Any]:
    loc: list[str | int] = [where, "extend"]
    query = parse_json(EXTEND_QUERY, text, loc)
    most = services.config.max_queries
    if len(query.ids) > most:
        raise invalid([*loc, "ids"], f"{len(query.ids)} ids, at most {most} per request")
    scope = resolve_scope(dataset, served.releases)
    wanted: dict[str, tuple[ReconProperty, int, bool]] = {}
    for i, asked in enumerate(query.properties):
        prop = PROPERTIES.get(asked.id)
        if prop is None or not prop.extend:
            known = ", ".join(p.id for p in PROPERTIES_LIST if p.extend)
            raise invalid(
                [*loc, "properties", i, "id"],
                f"{asked.id!r} is not a property; properties: {known}",
            )
        wanted.setdefault(prop.id, (prop, *_settings(asked, [*loc, "properties", i])))
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for entity_id in query.ids:
        found = services.entities.get(served.snapshot_id, entity_id)
        entity = found[0] if found is not None and found[0].dataset in scope else None
        row: dict[str, list[dict[str, str]]] = {}
        for pid, (_prop, limit, labels) in wanted.items():
            values = (
                []
                if entity is None
                else property_values(pid, entity, served.as_of.get(entity.dataset), labels=labels)
            )
            row[pid] = [{"str": v} for v in (values[:limit] if limit else values)]
        rows[entity_id] = row
    return {"meta": [{"id": p.id, "name": p.name} for p, _, _ in wanted.values()], "rows": rows}
