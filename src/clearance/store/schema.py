"""Tables of the store. Releases and entity versions are written once, never updated.

Entity versions are stored by content hash, so a release that repeats most of
the previous one costs only its changed entities; the raw published files are
kept (compressed) so an auditor can re-derive any release.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

releases = Table(
    "releases",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),  # order of arrival
    Column("dataset", String(80), nullable=False, index=True),
    Column("format", String(40), nullable=False),
    Column("source", Text, nullable=False),  # URL(s) or local folder it came from
    Column("fetched_at", String(40), nullable=False),
    Column("published_at", String(40)),
    Column("entity_count", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # "accepted" or "held"
    Column("reason", Text),  # why a release was held back
    Column("files_sha256", String(64), nullable=False),  # digest over all files
    Column("warnings", Text, nullable=False, default="[]"),
)

release_files = Table(
    "release_files",
    metadata,
    Column("release_id", String(120), ForeignKey("releases.id"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("url", Text),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("content", LargeBinary, nullable=False),  # zlib-compressed original bytes
)

entity_versions = Table(
    "entity_versions",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("entity_id", String(255), nullable=False, index=True),
    Column("data", Text, nullable=False),  # Entity.to_dict() as JSON
)

release_entities = Table(
    "release_entities",
    metadata,
    Column("release_id", String(120), ForeignKey("releases.id"), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("hash", String(64), ForeignKey("entity_versions.hash"), nullable=False),
    Column("schema", String(40), nullable=False),
    Column("caption", Text, nullable=False),
)
Index("ix_release_entities_entity", release_entities.c.entity_id)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", String(40), nullable=False),
    Column("note", Text),
)

snapshot_releases = Table(
    "snapshot_releases",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), primary_key=True),
    Column("dataset", String(80), primary_key=True),
    Column("release_id", String(120), ForeignKey("releases.id"), nullable=False),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
)
