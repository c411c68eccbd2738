"""Shared fixtures: where the publishers' files live, a fresh store home, and a home with
every shared list loaded."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

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


POSTGRES_URL_ENV = "CLEARANCE_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of a PostgreSQL server the tests may create databases on.

    `scripts/test` starts one (scripts/postgres-for-tests) and exports its URL;
    without it the PostgreSQL cases skip, except under CI, where they must run.
    """
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        message = f"{POSTGRES_URL_ENV} is not set (scripts/postgres-for-tests starts a server)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    server = make_url(request.getfixturevalue("postgres_server"))
    name = f"clr_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database, once per supported backend."""
    with fresh_database(request.param, request, tmp_path) as url:
        yield url


@pytest.fixture
def any_store(database_url: str, tmp_path: Path) -> Iterator[Store]:
    """An open store, migrated to the newest schema, on a fresh database of each backend."""
    with Store.open(tmp_path / "home", url=database_url) as store:
        yield store
