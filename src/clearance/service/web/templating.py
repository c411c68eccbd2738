"""One Jinja2 environment for every page, and the security headers every page carries.

Pages call `render(request, "name.html.j2", **context)`: the layout needs the
signed-in user, a CSRF token for its logout form, which menu entry is current
and the snapshot being served, and each page would otherwise fetch them itself.
Autoescaping is on and undefined names raise, so a listed name holding markup
is shown as text and a misspelt variable fails a test instead of rendering empty.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rigour.territories import get_territory

from clearance import __version__
from clearance.accounts.users import PASSWORD_MAX, USERNAME_MAX
from clearance.service import web_auth
from clearance.service.web.labels import schema_label

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
#: mounted at /static by the app (`StaticFiles(directory=STATIC_DIR)`)
STATIC_DIR = WEB_DIR / "static"
STATIC_PREFIX = "/static"

#: the menu: (key, label, path); `active_nav` is one of the keys
NAV = (
    ("search", "Search", "/"),
    ("lists", "Lists", "/lists"),
    ("alerts", "Alerts", "/alerts"),
    ("batch", "Batch", "/batch"),
    ("audit", "Audit", "/audit"),
)
#: path prefixes that belong to a menu entry besides the entry's own path
_NAV_PREFIXES = (("/entity/", "search"), ("/users", "users"))

#: No inline script or style anywhere: a name a publisher (or an attacker feeding
#: a list) wrote can never run as code even if escaping were missed somewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    # pages show who was screened: keep them out of shared and browser caches
    "Cache-Control": "no-store",
}


def country_name(code: str | None) -> str:
    """'cn' -> 'China'; codes rigour does not know are shown upper case as given."""
    if not code:
        return ""
    territory = get_territory(code)
    return str(territory.name) if territory is not None else code.upper()


#: the entity page; singular because /entities/{id} is the yente API's JSON route
ENTITY_PAGE = "/entity/"


def entity_url(entity_id: str) -> str:
    """The entity page's path; ids keep their readable colon (`us_ofac_sdn:29220`)."""
    return ENTITY_PAGE + quote(entity_id, safe=":")


def when(value: str | None) -> str:
    """Store times (`2026-11-27T15:09:11Z`) as '2026-11-27 15:09 UTC'; dates as given."""
    if not value:
        return ""
    if "T" not in value:
        return value
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:  # a publisher's local time: no zone to claim
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def http_url(value: str | None) -> bool:
    """Only web links become links: a list could carry `javascript:` or `data:` URLs."""
    return bool(value) and urlsplit(value or "").scheme in ("http", "https")


def score(value: float) -> str:
    return f"{value:.2f}"


@lru_cache(maxsize=64)
def static_url(name: str) -> str:
    """The file's URL with a digest of its content, so browsers never use a stale copy."""
    digest = hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_PREFIX}/{name}?v={digest}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        country_name=country_name,
        entity_url=entity_url,
        when=when,
        score=score,
        http_url=http_url,
        schema_label=schema_label,
    )
    env.globals.update(
        nav=NAV,
        static_url=static_url,
        version=__version__,
        limits={"username": USERNAME_MAX, "password": PASSWORD_MAX},
    )
    return env


environment = _environment()


def nav_key(path: str) -> str | None:
    """Which menu entry a path belongs to ('/entity/x' is part of Search)."""
    for prefix, key in _NAV_PREFIXES:
        if path.startswith(prefix):
            return key
    for key, _label, target in NAV:
        if path == target or (target != "/" and path.startswith(target + "/")):
            return key
    return None


def served_snapshot(request: Request) -> int | None:
    services = getattr(request.app.state, "services", None)
    if services is None:
        return None
    served = services.holder.current()
    return None if served is None else int(served.snapshot_id)


def apply_security_headers(response: HTMLResponse) -> HTMLResponse:
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    return response


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from `templates/`, with what the layout needs added to `context`."""
    values: dict[str, Any] = {
        "request": request,
        "user": web_auth.current_user(request),
        "csrf_token": web_auth.csrf_token(request),
        "active_nav": nav_key(request.url.path),
        "snapshot_id": served_snapshot(request),
    }
    values.update(context)
    html = environment.get_template(template).render(values)
    return apply_security_headers(HTMLResponse(html, status_code=status_code))
