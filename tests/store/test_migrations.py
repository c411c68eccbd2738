"""The store migrates itself: a fresh database gets every table, an old one what it lacks."""

from __future__ import annotations

import importlib
import multiprocessing
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

from clearance.store import migrate
from clearance.store import schema as t
from clearance.store.store import Store

#: every module that declares tables on the store's metadata
TABLE_MODULES = (
    "clearance.store.schema",
    "clearance.service.schema",
    "clearance.monitor.schema",
    "clearance.accounts.schema",
    "clearance.cases.schema",
)


def _declared() -> None:
    for name in TABLE_MODULES:
        importlib.import_module(name)


def test_migrated_database_equals_the_declared_tables(any_store: Store) -> None:
    _declared()
    with any_store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        differences = compare_metadata(MigrationContext.configure(conn), t.metadata)
    assert differences == []


def test_head_names_the_newest_script() -> None:
    """`migrate.HEAD` lets a current store open without Alembic; it must not go stale."""
    assert migrate.head_revision() == migrate.HEAD


def test_opening_a_current_store_needs_no_alembic(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    probe = (
        "import sys; from clearance.store.store import Store; "
        f"Store.open({str(tmp_path)!r}).close(); print('alembic' in sys.modules)"
    )
    answer = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert answer.stdout.strip() == "False"


def test_opening_a_current_store_again_changes_nothing(database_url: str, tmp_path: Path) -> None:
    with Store.open(tmp_path, url=database_url) as store:
        before = sorted(inspect(store.engine).get_table_names())
    with Store.open(tmp_path, url=database_url) as store:
        assert sorted(inspect(store.engine).get_table_names()) == before
        with store.engine.connect() as conn:
            assert migrate.current_revision(conn) == migrate.head_revision()


def test_a_store_made_before_migrations_keeps_its_rows(database_url: str, tmp_path: Path) -> None:
    """Stores from before Alembic hold the list tables (made by create_all), no version."""
    old = create_engine(database_url)
    t.metadata.create_all(old, tables=[t.snapshots, t.settings])
    with old.begin() as conn:
        conn.execute(t.snapshots.insert().values(id=1, created_at="2026-01-01T00:00:00Z"))
        conn.execute(t.settings.insert().values(key="active_snapshot", value="1"))
    old.dispose()
    with Store.open(tmp_path, url=database_url) as store:
        _declared()
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(t.snapshots)).scalar() == 1
            assert migrate.current_revision(conn) == migrate.head_revision()
            assert compare_metadata(MigrationContext.configure(conn), t.metadata) == []
        assert store.active_snapshot() is not None


def _open(url: str, home: str) -> None:
    Store.open(home, url=url).close()


def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path: Path) -> None:
    """`clearance serve` workers open the store together; the lock serialises them."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_open, args=(url, str(tmp_path))) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with Store.open(tmp_path, url=url) as store, store.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
