"""The store on a real SQLite file: releases are immutable, activation is atomic."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from clearance.diff import diff_releases, diff_snapshots, resolve_pair, snapshot_changes
from clearance.model import Entity, Listing, Name, NameKind
from clearance.sources.base import ParsedRelease
from clearance.store.store import FileRecord, Store
from clearance.validation import check_release


def person(dataset: str, pid: str, name: str, born: str = "1970") -> Entity:
    return Entity(
        id=f"{dataset}:{pid}",
        dataset=dataset,
        schema="Person",
        names=(Name.make(name), Name.make(name.upper(), NameKind.ALIAS)),
        birth_dates=(born,),
        listings=(Listing(authority="Test", list_name="Test List", programs=("P1",)),),
        raw={"id": pid, "name": name},
    )


def record(name: str, content: bytes) -> FileRecord:
    return FileRecord(name, hashlib.sha256(content).hexdigest(), len(content), content)


def add(
    store: Store, dataset: str, entities: list[Entity], content: bytes, status: str = "accepted"
):
    return store.add_release(
        dataset=dataset,
        format="csv",
        source="test",
        files=[record("list.csv", content)],
        parsed=ParsedRelease(entities, published_at="2024-01-02"),
        status=status,
        reason=None if status == "accepted" else "test hold",
    )


def test_release_roundtrip_on_a_real_sqlite_file(home: Path) -> None:
    with Store.open(home) as store:
        release = add(store, "watch", [person("watch", "1", "Jane Doe")], b"v1 bytes")
        assert release.entity_count == 1
        assert release.published_at == "2024-01-02"
        assert store.file_content(release.id, "list.csv") == b"v1 bytes"
        assert release.files[0].sha256 == hashlib.sha256(b"v1 bytes").hexdigest()
        snapshot = store.activate([release.id])
        assert store.entity("watch:1") == person("watch", "1", "Jane Doe")
        assert snapshot.releases == {"watch": release.id}
    # the data is in the SQLite file itself, readable by any SQLite client
    con = sqlite3.connect(home / "clearance.sqlite")
    assert con.execute("select count(*) from release_entities").fetchone() == (1,)
    con.close()


def test_a_held_release_cannot_be_activated(home: Path) -> None:
    with Store.open(home) as store:
        held = add(store, "watch", [person("watch", "1", "A")], b"x", status="held")
        with pytest.raises(ValueError, match="held back"):
            store.activate([held.id])
        assert store.active_snapshot() is None


def test_activation_replaces_one_dataset_and_keeps_the_others(home: Path) -> None:
    with Store.open(home) as store:
        a1 = add(store, "a", [person("a", "1", "Ann")], b"a1")
        b1 = add(store, "b", [person("b", "1", "Bob")], b"b1")
        store.activate([a1.id, b1.id])
        a2 = add(store, "a", [person("a", "1", "Ann"), person("a", "2", "Amy")], b"a2")
        snap = store.activate([a2.id])
        assert snap.releases == {"a": a2.id, "b": b1.id}
        assert [s.id for s in store.snapshots()] == [1, 2]
        # old snapshots stay queryable: point-in-time lookups
        assert store.entity("a:2", snapshot_id=1) is None
        assert store.entity("a:2", snapshot_id=2) is not None


def test_unchanged_entities_are_stored_once(home: Path) -> None:
    with Store.open(home) as store:
        add(store, "a", [person("a", "1", "Ann"), person("a", "2", "Amy")], b"v1")
        add(store, "a", [person("a", "1", "Ann"), person("a", "2", "Amy", born="1971")], b"v2")
    con = sqlite3.connect(home / "clearance.sqlite")
    assert con.execute("select count(*) from entity_versions").fetchone() == (3,)
    con.close()


def test_failed_transaction_leaves_no_release(home: Path) -> None:
    with Store.open(home) as store:
        first = add(store, "a", [person("a", "1", "Ann")], b"v1")
        store.activate([first.id])
        duplicate = [person("a", "1", "Ann"), person("a", "1", "Ann 2")]
        with pytest.raises(Exception, match=r"(?i)unique|constraint"):
            add(store, "a", duplicate, b"v2")
        assert [r.id for r in store.releases("a")] == [first.id]
        assert store.active_snapshot().releases == {"a": first.id}  # type: ignore[union-attr]


def test_diff_and_history(home: Path) -> None:
    with Store.open(home) as store:
        r1 = add(store, "a", [person("a", "1", "Ann"), person("a", "2", "Amy")], b"v1")
        store.activate([r1.id])
        r2 = add(store, "a", [person("a", "2", "Amy", born="1971"), person("a", "3", "Al")], b"v2")
        store.activate([r2.id])
        diff = diff_releases(store, r1.id, r2.id)
        assert [c.id for c in diff.added] == ["a:3"]
        assert [c.id for c in diff.removed] == ["a:1"]
        assert [(c.id, c.fields) for c in diff.changed] == [("a:2", ("birth_dates",))]
        assert [d.to_dict() for d in resolve_pair(store, None, None)] == [diff.to_dict()]
        assert [d.to_dict() for d in resolve_pair(store, "1", "2")] == [diff.to_dict()]
        history = store.entity_history("a:2")
        assert [r.id for r, _ in history] == [r1.id, r2.id]
        assert history[0][1] != history[1][1]


def test_snapshot_changes_name_the_ids_the_full_diff_names(home: Path) -> None:
    """Monitoring reads a list change by content hash alone: the same ids, per kind, as
    the diff that also names each changed field, across datasets and a dataset added."""
    with Store.open(home) as store:
        a1 = add(store, "a", [person("a", "1", "Ann"), person("a", "2", "Amy")], b"a1")
        b1 = add(store, "b", [person("b", "1", "Bob")], b"b1")
        first = store.activate([a1.id, b1.id])
        a2 = add(store, "a", [person("a", "2", "Amy", born="1971"), person("a", "3", "Al")], b"a2")
        c1 = add(store, "c", [person("c", "1", "Cy")], b"c1")
        second = store.activate([a2.id, c1.id])
        full = diff_snapshots(store, first.id, second.id)
        added, removed, changed = snapshot_changes(store, first.id, second.id)
        assert sorted(added) == sorted(c.id for d in full for c in d.added) == ["a:3", "c:1"]
        assert sorted(removed) == sorted(c.id for d in full for c in d.removed) == ["a:1"]
        assert sorted(changed) == sorted(c.id for d in full for c in d.changed) == ["a:2"]


def test_shrink_guard() -> None:
    assert check_release(0, None) == "the release has no entities"
    assert check_release(0, 10, force=True) == "the release has no entities"
    assert check_release(80, 100) is None
    message = check_release(79, 100)
    assert message is not None and "21% fewer" in message and "--force" in message
    assert check_release(79, 100, force=True) is None
    assert check_release(50, 100, max_shrink=0.6) is None
