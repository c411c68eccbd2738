"""A real HTTP server on 127.0.0.1 that serves a directory and misbehaves on request.

Download code has to be tested against the failures publishers' servers really
produce (5xx bursts, 429 with Retry-After, stalls, transfers cut short), over real
sockets, so that httpx's own timeout and protocol handling are part of the test.

Use it as a context manager::

    with serve_directory(tmp_path, {"/a.csv": Fail(500, times=2)}) as server:
        fetch(server.url("a.csv"), ...)

or through the `list_server` fixture, which serves the shared official list files.
Register it with ``pytest_plugins = ["tests.httpserver"]`` in tests/conftest.py, or
in one test module with ``from tests.httpserver import list_server_fixture``::

    def test_x(list_server: FileServer) -> None:
        list_server.misbehave("ofac-sdn/sdn.csv", Truncate(1000))
        list_server.url("ofac-sdn/sdn.csv")
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import pytest


@dataclass(frozen=True)
class Fail:
    """Answer `status` (500, 404, 429, ...) instead of the file, `times` times or always."""

    status: int = 500
    times: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Stall:
    """Go silent for `seconds` (longer than the client's read timeout).

    With `after_bytes` None the stall comes before any response; otherwise the
    headers and the first `after_bytes` bytes of the body are sent first.
    """

    seconds: float = 10.0
    after_bytes: int | None = None
    times: int | None = None


@dataclass(frozen=True)
class Truncate:
    """Announce the full Content-Length, send only `send_bytes`, then close."""

    send_bytes: int
    times: int | None = None


@dataclass(frozen=True)
class NoLength:
    """Send the whole file without Content-Length, ending the body by closing."""

    times: int | None = None


@dataclass(frozen=True)
class Gzip:
    """Send the file gzip-compressed (Content-Encoding), as CDNs often do."""

    times: int | None = None


Behaviour = Fail | Stall | Truncate | NoLength | Gzip


@dataclass(frozen=True)
class Request:
    """One request as the server saw it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic()


class _Server(ThreadingHTTPServer):
    """Holds the state the handler threads share."""

    daemon_threads = True

    def __init__(self, root: Path, behaviours: Mapping[str, Behaviour]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.behaviours: dict[str, Behaviour] = {_key(path): b for path, b in behaviours.items()}
        self.served: dict[str, int] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def choose(self, path: str) -> Behaviour | None:
        """The misbehaviour due for this request, counting it; None to serve normally."""
        with self.lock:
            behaviour = self.behaviours.get(path)
            if behaviour is None:
                return None
            count = self.served.get(path, 0)
            if behaviour.times is not None and count >= behaviour.times:
                return None
            self.served[path] = count + 1
            return behaviour

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A client that hung up (timeout, aborted download) is expected, not an error."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "clearance-test/1"

    def log_message(self, format: str, *args: object) -> None:
        """Silent: pytest output should show test failures, not access logs."""

    def do_HEAD(self) -> None:
        self._handle(body=False)

    def do_GET(self) -> None:
        self._handle(body=True)

    @property
    def _state(self) -> _Server:
        return cast(_Server, self.server)

    def _handle(self, *, body: bool) -> None:
        state = self._state
        path = _key(urlsplit(self.path).path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        with state.lock:
            state.requests.append(Request(self.command, path, headers, time.monotonic()))
        behaviour = state.choose(path)
        if isinstance(behaviour, Fail):
            self._status(behaviour.status, behaviour.headers)
            return
        if isinstance(behaviour, Stall) and behaviour.after_bytes is None:
            state.stopping.wait(behaviour.seconds)
            self.close_connection = True
            return
        target = (state.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(state.root) or not target.is_file():
            self._status(404)
            return
        data = target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
        mtime = int(target.stat().st_mtime)
        if _not_modified(headers, etag, mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
            self.end_headers()
            return
        if isinstance(behaviour, Gzip):
            data = gzip.compress(data, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if isinstance(behaviour, Gzip):
            self.send_header("Content-Encoding", "gzip")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(mtime, usegmt=True))
        if isinstance(behaviour, NoLength):
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not body:
            return
        if isinstance(behaviour, Truncate):
            self.wfile.write(data[: behaviour.send_bytes])
            self.close_connection = True
        elif isinstance(behaviour, Stall):
            self.wfile.write(data[: behaviour.after_bytes])
            self.wfile.flush()
            state.stopping.wait(behaviour.seconds)
            self.close_connection = True
        else:
            self.wfile.write(data)

    def _status(self, status: int, extra: Mapping[str, str] | None = None) -> None:
        text = f"{status} {self.responses.get(status, ('',))[0]}\n".encode()
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)


def _key(path: str) -> str:
    return "/" + unquote(path).lstrip("/")


def _not_modified(headers: Mapping[str, str], etag: str, mtime: int) -> bool:
    """RFC 9110 13.1: If-None-Match wins over If-Modified-Since when both are sent."""
    if "if-none-match" in headers:
        tags = [t.strip().removeprefix("W/") for t in headers["if-none-match"].split(",")]
        return "*" in tags or etag in tags
    if "if-modified-since" in headers:
        try:
            since = parsedate_to_datetime(headers["if-modified-since"]).timestamp()
        except (TypeError, ValueError):
            return False
        return mtime <= since
    return False


class FileServer:
    """A running server: where it is, what it was asked, and how to misbehave next."""

    def __init__(self, server: _Server) -> None:
        self._server = server
        host, port = server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + _key(path)

    def misbehave(self, path: str, behaviour: Behaviour) -> None:
        """Make `path` misbehave from now on (its count of misbehaviours restarts)."""
        with self._server.lock:
            self._server.behaviours[_key(path)] = behaviour
            self._server.served.pop(_key(path), None)

    def requests(self, path: str | None = None) -> list[Request]:
        """Requests received so far, for one path or all."""
        with self._server.lock:
            return [r for r in self._server.requests if path is None or r.path == _key(path)]


@contextmanager
def serve_directory(
    root: Path, behaviour: Mapping[str, Behaviour] | None = None
) -> Iterator[FileServer]:
    """Serve `root` on 127.0.0.1 (a free port) while the block runs.

    `behaviour` maps URL paths ("/ofac-sdn/sdn.csv") to a misbehaviour; other paths
    are served normally, with ETag, Last-Modified and 304 answers.
    """
    server = _Server(root, behaviour or {})
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield FileServer(server)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(name="list_server")
def list_server_fixture(shared_lists: Path) -> Iterator[FileServer]:
    """The shared official list files over HTTP, e.g. `list_server.url("ofac-sdn/sdn.csv")`."""
    with serve_directory(shared_lists) as server:
        yield server
