"""Shared fixtures: where the publishers' files live, a fresh store home, and a home with
every shared list loaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance import Screener
from clearance.ingest import update
from clearance.store.store import Store

pytest_plugins = ["tests.httpserver", "tests.browser"]

REPO = Path(__file__).resolve().parent.parent
SHARED_LISTS = Path(
    os.environ.get("CLEARANCE_SHARED_LISTS", REPO.parent / "shared" / "data" / "lists")
).resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_lists() -> Path:
    """The official list snapshots (read-only). Tests never copy them into the repo."""
    if not (SHARED_LISTS / "MANIFEST.md").exists():
        pytest.fail(f"shared list snapshots not found at {SHARED_LISTS}")
    return SHARED_LISTS


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty clearance home (store directory) for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path


def loaded_home(name: str, shared_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new home holding every shared list, its index built and persisted once.

    Each suite that needs one makes its own (a session fixture there), because
    the suites write to their home: keys and audit records, portfolios, releases.
    """
    home = tmp_path_factory.mktemp(name)
    with Store.open(home) as store:
        outcomes = update(store, from_dir=shared_lists)
    assert any(o.status == "activated" for o in outcomes), [o.message for o in outcomes]
    Screener.open(home)
    return home
