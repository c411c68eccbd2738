"""The store as it was before migrations: lists, snapshots, API keys, audit log, monitoring.

Revision ID: 0001
Revises:
Created: 2026-11-27

Stores made before clearance used Alembic already hold some of these tables
(each module created its own on first use), so every table and index here is
created only if it is missing: upgrading such a store fills in what it lacks
and leaves what it has, rows included, untouched.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _existing() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def _table(name: str, *columns: Any, **options: Any) -> None:
    if name not in _existing():
        op.create_table(name, *columns, **options)


def _index(name: str, table: str, columns: list[str], unique: bool = False) -> None:
    known = {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}
    if name not in known:
        op.create_index(name, table, columns, unique=unique)


def upgrade() -> None:
    _table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
        sa.UniqueConstraint("name"),
    )
    _table(
        "audit_records",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("key_name", sa.String(length=120), nullable=False),
        sa.Column("endpoint", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sqlite_autoincrement=True,
    )
    _table(
        "entity_versions",
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    _index("ix_entity_versions_entity_id", "entity_versions", ["entity_id"])
    _table(
        "monitor_portfolios",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("columns", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    _table(
        "rate_counters",
        sa.Column("key_name", sa.String(length=120), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key_name", "window"),
    )
    _table(
        "releases",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.String(length=40), nullable=True),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("files_sha256", sa.String(length=64), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seq"),
    )
    _index("ix_releases_dataset", "releases", ["dataset"])
    _table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    _table(
        "snapshots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    _table(
        "monitor_rows",
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=210), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("schema", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Text(), nullable=False),
        sa.Column("fields_hash", sa.String(length=64), nullable=False),
        sa.Column("since_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["monitor_portfolios.id"],
        ),
        sa.PrimaryKeyConstraint("portfolio_id", "key"),
    )
    _table(
        "monitor_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("previous_run_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.String(length=40), nullable=False),
        sa.Column("finished_at", sa.String(length=40), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("list_versions", sa.Text(), nullable=False),
        sa.Column("portfolio_version", sa.Integer(), nullable=False),
        sa.Column("scorer", sa.String(length=80), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("hit_limit", sa.Integer(), nullable=False),
        sa.Column("incremental", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("rows_full", sa.Integer(), nullable=False),
        sa.Column("rows_incremental", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("matches", sa.Integer(), nullable=False),
        sa.Column("new_hits", sa.Integer(), nullable=False),
        sa.Column("changed_hits", sa.Integer(), nullable=False),
        sa.Column("gone_hits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["monitor_portfolios.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("ix_monitor_runs_portfolio", "monitor_runs", ["portfolio_id", "id"])
    _table(
        "monitor_updates",
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["portfolio_id"],
            ["monitor_portfolios.id"],
        ),
        sa.PrimaryKeyConstraint("portfolio_id", "seq"),
    )
    _table(
        "release_entities",
        sa.Column("release_id", sa.String(length=120), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("schema", sa.String(length=40), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hash"],
            ["entity_versions.hash"],
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
        ),
        sa.PrimaryKeyConstraint("release_id", "entity_id"),
    )
    _index("ix_release_entities_entity", "release_entities", ["entity_id"])
    _table(
        "release_files",
        sa.Column("release_id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
        ),
        sa.PrimaryKeyConstraint("release_id", "name"),
    )
    _table(
        "snapshot_releases",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("release_id", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "dataset"),
    )
    _table(
        "monitor_hits",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(length=210), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("schema", sa.String(length=40), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("lists", sa.Text(), nullable=False),
        sa.Column("matched_name", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("match", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["monitor_runs.id"],
        ),
        sa.PrimaryKeyConstraint("run_id", "row_key", "entity_id"),
    )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: restore a backup instead")
