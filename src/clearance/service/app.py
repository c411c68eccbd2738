"""The FastAPI application: one per worker process, all sharing the store and index file.

`clearance serve` starts uvicorn with `create_app_from_env` as a factory, so
each worker builds its app from the settings in its environment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearance import __version__
from clearance.service import native_api, reconcile, web_auth, yente_api
from clearance.service.audit import AuditLog
from clearance.service.auth import KeyStore
from clearance.service.config import ServiceConfig
from clearance.service.deps import Services
from clearance.service.ftm_json import EntityCache
from clearance.service.limits import BodySizeLimit, RateLimiter
from clearance.service.reload import ScreenerHolder
from clearance.service.web import alert_pages, audit_pages, batch_pages, pages, user_pages
from clearance.service.web.templating import STATIC_DIR, STATIC_PREFIX
from clearance.store.store import Store


def open_services(config: ServiceConfig) -> Services:
    store = Store.open(config.home)
    holder = ScreenerHolder(store, config.reload_interval)
    holder.load_now()
    return Services(
        config=config,
        store=store,
        holder=holder,
        entities=EntityCache(store),
        keys=KeyStore(store.engine),
        audit=AuditLog(store.engine),
        limiter=RateLimiter(store.engine, config.requests_per_minute),
    )


def create_app(config: ServiceConfig) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = open_services(config)
        yield
        app.state.services.store.close()

    app = FastAPI(
        title="clearance",
        version=__version__,
        description=(
            "Restricted-party screening against official sanctions and export-control "
            "lists. yente-compatible (`/match`, `/search`, `/entities`, `/catalog`, "
            "`/algorithms`) and native (`/v1/…`) APIs. Send `Authorization: ApiKey <key>`."
        ),
        lifespan=lifespan,
    )
    app.add_middleware(
        BodySizeLimit, limit=config.max_body_bytes, uploads={"/batch": config.max_upload_bytes}
    )
    app.add_exception_handler(web_auth.LoginRequired, web_auth.login_required_handler)
    # browsers get the error as a page, API clients as JSON
    app.add_exception_handler(StarletteHTTPException, pages.http_error)

    @app.exception_handler(Exception)
    async def internal_error(_request: Request, _error: Exception) -> JSONResponse:
        return JSONResponse({"detail": "internal error; see the server log"}, status_code=500)

    @app.get("/healthz", tags=["system"], summary="The process is alive")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["system"],
        summary="A snapshot is loaded and served",
        responses={503: {"description": "No snapshot loaded yet"}},
    )
    def readyz(request: Request) -> Any:
        services: Services = request.app.state.services
        served = services.holder.current()
        if served is None:
            return JSONResponse({"status": "no snapshot loaded"}, status_code=503)
        return {"status": "ok", "snapshot": served.snapshot_id}

    app.include_router(yente_api.router)
    app.include_router(native_api.router)
    app.include_router(reconcile.router)
    # the analysts' web UI: server-rendered pages behind a sign-in
    app.include_router(web_auth.router)
    app.include_router(pages.router)
    app.include_router(batch_pages.router)
    app.include_router(alert_pages.router)
    app.include_router(audit_pages.router)
    app.include_router(user_pages.router)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")
    return app


def create_app_from_env() -> FastAPI:
    return create_app(ServiceConfig.from_env())
