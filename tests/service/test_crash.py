"""SIGKILL under load: every answered request is in the audit log, and the chain holds."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from clearance.service.audit import AuditLog
from clearance.store.store import Store
from tests.service.conftest import Keys, start_server

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def tag(n: int) -> str:
    """A name made of letters only, unique per request (the screener needs letters)."""
    word = ""
    while True:
        word += LETTERS[n % 26]
        n //= 26
        if n == 0:
            return f"Crashtest {word.capitalize()}"


def test_sigkill_under_load_loses_no_answered_request(service_home: Path, keys: Keys) -> None:
    server = start_server(service_home, "--rate", "100000", workers=2)
    answered: list[str] = []
    counter = iter(range(1_000_000))
    lock = threading.Lock()
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"ApiKey {keys.screen}"}, timeout=5
        ) as client:
            while not stop.is_set():
                with lock:
                    name = tag(next(counter))
                try:
                    response = client.post("/v1/screen", json={"parties": [{"name": name}]})
                except httpx.TransportError:
                    return  # the server is gone
                if response.status_code == 200:
                    with lock:
                        answered.append(name)

    threads = [threading.Thread(target=load) for _ in range(6)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(answered) < 60 and time.monotonic() < deadline:
        time.sleep(0.1)
    server.stop(signal.SIGKILL)  # the whole process group, workers included, mid-request
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(answered) >= 60

    restarted = start_server(service_home, workers=1)
    try:
        after = httpx.post(
            restarted.url + "/v1/screen",
            json={"parties": [{"name": "Hikvision"}]},
            headers={"Authorization": f"ApiKey {keys.screen}"},
        )
        assert after.status_code == 200
    finally:
        restarted.stop()
    verified = subprocess.run(
        [sys.executable, "-m", "clearance", "--home", str(service_home), "audit", "verify"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stderr
    with Store.open(service_home) as store:
        logged = {
            party["name"]
            for record in AuditLog(store.engine).records()
            if record.endpoint == "POST /v1/screen"
            for party in (r["query"] for r in record.body["results"])
        }
    missing = [name for name in answered if name not in logged]
    assert not missing, f"{len(missing)} answered requests not in the audit log"
