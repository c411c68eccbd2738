"""Cases: alerts, decisions and false-positive suppressions.

Revision ID: 0003
Revises: 0002
Created: 2026-11-27

Written by hand to match clearance.cases.schema exactly (a test compares the
migrated database with the metadata); self-contained, so a later change to the
Python tables cannot rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("party_key", sa.String(length=64), nullable=False),
        sa.Column("party", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("entity_hash", sa.String(length=64), nullable=False),
        sa.Column("dataset", sa.String(length=80), nullable=False),
        sa.Column("schema", sa.String(length=40), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("matched_name", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("lists", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.Text(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reopened_from", sa.Integer(), nullable=True),
        sa.Column("change", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["reopened_from"], ["alerts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alerts_pair", "alerts", ["party_key", "entity_id"])
    op.create_index("ix_alerts_status", "alerts", ["status", "id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("analyst", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("entity_hash", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=120), nullable=True),
        sa.Column("reviewed_at", sa.String(length=40), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=True),
        sa.Column("review_audit_seq", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decisions_alert", "decisions", ["alert_id"])
    op.create_table(
        "suppressions",
        sa.Column("party_key", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("entity_hash", sa.String(length=64), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"]),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"]),
        sa.PrimaryKeyConstraint("party_key", "entity_id"),
    )


def downgrade() -> None:
    op.drop_table("suppressions")
    op.drop_index("ix_decisions_alert", table_name="decisions")
    op.drop_table("decisions")
    op.drop_index("ix_alerts_status", table_name="alerts")
    op.drop_index("ix_alerts_pair", table_name="alerts")
    op.drop_table("alerts")
