"""A new snapshot activated while the server answers: swapped in, no request dropped."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from lxml import etree

from tests.cli.test_commands import run
from tests.service.conftest import start_server


def test_activation_is_picked_up_without_dropping_requests(
    home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    un_file = shared_lists / "un-consolidated" / "consolidated.xml"
    assert run(home, "load", "un_sc_sanctions", str(un_file)).returncode == 0
    server = start_server(home, "--allow-anonymous", "--rate", "100000", workers=1)
    statuses: list[int] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=server.url, timeout=10) as client:
            while not stop.is_set():
                query = {"q": {"schema": "Person", "properties": {"name": ["Kim Jong"]}}}
                statuses.append(client.post("/match/default", json={"queries": query}).status_code)

    thread = threading.Thread(target=load)
    thread.start()
    try:
        before = httpx.get(server.url + "/readyz").json()["snapshot"]
        tree = etree.parse(str(un_file))
        for node in tree.xpath("//ENTITY")[:3]:
            node.getparent().remove(node)
        smaller = tmp_path / "consolidated.xml"
        tree.write(str(smaller), xml_declaration=True, encoding="UTF-8")
        assert run(home, "load", "un_sc_sanctions", str(smaller)).returncode == 0
        deadline = time.monotonic() + 120
        after = before
        while after == before and time.monotonic() < deadline:
            time.sleep(0.5)
            after = httpx.get(server.url + "/readyz").json()["snapshot"]
        assert after != before
        served = len(statuses)
        time.sleep(1)
        assert len(statuses) > served  # still answering after the swap
    finally:
        stop.set()
        thread.join(timeout=10)
        server.stop()
    assert statuses and set(statuses) == {200}
