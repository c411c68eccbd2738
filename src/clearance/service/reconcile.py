"""The W3C Reconciliation Service API 0.2 at /reconcile/{dataset}, for OpenRefine.

Spec: https://reconciliation-api.github.io/specs/0.2/. There is one service per
dataset scope, as for the yente routes (one per list, and `default`,
`sanctions`, `export_controls`). Reconciliation queries go through the
Screener and into the audit log like `/match` queries, under the same key rules.
This module holds the routes and the manifest; queries are answered in
reconcile_queries, data extension in reconcile_extend, previews in
reconcile_preview, and the types and properties are listed in reconcile_vocab.

Where the spec leaves the choice to the service:
- `score` is 0–100 (our 0..1 score × 100). Older OpenRefine releases show a
  candidate's score rounded to an integer, which would turn 0..1 into 0 or 1,
  and Wikidata, OpenRefine's default service, scores 0–100 too. The 0..1 score
  itself is the `clearance_score` feature, and `match` is our threshold
  decision, which OpenRefine's "auto-match" follows.
- The key: the `Authorization` header, as everywhere, or an `api_key` URL
  parameter, because OpenRefine cannot send headers. The manifest carries
  `api_key` on to the suggest, preview and propose URLs it announces.
  (`clearance serve` logs at warning level, so no request URL reaches a log.)
- POST bodies are read with `urllib.parse` (stdlib) instead of FastAPI's
  `Form`, which would need python-multipart for one url-encoded field.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyQuery

from clearance import __version__
from clearance.screening import QueryError
from clearance.service.auth import Principal
from clearance.service.deps import (
    ERRORS,
    NOT_FOUND,
    ErrorResponse,
    Services,
    ServicesDep,
    Snapshot,
    authorization_header,
    screen_caller,
)
from clearance.service.name_prefix import prefix_entities
from clearance.service.reconcile_extend import PROPERTY_SETTINGS, extend_rows
from clearance.service.reconcile_preview import CSP, HEIGHT, WIDTH, render_preview
from clearance.service.reconcile_queries import Where, invalid, reconcile_batch, type_json
from clearance.service.reconcile_vocab import (
    PROPERTIES_LIST,
    QUERY_TYPES,
    TYPES,
    TYPES_BY_ID,
    dataset_title,
    describe,
    matches_prefix,
    proposed,
)
from clearance.service.reload import Served
from clearance.service.scopes import COLLECTIONS, resolve_scope
from clearance.service.yente_api import audit_body

SUGGEST_LIMIT = 10
MAX_SUGGEST = 50


def _allow_any_origin(response: Response) -> None:
    """The spec requires CORS on every endpoint, so browser clients (the testbench) work.

    Safe with `*`: no cookie authenticates anyone here; a key travels in the
    request itself, and header-borne keys need a preflight nobody answers.
    """
    response.headers["Access-Control-Allow-Origin"] = "*"


router = APIRouter(
    prefix="/reconcile",
    tags=["reconciliation"],
    responses=ERRORS,
    dependencies=[Depends(_allow_any_origin)],
)

api_key_parameter = APIKeyQuery(
    name="api_key",
    auto_error=False,
    description=(
        "The API key in the URL, for clients that cannot send `Authorization` (OpenRefine): "
        "add the service as `…/reconcile/default?api_key=KEY`"
    ),
)


def reconcile_caller(
    request: Request,
    header: Annotated[str | None, Security(authorization_header)],
    api_key: Annotated[str | None, Security(api_key_parameter)],
) -> Principal:
    """The same key, role, anonymous and rate rules as every screening route."""
    if not (header and header.strip()) and api_key:
        header = f"ApiKey {api_key}"
    return screen_caller(request, header)


Caller = Annotated[Principal, Depends(reconcile_caller)]


# --- the endpoint: manifest, queries or extension ------------------------------------


def _scope_title(dataset: str) -> str:
    return COLLECTIONS.get(dataset) or dataset_title(dataset)


def manifest(request: Request, services: Services, served: Served, dataset: str) -> dict[str, Any]:
    resolve_scope(dataset, served.releases)  # 404 for an unknown dataset
    root = str(request.base_url).rstrip("/")
    base = f"{root}/reconcile/{quote(dataset, safe='')}"
    key = request.query_params.get("api_key")
    carried = urlencode({"api_key": key}) if key else ""
    first = f"?{carried}" if carried else ""
    then = f"&{carried}" if carried else ""
    return {
        "versions": ["0.2"],
        "name": f"clearance: {_scope_title(dataset)}",
        "identifierSpace": f"{root}/entities/",
        "schemaSpace": f"{root}/reconcile/types/",
        "documentation": f"{root}/docs",
        "serviceVersion": __version__,
        "defaultTypes": [t.json() for t in TYPES],
        "view": {"url": f"{root}/entities/{{{{id}}}}"},
        "preview": {"url": f"{base}/preview?id={{{{id}}}}{then}", "width": WIDTH, "height": HEIGHT},
        "suggest": {
            kind: {"service_url": base, "service_path": f"/suggest/{kind}{first}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": f"/extend/propose{first}"},
            "property_settings": PROPERTY_SETTINGS,
        },
        "batchSize": services.config.max_queries,
    }


def _answer(
    request: Request,
    services: Services,
    served: Served,
    caller: Principal,
    dataset: str,
    queries: str | None,
    extend: str | None,
    where: Where,
) -> dict[str, Any]:
    if queries is not None and extend is not None:
        raise invalid([where], "send `queries` (reconciliation) or `extend`, not both")
    endpoint = f"{request.method} /reconcile/{dataset}"
    if queries is not None:
        return reconcile_batch(services, served, caller, dataset, queries, where, endpoint)
    if extend is not None:
        return extend_rows(services, served, dataset, extend, where)
    if where == "body":
        raise invalid(["body", "queries"], "a POST needs a `queries` or `extend` form field (JSON)")
    return manifest(request, services, served, dataset)


_QUERIES_HELP = 'A reconciliation query batch (JSON), e.g. {"q0": {"query": "Hikvision"}}'
_EXTEND_HELP = 'A data extension query (JSON): {"ids": [...], "properties": [{"id": "program"}]}'


@router.get(
    "/{dataset}",
    responses=NOT_FOUND,
    summary="Reconciliation: the manifest, or answers to `queries` / `extend`",
)
def reconcile_get(
    request: Request,
    dataset: str,
    caller: Caller,
    services: ServicesDep,
    served: Snapshot,
    queries: Annotated[str | None, Query(description=_QUERIES_HELP)] = None,
    extend: Annotated[str | None, Query(description=_EXTEND_HELP)] = None,
) -> dict[str, Any]:
    """Without parameters: the service manifest (W3C Reconciliation API 0.2). With
    `queries`: candidates per query, scored 0–100 with our `match` decision. With
    `extend`: property values of reconciled entities."""
    return _answer(request, services, served, caller, dataset, queries, extend, "query")


_FORM = "application/x-www-form-urlencoded"


async def _form(request: Request) -> dict[str, str]:
    kind = request.headers.get("content-type", _FORM).split(";")[0].strip().lower()
    if kind not in (_FORM, ""):
        raise HTTPException(415, f"send the form as {_FORM}, not {kind}")
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=20
        )
    except (UnicodeDecodeError, ValueError) as error:
        raise invalid(["body"], f"not a url-encoded UTF-8 form: {error}") from None
    return dict(pairs)


@router.post(
    "/{dataset}",
    responses={**NOT_FOUND, 415: {"model": ErrorResponse, "description": "Not a url-encoded form"}},
    summary="Reconciliation queries or data extension, as OpenRefine sends them",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                _FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "queries": {"type": "string", "description": _QUERIES_HELP},
                            "extend": {"type": "string", "description": _EXTEND_HELP},
                        },
                    }
                }
            },
        }
    },
)
async def reconcile_post(
    request: Request, dataset: str, caller: Caller, services: ServicesDep, served: Snapshot
) -> dict[str, Any]:
    """`queries` or `extend` as a form field (the spec's primary way: no URL length limit)."""
    fields = await _form(request)
    return await run_in_threadpool(
        _answer,
        request,
        services,
        served,
        caller,
        dataset,
        fields.get("queries"),
        fields.get("extend"),
        "body",
    )


# --- preview, suggest, property proposals --------------------------------------------


#: the preview answers HTML, its errors JSON (FastAPI would document them as HTML)
_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
PREVIEW_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": response["description"], "content": _JSON_ERROR}
    for code, response in {**ERRORS, **NOT_FOUND}.items()
}


@router.get(
    "/{dataset}/preview",
    responses=PREVIEW_ERRORS,
    response_class=HTMLResponse,
    summary="An HTML summary of a listed entity, for OpenRefine's preview pop-up",
)
def preview(
    dataset: str,
    caller: Caller,
    services: ServicesDep,
    served: Snapshot,
    id: Annotated[str, Query(min_length=1, max_length=500, description="Entity id")],
) -> HTMLResponse:
    scope = resolve_scope(dataset, served.releases)
    found = services.entities.get(served.snapshot_id, id)
    if found is None or found[0].dataset not in scope:
        raise HTTPException(404, f"no entity {id!r} in dataset {dataset!r}")
    entity, timeline = found
    page = render_preview(entity, timeline, served.as_of.get(entity.dataset))
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Access-Control-Allow-Origin": "*",
        },
    )


def _entity_suggestion(served: Served, position: int, matched: str | None) -> dict[str, Any]:
    info = served.screener.index.entities[position]
    about = describe(info.dataset, info.lists, info.as_of or served.as_of.get(info.dataset))
    if matched and matched != info.caption:
        about = f"a.k.a. {matched} · {about}"
    return {
        "id": info.id,
        "name": info.caption,
        "description": about,
        "notable": [type_json(info.schema)],
    }


@router.get(
    "/{dataset}/suggest/entity",
    responses=NOT_FOUND,
    summary="Listed entities whose names begin with a prefix (auto-complete)",
)
def suggest_entity(
    dataset: str,
    caller: Caller,
    services: ServicesDep,
    served: Snapshot,
    prefix: Annotated[str, Query(max_length=500, description="What the user typed")] = "",
    cursor: Annotated[int, Query(ge=0, le=10_000, description="Suggestions to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_SUGGEST)] = SUGGEST_LIMIT,
) -> dict[str, Any]:
    """An entity id, then names beginning with the words typed, then similar names."""
    scope = resolve_scope(dataset, served.releases)
    text = prefix.strip()
    if not text:
        return {"result": []}
    index = served.screener.index
    wanted = cursor + limit
    picked: dict[str, dict[str, Any]] = {}
    if ":" in text and text.split(":", 1)[0] in scope:
        found = services.entities.get(served.snapshot_id, text)
        if found is not None:
            picked[text] = {
                "id": text,
                "name": found[0].caption,
                "description": describe(
                    found[0].dataset, found[0].lists, served.as_of.get(found[0].dataset)
                ),
                "notable": [type_json(found[0].schema)],
            }
    datasets = index.entities
    for position, name_id in prefix_entities(
        index, text, lambda p: datasets.field(p, 1) in scope, wanted
    ):
        suggestion = _entity_suggestion(served, position, index.names.field(name_id, 1))
        picked.setdefault(suggestion["id"], suggestion)
    if len(picked) < wanted:
        try:
            hits = served.screener.screen(text, datasets=scope, limit=wanted)
        except QueryError:  # "!!!" has nothing to compare: no suggestion, not an error
            hits = []
        for hit in hits:
            if hit.entity_id not in picked:
                picked[hit.entity_id] = {
                    "id": hit.entity_id,
                    "name": hit.caption,
                    "description": describe(
                        hit.dataset, hit.lists, hit.as_of or served.as_of.get(hit.dataset)
                    ),
                    "notable": [type_json(hit.schema)],
                }
    result = list(picked.values())[cursor:wanted]
    services.audit.append(
        caller.name,
        f"GET /reconcile/{dataset}/suggest/entity",
        audit_body(
            served, {"dataset": dataset, "prefix": prefix}, [{"id": s["id"]} for s in result]
        ),
    )
    return {"result": result}


@router.get(
    "/{dataset}/suggest/type", responses=NOT_FOUND, summary="Types (kinds of party) by prefix"
)
def suggest_type(
    dataset: str,
    caller: Caller,
    served: Snapshot,
    prefix: Annotated[str, Query(max_length=100)] = "",
    cursor: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> dict[str, Any]:
    resolve_scope(dataset, served.releases)
    found = [t.json() for t in TYPES if matches_prefix(prefix, t.id, t.name)]
    return {"result": found[cursor:]}


@router.get(
    "/{dataset}/suggest/property",
    responses=NOT_FOUND,
    summary="Properties by prefix: to match on in queries, or to fetch by data extension",
)
def suggest_property(
    dataset: str,
    caller: Caller,
    served: Snapshot,
    prefix: Annotated[str, Query(max_length=100)] = "",
    cursor: Annotated[int, Query(ge=0, le=1000)] = 0,
) -> dict[str, Any]:
    resolve_scope(dataset, served.releases)
    found = [p.json() for p in PROPERTIES_LIST if matches_prefix(prefix, p.id, p.name)]
    return {"result": found[cursor:]}


@router.get(
    "/{dataset}/extend/propose",
    responses=NOT_FOUND,
    summary="Properties worth fetching for entities of a type (data extension)",
)
def propose_properties(
    dataset: str,
    caller: Caller,
    served: Snapshot,
    type: Annotated[
        str, Query(max_length=100, description="A type id; empty for entities of any type")
    ] = "",
    limit: Annotated[int | None, Query(ge=0, le=1000, description="Most properties")] = None,
) -> dict[str, Any]:
    resolve_scope(dataset, served.releases)
    type_id = type.strip()
    if type_id and type_id not in QUERY_TYPES:
        raise invalid(
            ["query", "type"],
            f"{type_id!r} is not a type of this service; types: {', '.join(TYPES_BY_ID)}",
        )
    props = [p.json() for p in proposed(QUERY_TYPES.get(type_id, ""))]
    answer: dict[str, Any] = {"type": type, "properties": props[:limit] if limit else props}
    if limit is not None:
        answer["limit"] = limit
    return answer
