"""Reconciliation query batches: parsed, checked, screened, answered as candidates.

A batch is JSON in one parameter, so its errors name the parameter and the place
inside it (`queries.q0.properties.1.v`), as FastAPI does for a JSON body. Each
query is screened through the Screener like a `/match` query, and the batch is
written to the audit log before it is answered.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from clearance.screening import MAX_LIMIT, Hit, QueryError, parse_birth_date
from clearance.service.auth import Principal
from clearance.service.deps import Services
from clearance.service.reconcile_vocab import (
    PROPERTIES,
    PROPERTIES_LIST,
    QUERY_TYPES,
    TYPES_BY_ID,
    describe,
)
from clearance.service.reload import Served
from clearance.service.scopes import resolve_scope
from clearance.service.yente_api import audit_body
from clearance.sources.common import country_code

DEFAULT_LIMIT = 5
FEATURE = "clearance_score"

Where = Literal["query", "body"]
T = TypeVar("T")


class EntityValue(BaseModel):
    """A property value that is itself a reconciled entity."""

    model_config = ConfigDict(extra="ignore")

    id: str
    name: str | None = None


PropertyValue = str | bool | int | float | EntityValue


class PropertyCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pid: str
    v: PropertyValue | list[PropertyValue]


class ReconciliationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, max_length=500)
    type: str | list[str] | None = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    properties: list[PropertyCondition] = Field(default_factory=list)
    type_strict: Literal["any", "should", "all"] | None = None


QUERY_BATCH: TypeAdapter[dict[str, ReconciliationQuery]] = TypeAdapter(
    dict[str, ReconciliationQuery]
)


def invalid(loc: list[str | int], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def parse_json(adapter: TypeAdapter[T], text: str, loc: list[str | int]) -> T:
    """Parse a JSON parameter; errors name the parameter and the place inside it."""
    try:
        return adapter.validate_json(text)
    except ValidationError as error:
        raise RequestValidationError(
            [
                {
                    "loc": [*loc, *e["loc"]],
                    "msg": e["msg"] if e["loc"] else f"{loc[-1]}: {e['msg']}",
                    "type": e["type"],
                }
                for e in error.errors(include_url=False, include_context=False, include_input=False)
            ]
        ) from None


class _Terms:
    """A reconciliation query as the Screener takes it."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.parts: list[str] = []
        self.countries: list[str] = []
        self.births: list[str] = []
        self.identifiers: list[str] = []


def _texts(value: PropertyValue | list[PropertyValue], loc: list[str | int]) -> list[str]:
    values = value if isinstance(value, list) else [value]
    texts = []
    for item in values:
        if isinstance(item, bool):
            raise invalid(loc, "a true/false value says nothing to match on")
        if isinstance(item, EntityValue):
            text = item.name or item.id
        elif isinstance(item, float) and item.is_integer():
            text = str(int(item))
        else:
            text = str(item)
        if text.strip():
            texts.append(text.strip())
    return texts


def _terms(query: ReconciliationQuery, loc: list[str | int]) -> _Terms:
    terms = _Terms()
    if query.query and query.query.strip():
        terms.names.append(query.query.strip())
    for i, condition in enumerate(query.properties):
        prop = PROPERTIES.get(condition.pid)
        if prop is None or prop.query is None:
            usable = ", ".join(p.id for p in PROPERTIES_LIST if p.query)
            raise invalid(
                [*loc, "properties", i, "pid"],
                f"{condition.pid!r} is not a property a query can match on; use one of: {usable}",
            )
        where = [*loc, "properties", i, "v"]
        for text in _texts(condition.v, where):
            if prop.query == "name":
                terms.names.append(text)
            elif prop.query == "name_part":
                terms.parts.append(text)
            elif prop.query == "birth_date":
                try:
                    terms.births.append(parse_birth_date(text))
                except QueryError as error:
                    raise invalid(where, f"{prop.id}: {str(error).partition(': ')[2]}") from None
            elif prop.query == "country":
                if country_code(text) is None:
                    raise invalid(
                        where, f"{prop.id}: {text!r} is not a known country name or ISO code"
                    )
                terms.countries.append(text)
            else:
                terms.identifiers.append(text)
    if not terms.names and terms.parts:
        terms.names.append(" ".join(terms.parts))
    if not terms.names:
        raise invalid(
            [*loc, "query"],
            "a query needs a name: `query`, or a name, alias, firstName or lastName property",
        )
    return terms


def _schema(query: ReconciliationQuery, loc: list[str | int]) -> str | None:
    """One type narrows the search to its kind of party; several, or none, do not narrow it."""
    given = [query.type] if isinstance(query.type, str) else list(query.type or [])
    schemata = set()
    for type_id in (t.strip() for t in given):
        if not type_id:
            continue
        schema = QUERY_TYPES.get(type_id)
        if schema is None:
            raise invalid(
                [*loc, "type"],
                f"{type_id!r} is not a type of this service; types: {', '.join(TYPES_BY_ID)}",
            )
        schemata.add(schema)
    return schemata.pop() if len(schemata) == 1 else None


def screen_query(
    served: Served,
    query: ReconciliationQuery,
    scope: frozenset[str],
    threshold: float,
    loc: list[str | int],
) -> list[Hit]:
    """Every name of the query screened; per listed entity the best-scoring name wins."""
    terms = _terms(query, loc)
    schema = _schema(query, loc)
    best: dict[str, Hit] = {}
    for name in dict.fromkeys(terms.names):
        try:
            hits = served.screener.screen(
                name,
                schema=schema,
                countries=terms.countries,
                birth_date=terms.births[0] if terms.births else None,
                identifiers=terms.identifiers,
                datasets=scope,
                threshold=threshold,
                limit=query.limit,
            )
        except QueryError as error:
            field, _, message = str(error).partition(": ")
            raise invalid([*loc, "query" if field == "name" else field], message) from None
        for hit in hits:
            kept = best.get(hit.entity_id)
            if kept is None or hit.score > kept.score:
                best[hit.entity_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))[: query.limit]


def type_json(schema: str) -> dict[str, str]:
    kind = TYPES_BY_ID.get(schema)
    return {"id": schema, "name": kind.name if kind else schema}


def candidate_json(served: Served, hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.entity_id,
        "name": hit.caption,
        "description": describe(hit.dataset, hit.lists, hit.as_of or served.as_of.get(hit.dataset)),
        "type": [type_json(hit.schema)],
        "score": round(hit.score * 100, 2),
        "features": [{"id": FEATURE, "value": hit.score}],
        "match": hit.match,
    }


def reconcile_batch(
    services: Services,
    served: Served,
    caller: Principal,
    dataset: str,
    text: str,
    where: Where,
    endpoint: str,
) -> dict[str, Any]:
    loc: list[str | int] = [where, "queries"]
    batch = parse_json(QUERY_BATCH, text, loc)
    if len(batch) > services.config.max_queries:
        raise invalid(
            loc, f"{len(batch)} queries, at most {services.config.max_queries} per request"
        )
    scope = resolve_scope(dataset, served.releases)
    threshold = served.screener.default_threshold
    answer: dict[str, Any] = {}
    audited: dict[str, Any] = {}
    for key, query in batch.items():
        hits = screen_query(served, query, scope, threshold, [*loc, key])
        answer[key] = {"result": [candidate_json(served, hit) for hit in hits]}
        audited[key] = {
            "query": query.model_dump(exclude_none=True),
            "results": [{"id": h.entity_id, "score": h.score, "match": h.match} for h in hits],
        }
    services.audit.append(
        caller.name,
        endpoint,
        audit_body(served, {"dataset": dataset, "threshold": threshold}, audited),
    )
    return answer
