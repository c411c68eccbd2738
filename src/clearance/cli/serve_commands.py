"""`clearance serve`: the HTTP API on uvicorn, several workers sharing one index file."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from clearance.service.config import ServiceConfig
from clearance.store.home import resolve_home


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
        workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
        allow_anonymous: Annotated[
            bool, typer.Option("--allow-anonymous", help="Serve requests without an API key.")
        ] = False,
        max_body_bytes: Annotated[int, typer.Option(min=1024)] = 1_000_000,
        max_queries: Annotated[int, typer.Option(min=1, help="Queries per request.")] = 100,
        rate: Annotated[int, typer.Option(min=1, help="Requests per key per minute.")] = 600,
        max_upload_bytes: Annotated[
            int, typer.Option(min=1024, help="Largest file the web UI's batch page accepts.")
        ] = 50_000_000,
        four_eyes: Annotated[
            bool,
            typer.Option(
                "--four-eyes",
                help="A case decision takes effect only when a second analyst confirms.",
            ),
        ] = False,
    ) -> None:
        """Serve the web UI and the yente-compatible and native HTTP APIs."""
        import uvicorn  # only this command needs the server

        config = ServiceConfig(
            home=resolve_home(ctx.obj.get("home") if ctx.obj else None),
            allow_anonymous=allow_anonymous,
            max_body_bytes=max_body_bytes,
            max_queries=max_queries,
            requests_per_minute=rate,
            max_upload_bytes=max_upload_bytes,
            four_eyes=four_eyes,
        )
        os.environ.update(config.to_env())  # every worker process reads its settings here
        uvicorn.run(
            "clearance.service.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
