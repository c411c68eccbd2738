"""The yente 5.x API: /match, /search, /entities, /catalog, /algorithms.

Paths, parameters and JSON shapes follow yente's routers and response models
(yente/routers/match.py, search.py; yente/data/common.py), so code written
against yente or OpenSanctions — yente-client among it — works unchanged. What
differs is said in the OpenAPI descriptions: one algorithm (ours), and the
default threshold is ours (0.80, measured by `clearance evaluate`), not 0.70.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from clearance.cases import Party as CaseParty
from clearance.cases import hooks
from clearance.screening import MAX_LIMIT, Hit, QueryError
from clearance.service.deps import ERRORS, NOT_FOUND, Caller, ServicesDep, Snapshot
from clearance.service.ftm_json import (
    QUERY_IDENTIFIER_PROPS,
    QUERY_SCHEMA,
    Timeline,
    entity_json,
    ftm_schema,
)
from clearance.service.reload import Served
from clearance.service.scopes import COLLECTIONS, collection_members, resolve_scope
from clearance.sources.registry import DATASETS

router = APIRouter(tags=["yente-compatible"], responses=ERRORS)

ALGORITHM = "clearance-v1"
AlgorithmName = Literal["clearance-v1", "best", "default"]
QuerySchema = Literal[
    "Person", "Organization", "PublicBody", "Company", "LegalEntity", "Vessel", "Airplane"
]
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
NAME_PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
COUNTRY_PROPS = ("nationality", "citizenship", "jurisdiction", "country", "birthCountry", "flag")
#: the QueryError field -> the FtM property it came from
_ERROR_PROP = {"name": "name", "birth_date": "birthDate", "country": "country"}


class EntityExample(BaseModel):
    """One query entity: a schema and FtM properties (a value or a list of values)."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    id: str | None = None
    schema_: QuerySchema = Field(alias="schema", examples=["Person"])
    properties: dict[str, str | list[str]] = Field(
        examples=[{"name": ["Chen Quanguo"], "birthDate": ["1955"], "nationality": ["cn"]}]
    )


class EntityMatchQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    weights: dict[str, float] = Field(default_factory=dict)
    config: dict[str, Any] = Field(default_factory=dict)
    queries: dict[str, EntityExample]


def _values(example: EntityExample, prop: str) -> list[str]:
    value = example.properties.get(prop, [])
    values = [value] if isinstance(value, str) else value
    return [v.strip() for v in values if v.strip()]


def _bad(loc: list[str | int], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def _query_names(key: str, example: EntityExample) -> list[str]:
    names = [v for prop in NAME_PROPS for v in _values(example, prop)]
    if not names:
        parts = [v for prop in NAME_PART_PROPS for v in _values(example, prop)]
        if parts:
            names = [" ".join(parts)]
    if not names:
        raise _bad(
            ["body", "queries", key, "properties", "name"],
            "a query needs a name (name, alias, or firstName/lastName parts)",
        )
    return list(dict.fromkeys(names))


def screen_example(
    served: Served,
    key: str,
    example: EntityExample,
    scope: frozenset[str],
    threshold: float | None,
    limit: int,
) -> list[Hit]:
    """Every name of the query screened; per listed entity the best-scoring name wins."""
    schema = QUERY_SCHEMA[example.schema_]
    names = _query_names(key, example)
    countries = [v for prop in COUNTRY_PROPS for v in _values(example, prop)]
    births = _values(example, "birthDate")
    identifiers = [v for prop in QUERY_IDENTIFIER_PROPS for v in _values(example, prop)]
    best: dict[str, Hit] = {}
    for name in names:
        try:
            hits = served.screener.screen(
                name,
                schema=schema,
                countries=countries,
                birth_date=births[0] if births else None,
                identifiers=identifiers,
                datasets=scope,
                threshold=threshold,
                limit=limit,
            )
        except QueryError as error:
            field, _, message = str(error).partition(": ")
            prop = _ERROR_PROP.get(field, field)
            raise _bad(["body", "queries", key, "properties", prop], message) from None
        for hit in hits:
            kept = best.get(hit.entity_id)
            if kept is None or hit.score > kept.score:
                best[hit.entity_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))


def example_party(key: str, example: EntityExample) -> CaseParty:
    """The query as cases files decisions under: its first name and every other property
    (not its `id`, which a client may make up per request)."""
    births = _values(example, "birthDate")
    return CaseParty(
        name=_query_names(key, example)[0],
        schema=QUERY_SCHEMA[example.schema_],
        countries=tuple(v for prop in COUNTRY_PROPS for v in _values(example, prop)),
        birth_date=births[0] if births else None,
        identifiers=tuple(v for prop in QUERY_IDENTIFIER_PROPS for v in _values(example, prop)),
    )


def parse_since(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def changed_after(timeline: Timeline, since: datetime | None) -> bool:
    if since is None:
        return True
    if timeline.last_change is None:
        return False
    return datetime.fromisoformat(timeline.last_change.replace("Z", "+00:00")) >= since


def scored_json(
    services: ServicesDep, served: Served, hit: Hit, query_name: str
) -> dict[str, Any] | None:
    found = services.entities.get(served.snapshot_id, hit.entity_id)
    if found is None:
        return None
    entity, timeline = found
    data = entity_json(entity, timeline)
    data["score"] = hit.score
    data["match"] = hit.match
    data["explanations"] = {
        ALGORITHM: {
            "score": hit.score,
            "detail": hit.explanation,
            "query": query_name,
            "candidate": hit.matched_name,
            "weight": 1.0,
        }
    }
    return data


def list_versions(served: Served) -> dict[str, dict[str, str | None]]:
    return {
        d: {"release": r, "as_of": served.as_of.get(d)} for d, r in sorted(served.releases.items())
    }


def audit_body(served: Served, query: Any, results: Any) -> dict[str, Any]:
    return {
        "query": query,
        "snapshot": served.snapshot_id,
        "lists": list_versions(served),
        "results": results,
    }


@router.post(
    "/match/{dataset}", responses=NOT_FOUND, summary="Match entities by example (yente /match)"
)
def match(
    dataset: str,
    body: EntityMatchQuery,
    caller: Caller,
    services: ServicesDep,
    served: Snapshot,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Most results per query")] = 5,
    threshold: Annotated[
        float | None, Query(ge=0.0, le=1.0, description="Score for `match` (default 0.80)")
    ] = None,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0, description="Drop results below")] = 0.0,
    algorithm: Annotated[
        AlgorithmName, Query(description="one algorithm; aliases best, default")
    ] = "clearance-v1",
    include_dataset: Annotated[list[str], Query()] = [],  # noqa: B006 - FastAPI reads it
    exclude_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_entity_ids: Annotated[list[str], Query()] = [],  # noqa: B006
    changed_since: Annotated[datetime | None, Query(description="ISO date-time")] = None,
) -> dict[str, Any]:
    if len(body.queries) > services.config.max_queries:
        raise _bad(
            ["body", "queries"],
            f"{len(body.queries)} queries, at most {services.config.max_queries} per request",
        )
    since = parse_since(changed_since)
    scope = resolve_scope(dataset, served.releases, include_dataset, exclude_dataset)
    excluded_schemata = set(exclude_schema)
    excluded_ids = set(exclude_entity_ids)
    filtered = bool(excluded_schemata or excluded_ids or since)
    used = served.screener.default_threshold if threshold is None else threshold
    responses: dict[str, Any] = {}
    audited: dict[str, Any] = {}
    wanted = MAX_LIMIT if filtered else limit
    # cases: cleared false positives answered match false, the decision in the explanation
    checked = hooks.check(
        services.store,
        served.snapshot_id,
        [
            (example_party(key, example), screen_example(served, key, example, scope, used, wanted))
            for key, example in body.queries.items()
        ],
    )
    answered: list[tuple[CaseParty, list[Hit]]] = []
    for (key, example), case in zip(body.queries.items(), checked, strict=True):
        hits = case.hits
        answered.append((case.party, []))
        results: list[dict[str, Any]] = []
        names = _query_names(key, example)
        for hit in hits:
            if len(results) >= limit:
                break
            if hit.score < cutoff or hit.entity_id in excluded_ids:
                continue
            if ftm_schema(hit.schema) in excluded_schemata:
                continue
            data = scored_json(services, served, hit, names[0])
            if data is None or not changed_after(_timeline(data), since):
                continue
            results.append(data)
            answered[-1][1].append(hit)
        query = {
            "id": example.id,
            "schema": example.schema_,
            "properties": {p: _values(example, p) for p in example.properties},
        }
        responses[key] = {
            "status": 200,
            "results": results,
            "total": {"value": len(results), "relation": "eq"},
            "query": query,
        }
        audited[key] = {
            "query": query,
            "results": [{"id": r["id"], "score": r["score"], "match": r["match"]} for r in results],
        }
    seq = services.audit.append(
        caller.name,
        f"POST /match/{dataset}",
        audit_body(served, {"dataset": dataset, "threshold": used}, audited),
    )
    # cases: the match hits returned raise alerts, filed under this audit record
    hooks.raise_for(
        services.store, answered, source="api", source_ref=str(seq), snapshot_id=served.snapshot_id
    )
    return {"responses": responses, "limit": limit}


def _timeline(data: dict[str, Any]) -> Timeline:
    return Timeline(data["first_seen"], data["last_seen"], data["last_change"])


@router.get(
    "/search/{dataset}",
    responses=NOT_FOUND,
    summary="Search listed entities by name (yente /search)",
)
def search(
    dataset: str,
    caller: Caller,
    services: ServicesDep,
    served: Snapshot,
    q: Annotated[str, Query(max_length=500, description="A name; empty lists all")] = "",
    schema: Annotated[QuerySchema | None, Query(description="Only this kind of party")] = None,
    countries: Annotated[list[str], Query()] = [],  # noqa: B006
    include_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query()] = [],  # noqa: B006
    changed_since: Annotated[datetime | None, Query(description="ISO date-time")] = None,
    limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    since = parse_since(changed_since)
    scope = resolve_scope(dataset, served.releases, include_dataset, exclude_dataset)
    ours = None
    if schema is not None:
        ours = QUERY_SCHEMA[schema]
    wanted_countries = {c.lower() for c in countries}
    excluded = set(exclude_schema)
    index = served.screener.index
    if q.strip():
        try:
            hits = served.screener.screen(q, schema=ours, datasets=scope, limit=MAX_LIMIT)
        except QueryError as error:
            field, _, message = str(error).partition(": ")
            raise _bad(["query", "q" if field == "name" else field], message) from None
        ids = [h.entity_id for h in hits]
        info = {row.id: row for row in (index.entities[p] for p in _positions(index, ids))}
    else:
        rows = [row for row in index.entities if row.dataset in scope]
        if ours is not None:
            rows = [row for row in rows if QUERY_SCHEMA.get(ftm_schema(row.schema)) == ours]
        ids = sorted(row.id for row in rows)
        info = {row.id: row for row in rows}
    ids = [
        i
        for i in ids
        if i in info
        and ftm_schema(info[i].schema) not in excluded
        and (not wanted_countries or wanted_countries & info[i].countries)
    ]
    results: list[dict[str, Any]] = []
    total = 0
    facet: dict[str, int] = {}
    for entity_id in ids:
        if since is not None:
            found = services.entities.get(served.snapshot_id, entity_id)
            if found is None or not changed_after(found[1], since):
                continue
        total += 1
        facet[info[entity_id].dataset] = facet.get(info[entity_id].dataset, 0) + 1
        if offset < total <= offset + limit:
            found = services.entities.get(served.snapshot_id, entity_id)
            if found is not None:
                results.append(entity_json(found[0], found[1]))
    services.audit.append(
        caller.name,
        f"GET /search/{dataset}",
        audit_body(
            served,
            {"dataset": dataset, "q": q, "schema": schema, "countries": countries},
            [{"id": r["id"]} for r in results],
        ),
    )
    return {
        "results": results,
        "facets": {
            "datasets": {
                "label": "Data sources",
                "values": [
                    {"name": d, "label": _title(d), "count": n} for d, n in sorted(facet.items())
                ],
            }
        },
        "total": {"value": total, "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


def _positions(index: Any, ids: list[str]) -> list[int]:
    wanted = set(ids)
    return [p for p, row in enumerate(index.entities) if row.id in wanted]


def _title(dataset: str) -> str:
    configured = DATASETS.get(dataset)
    return configured.title if configured else dataset


@router.get(
    "/entities/{entity_id}", responses=NOT_FOUND, summary="One listed entity (yente /entities)"
)
def entity(
    entity_id: str,
    caller: Caller,
    services: ServicesDep,
    served: Snapshot,
    nested: Annotated[bool, Query(description="Listings as nested Sanction entities")] = True,
) -> dict[str, Any]:
    found = services.entities.get(served.snapshot_id, entity_id)
    if found is None:
        raise HTTPException(404, f"no such entity: {entity_id!r} in snapshot {served.snapshot_id}")
    return entity_json(found[0], found[1], nested=nested)


@router.get("/catalog", summary="Datasets and collections served (yente /catalog)")
def catalog(caller: Caller, served: Snapshot) -> dict[str, Any]:
    loaded = sorted(served.releases)
    counts: dict[str, int] = {}
    for row in served.screener.index.entities:
        counts[row.dataset] = counts.get(row.dataset, 0) + 1
    datasets: list[dict[str, Any]] = []
    for name in loaded:
        configured = DATASETS.get(name)
        publisher = (
            {"name": configured.publisher, "url": configured.url, "official": True}
            if configured
            else None
        )
        datasets.append(
            {
                "name": name,
                "title": configured.title if configured else name,
                "url": configured.url if configured else None,
                "category": configured.category if configured else "user",
                "publisher": publisher,
                "load": True,
                "version": served.releases[name],
                "index_version": str(served.snapshot_id),
                "index_current": True,
                "entity_count": counts.get(name, 0),
                "children": [],
                "summary": f"as of {served.as_of.get(name) or 'an unstated date'}",
            }
        )
    for name, title in COLLECTIONS.items():
        children = collection_members(name, loaded)
        datasets.append(
            {
                "name": name,
                "title": title,
                "load": True,
                "version": str(served.snapshot_id),
                "index_version": str(served.snapshot_id),
                "index_current": True,
                "entity_count": sum(counts.get(c, 0) for c in children),
                "children": children,
            }
        )
    return {
        "datasets": datasets,
        "current": [*loaded, *COLLECTIONS],
        "outdated": [],
        "index_stale": False,
    }


@router.get("/algorithms", summary="The matching algorithm (yente /algorithms)")
def algorithms(caller: Caller) -> dict[str, Any]:
    return {
        "algorithms": [
            {
                "name": ALGORITHM,
                "description": (
                    "clearance's matcher: names normalised and transliterated from every "
                    "script, tokens aligned in any order with typos, initials and phonetic "
                    "keys, rare tokens weighted up; birth date, country and identifier "
                    "evidence adjust the score. The explanation says why, in words."
                ),
                "docs": {
                    ALGORITHM: {
                        "description": "the whole score, explained in `detail`",
                        "coefficient": 1.0,
                        "url": None,
                    }
                },
            }
        ],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }
