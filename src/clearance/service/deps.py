"""What every route needs: the worker's services, the caller, and the served snapshot.

Route modules take these through FastAPI dependencies, so each stays a thin
translation between its wire format and the Screener.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel

from clearance.service.audit import AuditLog
from clearance.service.auth import ANONYMOUS, KeyStore, Principal, parse_authorization
from clearance.service.config import ServiceConfig
from clearance.service.ftm_json import EntityCache
from clearance.service.limits import RateLimiter
from clearance.service.reload import ScreenerHolder, Served
from clearance.store.store import Store

authorization_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    description="`ApiKey <key>` (as yente-client sends it) or `Bearer <key>`",
)


@dataclass
class Services:
    config: ServiceConfig
    store: Store
    holder: ScreenerHolder
    entities: EntityCache
    keys: KeyStore
    audit: AuditLog
    limiter: RateLimiter


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def _principal(services: Services, header: str | None) -> Principal:
    key = parse_authorization(header)
    if key is None:
        if services.config.allow_anonymous:
            return Principal(ANONYMOUS, "screen")
        raise HTTPException(
            401,
            "an API key is required: send `Authorization: ApiKey <key>` "
            "(create one with `clearance keys create`)",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    if not key:
        raise HTTPException(
            401,
            "Authorization header must be `ApiKey <key>` or `Bearer <key>`",
            headers={"WWW-Authenticate": "ApiKey"},
        )
    principal = services.keys.lookup(key)
    if principal is None:
        raise HTTPException(
            401, "unknown or revoked API key", headers={"WWW-Authenticate": "ApiKey"}
        )
    return principal


def _limited(services: Services, principal: Principal) -> None:
    wait = services.limiter.hit(principal.name)
    if wait is not None:
        raise HTTPException(
            429,
            f"more than {services.limiter.per_minute} requests in a minute for key "
            f"{principal.name!r}; retry in {wait} s",
            headers={"Retry-After": str(wait)},
        )


def screen_caller(
    request: Request, header: Annotated[str | None, Security(authorization_header)]
) -> Principal:
    found = services(request)
    principal = _principal(found, header)
    _limited(found, principal)
    return principal


def admin_caller(
    request: Request, header: Annotated[str | None, Security(authorization_header)]
) -> Principal:
    found = services(request)
    principal = _principal(found, header)
    if not principal.may("admin"):
        raise HTTPException(403, f"key {principal.name!r} has role {principal.role!r}, not admin")
    _limited(found, principal)
    return principal


def served(request: Request) -> Served:
    current = services(request).holder.current()
    if current is None:
        raise HTTPException(503, "no lists loaded yet: run `clearance update` on the server")
    return current


Caller = Annotated[Principal, Depends(screen_caller)]
Admin = Annotated[Principal, Depends(admin_caller)]
Snapshot = Annotated[Served, Depends(served)]
ServicesDep = Annotated[Services, Depends(services)]


class ErrorResponse(BaseModel):
    detail: str


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


#: what any authenticated route may answer besides its own result
ERRORS: dict[int | str, dict[str, Any]] = {
    401: _error("No, unknown or revoked API key"),
    413: _error("Request body over the size limit"),
    429: _error("Too many requests for this key this minute (see Retry-After)"),
    503: _error("No snapshot loaded yet"),
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: _error("No such dataset or entity")}
FORBIDDEN: dict[int | str, dict[str, Any]] = {403: _error("The key's role may not do this")}
