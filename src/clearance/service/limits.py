"""Request limits: body size (ASGI middleware) and requests per key per minute.

The per-minute count lives in the store, not in a worker's memory: with several
worker processes a per-process counter would let a key make N times its share.
One UPSERT per request in a fixed one-minute window is the whole cost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clearance.service import schema as t


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse bodies over `limit` bytes with 413, whether Content-Length is sent or not."""

    def __init__(self, app: ASGIApp, limit: int, uploads: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        # paths that take files (the web UI's batch upload) have their own, larger limit
        self.uploads = dict(uploads or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit = self.uploads.get(scope.get("path", ""), self.limit)
        wants_html = b"text/html" in headers.get(b"accept", b"")
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit, wants_html)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, limit, wants_html)

    async def _refuse(self, send: Send, limit: int, wants_html: bool) -> None:
        message = f"request body is larger than the limit of {limit} bytes"
        if wants_html:  # a browser's form post: a page the user can read, with a way back
            body = (
                "<!doctype html><html lang=en><meta charset=utf-8><title>Too large</title>"
                f"<h1>Upload too large</h1><p>The {message}.</p>"
                '<p><a href="/batch">Back to Batch</a></p>'
            ).encode()
            content_type = b"text/html; charset=utf-8"
        else:
            body = json.dumps({"detail": message}).encode()
            content_type = b"application/json"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    def __init__(self, engine: Engine, per_minute: int) -> None:
        self.engine = engine
        self.per_minute = per_minute
        self._insert: Any = sqlite.insert if engine.dialect.name == "sqlite" else postgresql.insert

    def hit(self, key_name: str, now: float | None = None) -> int | None:
        """Count one request; None if allowed, else the seconds until the window ends."""
        moment = time.time() if now is None else now
        window = int(moment // 60)
        insert = self._insert(t.rate_counters).values(key_name=key_name, window=window, count=1)
        statement = insert.on_conflict_do_update(
            index_elements=[t.rate_counters.c.key_name, t.rate_counters.c.window],
            set_={"count": t.rate_counters.c.count + 1},
        ).returning(t.rate_counters.c.count)
        with self.engine.begin() as conn:
            count = int(conn.execute(statement).scalar_one())
            if count == 1:  # first request of a new window: forget the old ones
                conn.execute(
                    delete(t.rate_counters).where(
                        t.rate_counters.c.key_name == key_name,
                        t.rate_counters.c.window < window,
                    )
                )
        if count <= self.per_minute:
            return None
        return max(1, int((window + 1) * 60 - moment + 0.999))
