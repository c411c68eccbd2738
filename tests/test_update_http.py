"""`update` over real HTTP on 127.0.0.1: downloads, conditional requests, failures.

The official URLs are routed to a local server that serves the shared snapshots
exactly as published, and that can be told to fail, stall or truncate.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from clearance.ingest import update
from clearance.sources.fetch import FetchPolicy
from clearance.sources.registry import get_dataset
from clearance.store.store import Store
from tests.httpserver import Fail, FileServer, Stall, Truncate, serve_directory

FAST = FetchPolicy(connect_timeout=2, read_timeout=1, attempts=2, backoff_base=0.05)
LOCAL = {
    "us_ofac_sdn": {
        "SDN.CSV": "ofac-sdn/sdn.csv",
        "ADD.CSV": "ofac-sdn/add.csv",
        "ALT.CSV": "ofac-sdn/alt.csv",
        "SDN_COMMENTS.CSV": "ofac-sdn/sdn_comments.csv",
    },
    "un_sc_sanctions": {"consolidated.xml": "un-consolidated/consolidated.xml"},
    "us_bis_denied": {"dpl.txt": "bis-dpl/dpl.txt"},
}


def routes(server: FileServer) -> dict[str, str]:
    """Official URL -> the same file on the local server."""
    mapping = {}
    for dataset, files in LOCAL.items():
        for file_set in get_dataset(dataset).file_sets:
            for published in file_set.files:
                if published.name in files:
                    mapping[published.url] = server.url(files[published.name])
    return mapping


@pytest.fixture
def mirror(tmp_path: Path, shared_lists: Path) -> Path:
    """A writable copy of the files the tests serve, so a test can 'publish' a change."""
    root = tmp_path / "www"
    for files in LOCAL.values():
        for relative in files.values():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(shared_lists / relative, root / relative)
    return root


def test_download_records_checksums_and_validators(home: Path, mirror: Path) -> None:
    with serve_directory(mirror) as server, Store.open(home) as store:
        outcomes = update(store, only=list(LOCAL), policy=FAST, url_overrides=routes(server))
        assert [o.status for o in outcomes] == ["activated"] * 3
        sdn = outcomes[0].release
        assert sdn is not None and len(sdn.files) == 4
        for meta in sdn.files:
            original = mirror / LOCAL["us_ofac_sdn"][meta.name]
            assert meta.sha256 == hashlib.sha256(original.read_bytes()).hexdigest()
            assert meta.url == server.url(LOCAL["us_ofac_sdn"][meta.name])
            assert meta.etag and meta.last_modified
            assert store.file_content(sdn.id, meta.name) == original.read_bytes()

        # nothing changed: conditional requests, no new release, no new snapshot
        again = update(store, only=list(LOCAL), policy=FAST, url_overrides=routes(server))
        assert [o.status for o in again] == ["unchanged"] * 3
        last = server.requests("un-consolidated/consolidated.xml")[-1]
        assert last.headers.get("if-none-match") == outcomes[1].release.files[0].etag  # type: ignore[union-attr]
        assert len(store.snapshots()) == 1

        # the publisher changes one file: a new release of that dataset only
        dpl = mirror / "bis-dpl" / "dpl.txt"
        lines = dpl.read_bytes().splitlines(keepends=True)
        dpl.write_bytes(b"".join(lines[:-1]))
        changed = update(store, only=list(LOCAL), policy=FAST, url_overrides=routes(server))
        assert [o.status for o in changed] == ["unchanged", "unchanged", "activated"]
        assert changed[2].release.entity_count == outcomes[2].release.entity_count - 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "behaviour",
    [Fail(500), Stall(seconds=5), Truncate(send_bytes=1000)],
    ids=["fails", "stalls", "truncated"],
)
def test_a_failing_publisher_keeps_the_active_release(
    behaviour: Fail | Stall | Truncate, home: Path, mirror: Path
) -> None:
    with serve_directory(mirror) as server, Store.open(home) as store:
        first = update(store, only=["un_sc_sanctions"], policy=FAST, url_overrides=routes(server))
        assert first[0].status == "activated"
        published = mirror / "un-consolidated" / "consolidated.xml"
        published.write_bytes(published.read_bytes() + b"\n")  # the publisher has news
        server.misbehave("un-consolidated/consolidated.xml", behaviour)
        outcomes = update(
            store,
            only=["un_sc_sanctions", "us_bis_denied"],
            policy=FAST,
            url_overrides=routes(server),
        )
        failed, other = outcomes
        assert failed.status == "failed" and failed.error == "fetch"
        assert server.url("un-consolidated/consolidated.xml") in failed.message
        assert other.status == "activated"  # one failing list does not stop the others
        snapshot = store.active_snapshot()
        assert snapshot is not None
        assert snapshot.releases["un_sc_sanctions"] == first[0].release.id  # type: ignore[union-attr]
        assert len(store.releases("un_sc_sanctions")) == 1
