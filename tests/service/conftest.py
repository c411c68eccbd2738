"""A store of every shared list, built once, and the HTTP app over it.

In-process tests use Starlette's TestClient on the real app, store and index;
the yente-client, schemathesis and crash tests run a real uvicorn process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from clearance.service.app import create_app
from clearance.service.auth import KeyStore
from clearance.service.config import ServiceConfig
from clearance.store.store import Store
from tests.conftest import loaded_home


@pytest.fixture(scope="session")
def service_home(shared_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loaded_home("service-home", shared_lists, tmp_path_factory)


@dataclass(frozen=True)
class Keys:
    screen: str
    admin: str


@pytest.fixture(scope="session")
def keys(service_home: Path) -> Keys:
    with Store.open(service_home) as store:
        key_store = KeyStore(store.engine)
        _, screen = key_store.create("screen", "tests-screen")
        _, admin = key_store.create("admin", "tests-admin")
    return Keys(screen, admin)


@pytest.fixture(scope="session")
def client(service_home: Path, keys: Keys) -> Iterator[TestClient]:
    config = ServiceConfig(home=service_home, requests_per_minute=100_000)
    with TestClient(create_app(config)) as test_client:
        test_client.headers["Authorization"] = f"ApiKey {keys.screen}"
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


def start_server(home: Path, *extra: str, workers: int = 1) -> Server:
    """`clearance serve` as a user runs it, in its own process group, ready when /readyz is."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "clearance",
            "--home",
            str(home),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            *extra,
        ],
        start_new_session=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(server.url + "/readyz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop(signal.SIGKILL)
    raise RuntimeError("server not ready within 60 s")


@pytest.fixture(scope="session")
def server(service_home: Path, keys: Keys) -> Iterator[Server]:
    running = start_server(service_home, "--rate", "100000", workers=2)
    yield running
    running.stop()
