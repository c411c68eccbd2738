"""The versioned store: immutable releases, snapshots of one release per dataset, activation.

Writing a release and activating a snapshot are separate steps on purpose: a
release that fails validation is still kept (held back, with its reason) for
the record, but only an explicit, atomic activation changes what is served.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.engine import Connection

from clearance.model import Entity
from clearance.sources.base import ParsedRelease
from clearance.store import migrate
from clearance.store import schema as t
from clearance.store.home import database_url, resolve_home

ACTIVE_KEY = "active_snapshot"
_CHUNK = 500


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class FileRecord:
    """One published file as it arrived: name, origin, digest and bytes."""

    name: str
    sha256: str
    size: int
    content: bytes
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FileMeta:
    name: str
    sha256: str
    size: int
    url: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class ReleaseInfo:
    id: str
    dataset: str
    format: str
    source: str
    fetched_at: str
    published_at: str | None
    entity_count: int
    status: str
    reason: str | None
    files_sha256: str
    warnings: tuple[str, ...]
    files: tuple[FileMeta, ...]

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    created_at: str
    note: str | None
    releases: dict[str, str]  # dataset -> release id


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Store:
    """Access to one clearance store (SQLite file in the home, or a database URL)."""

    def __init__(self, engine: Engine, home: Path) -> None:
        self.engine = engine
        self.home = home
        migrate.upgrade(engine)

    @classmethod
    def open(cls, home: Path | str | None = None, url: str | None = None) -> Store:
        resolved = resolve_home(home)
        engine = create_engine(url or database_url(resolved))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return cls(engine, resolved)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- releases -------------------------------------------------------------

    def add_release(
        self,
        *,
        dataset: str,
        format: str,
        source: str,
        files: Sequence[FileRecord],
        parsed: ParsedRelease,
        status: str,
        reason: str | None = None,
        fetched_at: str | None = None,
    ) -> ReleaseInfo:
        """Store a release with its files and entities, in one transaction."""
        fetched = fetched_at or utc_now()
        digest = files_digest(files)
        with self.engine.begin() as conn:
            release_id = self._new_release_id(conn, dataset, fetched, digest)
            last_seq = conn.execute(select(func.max(t.releases.c.seq))).scalar_one_or_none()
            conn.execute(
                t.releases.insert().values(
                    id=release_id,
                    seq=(last_seq or 0) + 1,
                    dataset=dataset,
                    format=format,
                    source=source,
                    fetched_at=fetched,
                    published_at=parsed.published_at,
                    entity_count=len(parsed.entities),
                    status=status,
                    reason=reason,
                    files_sha256=digest,
                    warnings=json.dumps(parsed.warnings, ensure_ascii=False),
                )
            )
            conn.execute(
                t.release_files.insert(),
                [
                    {
                        "release_id": release_id,
                        "name": f.name,
                        "url": f.url,
                        "sha256": f.sha256,
                        "size": f.size,
                        "etag": f.etag,
                        "last_modified": f.last_modified,
                        "content": zlib.compress(f.content, 6),
                    }
                    for f in files
                ],
            )
            self._write_entities(conn, release_id, parsed.entities)
        return self.release(release_id)

    def _new_release_id(self, conn: Connection, dataset: str, fetched: str, digest: str) -> str:
        stamp = fetched.replace("-", "").replace(":", "")
        base = f"{dataset}-{stamp}-{digest[:8]}"
        candidate, n = base, 1
        while conn.execute(select(t.releases.c.id).where(t.releases.c.id == candidate)).first():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _write_entities(
        self, conn: Connection, release_id: str, entities: Sequence[Entity]
    ) -> None:
        rows: dict[str, dict[str, Any]] = {}
        links = []
        for entity in entities:
            payload = entity.canonical_json()
            digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
            rows[digest] = {"hash": digest, "entity_id": entity.id, "data": payload}
            links.append(
                {
                    "release_id": release_id,
                    "entity_id": entity.id,
                    "hash": digest,
                    "schema": entity.schema,
                    "caption": entity.caption,
                }
            )
        hashes = list(rows)
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            existing = conn.execute(
                select(t.entity_versions.c.hash).where(t.entity_versions.c.hash.in_(chunk))
            ).scalars()
            for digest in existing:
                rows.pop(digest, None)
        if rows:
            conn.execute(t.entity_versions.insert(), list(rows.values()))
        if links:
            conn.execute(t.release_entities.insert(), links)

    def release(self, release_id: str) -> ReleaseInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.releases).where(t.releases.c.id == release_id)).first()
            if row is None:
                raise KeyError(f"no release {release_id!r}")
            return self._release_info(conn, row._mapping)

    def releases(self, dataset: str | None = None) -> list[ReleaseInfo]:
        """Releases oldest first."""
        query = select(t.releases).order_by(t.releases.c.seq)
        if dataset is not None:
            query = query.where(t.releases.c.dataset == dataset)
        with self.engine.connect() as conn:
            return [self._release_info(conn, r._mapping) for r in conn.execute(query)]

    def _release_info(self, conn: Connection, row: Any) -> ReleaseInfo:
        files = conn.execute(
            select(
                t.release_files.c.name,
                t.release_files.c.sha256,
                t.release_files.c.size,
                t.release_files.c.url,
                t.release_files.c.etag,
                t.release_files.c.last_modified,
            )
            .where(t.release_files.c.release_id == row["id"])
            .order_by(t.release_files.c.name)
        )
        return ReleaseInfo(
            id=row["id"],
            dataset=row["dataset"],
            format=row["format"],
            source=row["source"],
            fetched_at=row["fetched_at"],
            published_at=row["published_at"],
            entity_count=row["entity_count"],
            status=row["status"],
            reason=row["reason"],
            files_sha256=row["files_sha256"],
            warnings=tuple(json.loads(row["warnings"] or "[]")),
            files=tuple(FileMeta(*f) for f in files),
        )

    def file_content(self, release_id: str, name: str) -> bytes:
        """The original bytes of one published file of a release."""
        with self.engine.connect() as conn:
            blob = conn.execute(
                select(t.release_files.c.content).where(
                    t.release_files.c.release_id == release_id, t.release_files.c.name == name
                )
            ).scalar_one_or_none()
        if blob is None:
            raise KeyError(f"release {release_id!r} has no file {name!r}")
        return zlib.decompress(blob)

    # -- snapshots ------------------------------------------------------------

    def activate(self, release_ids: Iterable[str], note: str | None = None) -> SnapshotInfo:
        """Make a new snapshot: the active one with these releases swapped in, atomically."""
        ids = list(release_ids)
        with self.engine.begin() as conn:
            current = self._active_id(conn)
            members: dict[str, str] = {}
            if current is not None:
                members = self._snapshot_members(conn, current)
            for release_id in ids:
                row = conn.execute(
                    select(t.releases.c.dataset, t.releases.c.status).where(
                        t.releases.c.id == release_id
                    )
                ).first()
                if row is None:
                    raise KeyError(f"no release {release_id!r}")
                if row.status != "accepted":
                    raise ValueError(f"release {release_id} was held back and cannot be activated")
                members[row.dataset] = release_id
            inserted = conn.execute(t.snapshots.insert().values(created_at=utc_now(), note=note))
            snapshot_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
            conn.execute(
                t.snapshot_releases.insert(),
                [
                    {"snapshot_id": snapshot_id, "dataset": d, "release_id": r}
                    for d, r in sorted(members.items())
                ],
            )
            self._set_active(conn, int(snapshot_id))
        return self.snapshot(int(snapshot_id))

    def _set_active(self, conn: Connection, snapshot_id: int) -> None:
        updated = conn.execute(
            t.settings.update().where(t.settings.c.key == ACTIVE_KEY).values(value=str(snapshot_id))
        )
        if updated.rowcount == 0:
            conn.execute(t.settings.insert().values(key=ACTIVE_KEY, value=str(snapshot_id)))

    def _active_id(self, conn: Connection) -> int | None:
        value = conn.execute(
            select(t.settings.c.value).where(t.settings.c.key == ACTIVE_KEY)
        ).scalar_one_or_none()
        return int(value) if value is not None else None

    def _snapshot_members(self, conn: Connection, snapshot_id: int) -> dict[str, str]:
        rows = conn.execute(
            select(t.snapshot_releases.c.dataset, t.snapshot_releases.c.release_id).where(
                t.snapshot_releases.c.snapshot_id == snapshot_id
            )
        )
        return {r.dataset: r.release_id for r in rows}

    def active_snapshot(self) -> SnapshotInfo | None:
        with self.engine.connect() as conn:
            current = self._active_id(conn)
        return None if current is None else self.snapshot(current)

    def snapshot(self, snapshot_id: int) -> SnapshotInfo:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.snapshots).where(t.snapshots.c.id == snapshot_id)).first()
            if row is None:
                raise KeyError(f"no snapshot {snapshot_id}")
            return SnapshotInfo(
                id=row.id,
                created_at=row.created_at,
                note=row.note,
                releases=self._snapshot_members(conn, row.id),
            )

    def snapshots(self) -> list[SnapshotInfo]:
        with self.engine.connect() as conn:
            ids = conn.execute(select(t.snapshots.c.id).order_by(t.snapshots.c.id)).scalars().all()
        return [self.snapshot(i) for i in ids]

    # -- entities -------------------------------------------------------------

    def release_index(self, release_id: str) -> dict[str, tuple[str, str]]:
        """entity id -> (content hash, caption) for one release: what diffs compare."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    t.release_entities.c.entity_id,
                    t.release_entities.c.hash,
                    t.release_entities.c.caption,
                ).where(t.release_entities.c.release_id == release_id)
            )
            return {r.entity_id: (r.hash, r.caption) for r in rows}

    def entity_version(self, digest: str) -> Entity:
        with self.engine.connect() as conn:
            data = conn.execute(
                select(t.entity_versions.c.data).where(t.entity_versions.c.hash == digest)
            ).scalar_one()
        return Entity.from_dict(json.loads(data))

    def iter_entities(self, release_ids: Sequence[str]) -> Iterator[Entity]:
        """Every entity of the given releases, in release then id order."""
        with self.engine.connect() as conn:
            for release_id in release_ids:
                rows = conn.execute(
                    select(t.entity_versions.c.data)
                    .join(t.release_entities, t.release_entities.c.hash == t.entity_versions.c.hash)
                    .where(t.release_entities.c.release_id == release_id)
                    .order_by(t.release_entities.c.entity_id)
                )
                for (data,) in rows:
                    yield Entity.from_dict(json.loads(data))

    def entity(self, entity_id: str, snapshot_id: int | None = None) -> Entity | None:
        """The entity as in the given (default: active) snapshot, or None if not listed there."""
        snap = self.snapshot(snapshot_id) if snapshot_id else self.active_snapshot()
        if snap is None:
            return None
        with self.engine.connect() as conn:
            data = conn.execute(
                select(t.entity_versions.c.data)
                .join(t.release_entities, t.release_entities.c.hash == t.entity_versions.c.hash)
                .where(
                    t.release_entities.c.entity_id == entity_id,
                    t.release_entities.c.release_id.in_(list(snap.releases.values())),
                )
            ).scalar_one_or_none()
        return None if data is None else Entity.from_dict(json.loads(data))

    def entity_sightings(self, entity_id: str) -> list[tuple[str, str, str]]:
        """(release id, fetched at, content hash) of every accepted release listing the
        entity, oldest first: one query, for callers that need no more of each release."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    t.release_entities.c.release_id,
                    t.releases.c.fetched_at,
                    t.release_entities.c.hash,
                )
                .join(t.releases, t.releases.c.id == t.release_entities.c.release_id)
                .where(
                    t.release_entities.c.entity_id == entity_id, t.releases.c.status == "accepted"
                )
                .order_by(t.releases.c.seq)
            ).all()
        return [(r.release_id, r.fetched_at, r.hash) for r in rows]

    def entity_history(self, entity_id: str) -> list[tuple[ReleaseInfo, str]]:
        """Every accepted release that lists the entity, oldest first, with its content hash."""
        return [(self.release(r), h) for r, _at, h in self.entity_sightings(entity_id)]

    def count_entities(self, release_id: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(t.release_entities.c.release_id == release_id)
                ).scalar_one()
            )


def files_digest(files: Sequence[FileRecord]) -> str:
    """One digest over a file set, independent of file order."""
    joined = "\n".join(f"{f.name.lower()}:{f.sha256}" for f in sorted(files, key=lambda f: f.name))
    return hashlib.sha256(joined.encode()).hexdigest()
