"""The read-only pages: search (/), a listed entity (/entity/{id}) and the lists (/lists).

Each is a thin view over what the APIs already use — `Screener.screen` through
the served snapshot, the store's entities and releases, `dataset_summaries` —
so the UI can never show a different answer than the API for the same query.
A search here is audited like an API screening, under the analyst's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearance.accounts.users import User as AccountUser
from clearance.cases import Party as CaseParty
from clearance.cases import hooks, party_key
from clearance.cases.alerts import latest_alerts
from clearance.listing import dataset_summaries
from clearance.model import SCHEMATA, Entity
from clearance.report.legal import describe_listing
from clearance.screening import Hit, QueryError, parse_query
from clearance.service import deps, web_auth
from clearance.service.reload import Served
from clearance.service.web import labels
from clearance.service.web.history import EntityHistory, entity_history
from clearance.service.web.templating import ENTITY_PAGE, render
from clearance.service.yente_api import audit_body
from clearance.sources.common import country_code
from clearance.store.store import ReleaseInfo

router = APIRouter(include_in_schema=False)

#: hits shown per search; more than a person reviews on one page
RESULT_LIMIT = 25
#: releases shown per dataset on /lists; `?releases=all` shows the older ones too
RELEASES_SHOWN = 12
#: the longest filter value accepted (a country name, a dataset id)
MAX_FILTER_LENGTH = 200
SEARCH_ENDPOINT = "/ (web search)"
NO_LISTS = "No lists are loaded yet: run `clearance update` on the server, then reload this page."


User = Annotated[AccountUser, Depends(web_auth.require_user)]


def _dataset_options(served: Served | None) -> list[tuple[str, str]]:
    if served is None:
        return []
    options = [(d, labels.dataset_title(d)) for d in served.releases]
    return sorted(options, key=lambda o: o[1].lower())


# -- search ---------------------------------------------------------------------


@dataclass
class SearchForm:
    q: str = ""
    schema: str = ""
    country: str = ""
    dataset: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def countries(self) -> list[str]:
        return [c.strip() for c in self.country.split(",") if c.strip()]

    @property
    def empty(self) -> bool:
        return not (self.q.strip() or self.schema or self.country.strip() or self.dataset)


#: QueryError's field -> the form field it belongs to
_FORM_FIELD = {"name": "q", "schema": "schema", "country": "country"}


def _check(form: SearchForm, served: Served) -> None:
    """Every field checked at once, so one round trip shows every problem.

    The Screener checks the same again and raises on the first; its messages
    are reused here for the name (QueryError) so both read alike.
    """
    for name in ("schema", "country", "dataset"):
        value = getattr(form, name)
        if len(value) > MAX_FILTER_LENGTH:
            form.errors[name] = f"{len(value)} characters, at most {MAX_FILTER_LENGTH} allowed"
    if not form.q.strip():
        form.errors["q"] = "enter a name to screen"
    else:
        try:
            parse_query(form.q)
        except QueryError as error:
            form.errors["q"] = str(error).partition(": ")[2]
    if form.schema and "schema" not in form.errors and form.schema not in SCHEMATA:
        form.errors["schema"] = f"{form.schema!r} is not one of {', '.join(SCHEMATA)}"
    if "country" not in form.errors:
        unknown = [c for c in form.countries if country_code(c) is None]
        if unknown:
            form.errors["country"] = f"{unknown[0]!r} is not a known country name or ISO code"
    if form.dataset and "dataset" not in form.errors and form.dataset not in served.releases:
        form.errors["dataset"] = f"{form.dataset!r} is not a loaded list; choose one from the menu"


def _screen(form: SearchForm, served: Served) -> list[Hit]:
    try:
        return served.screener.screen(
            form.q,
            schema=form.schema or None,
            countries=form.countries,
            datasets=[form.dataset] if form.dataset else None,
            limit=RESULT_LIMIT,
        )
    except QueryError as error:
        name, _, message = str(error).partition(": ")
        form.errors[_FORM_FIELD.get(name, "q")] = message
        return []


def _cases(
    services: deps.Services, user: AccountUser, served: Served, form: SearchForm, hits: list[Hit]
) -> tuple[list[Hit], dict[str, int]]:
    """As an API screening: cleared false positives shown as such, matches raise alerts.

    Returns the hits to show and, per entity id, the pair's newest alert.
    """
    party = CaseParty(name=form.q, schema=form.schema or None, countries=tuple(form.countries))
    checked = hooks.check(services.store, served.snapshot_id, [(party, hits)])[0]
    seq = _audit(services, user, served, form, checked.hits)
    hooks.raise_for(
        services.store,
        [(party, checked.hits)],
        source="web",
        source_ref=str(seq),
        snapshot_id=served.snapshot_id,
    )
    # each hit's newest alert, just raised or older (open, or decided), to link to
    key = party_key(party)
    with services.store.engine.connect() as conn:
        latest = latest_alerts(conn, [(key, h.entity_id) for h in checked.hits])
    return checked.hits, {entity_id: last.id for (_key, entity_id), last in latest.items()}


def _audit(
    services: deps.Services, user: AccountUser, served: Served, form: SearchForm, hits: list[Hit]
) -> int:
    """The same record shape as POST /v1/screen, so one reader serves both."""
    query = {
        "name": form.q,
        "schema": form.schema or None,
        "countries": form.countries,
    }
    body = audit_body(
        served,
        {
            "threshold": served.screener.default_threshold,
            "datasets": [form.dataset] if form.dataset else None,
            "limit": RESULT_LIMIT,
        },
        [
            {
                "query": query,
                "results": [{"id": h.entity_id, "score": h.score, "match": h.match} for h in hits],
            }
        ],
    )
    return services.audit.append(user.username, SEARCH_ENDPOINT, body)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    user: User,
    q: str = "",
    schema: str = "",
    country: str = "",
    dataset: str = "",
) -> HTMLResponse:
    services = deps.services(request)
    served = services.holder.current()
    form = SearchForm(q, schema, country, dataset)
    context: dict[str, Any] = {
        "form": form,
        "schemata": [(s, labels.schema_label(s)) for s in SCHEMATA],
        "datasets": _dataset_options(served),
        "hits": None,
        "alerts": {},
        "titles": {},
        "threshold": None,
        "no_lists": served is None,
    }
    if served is None:
        return render(request, "search.html.j2", status_code=503, **context)
    context["threshold"] = served.screener.default_threshold
    if form.empty:
        return render(request, "search.html.j2", **context)
    _check(form, served)
    hits = [] if form.errors else _screen(form, served)
    if form.errors:
        return render(request, "search.html.j2", status_code=400, **context)
    hits, alerts = _cases(services, user, served, form, hits)
    context["alerts"] = alerts
    context["hits"] = hits
    context["titles"] = {h.dataset: labels.dataset_title(h.dataset) for h in hits}
    return render(request, "search.html.j2", **context)


# -- entity ----------------------------------------------------------------------


def error_page(request: Request, status_code: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html.j2", status_code, title=title, message=message)


#: page titles of the errors a browser may meet
ERROR_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    413: "Too large",
    429: "Too many requests",
    503: "Not available yet",
}


def wants_html(request: Request) -> bool:
    """A browser navigating (Accept names text/html); API clients ask for JSON or anything."""
    return "text/html" in request.headers.get("accept", "")


async def http_error(request: Request, exc: Exception) -> Response:
    """The app's HTTPException handler: browsers get a page saying what went wrong, in
    the layout; API clients get FastAPI's JSON answer as before."""
    assert isinstance(exc, StarletteHTTPException)  # registered for that class only
    if not wants_html(request):
        return await http_exception_handler(request, exc)
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = (
            f"There is no page at {request.url.path}. Check the address, or start from a search."
        )
    response = error_page(
        request, exc.status_code, ERROR_TITLES.get(exc.status_code, "Error"), message
    )
    for header, value in (exc.headers or {}).items():  # WWW-Authenticate, Retry-After
        response.headers[header] = value
    return response


def _entity_context(entity: Entity, history: EntityHistory, listed: bool) -> dict[str, Any]:
    return {
        "entity": entity,
        "listed": listed,
        "history": history,
        "dataset_title": labels.dataset_title(entity.dataset),
        "listings": [(listing, describe_listing(listing)) for listing in entity.listings],
        "labels": labels,
    }


@router.get(ENTITY_PAGE + "{entity_id:path}", response_class=HTMLResponse)
def entity_page(request: Request, user: User, entity_id: str) -> HTMLResponse:
    services = deps.services(request)
    served = services.holder.current()
    if served is None:
        return error_page(request, 503, "No lists loaded", NO_LISTS)
    found = services.entities.get(served.snapshot_id, entity_id)
    history = entity_history(services.store, entity_id)
    if found is not None:
        entity = found[0]
    elif history.last_hash is not None:  # listed once, not in the served snapshot
        entity = services.store.entity_version(history.last_hash)
    else:
        return error_page(
            request,
            404,
            "No such listed entity",
            f"No list release has ever held an entity with the id {entity_id!r}. "
            "Search for the party by name instead.",
        )
    context = _entity_context(entity, history, listed=found is not None)
    return render(request, "entity.html.j2", **context)


# -- lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetView:
    summary: dict[str, Any]
    releases: list[ReleaseInfo]  # newest first
    older: int  # releases not shown


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, user: User, releases: str = "") -> HTMLResponse:
    """`?releases=all` lists every release; by default the newest RELEASES_SHOWN each."""
    shown = None if releases == "all" else RELEASES_SHOWN
    services = deps.services(request)
    by_dataset: dict[str, list[ReleaseInfo]] = {}
    for release in services.store.releases():
        by_dataset.setdefault(release.dataset, []).append(release)
    views = []
    for summary in dataset_summaries(services.store):
        newest_first = by_dataset.get(summary["dataset"], [])[::-1]
        kept = newest_first if shown is None else newest_first[:shown]
        views.append(DatasetView(summary, kept, len(newest_first) - len(kept)))
    loaded = [v for v in views if v.summary["release"] or v.releases]
    unloaded = [v for v in views if not (v.summary["release"] or v.releases)]
    return render(request, "lists.html.j2", loaded=loaded, unloaded=unloaded, no_lists=not loaded)
