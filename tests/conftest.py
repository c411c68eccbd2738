"""Shared fixtures: where the publishers' files live, and a fresh store home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
