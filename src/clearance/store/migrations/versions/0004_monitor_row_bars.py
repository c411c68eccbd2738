"""Monitoring: each portfolio row's candidates' bar, for exact incremental runs.

Revision ID: 0004
Revises: 0003
Created: 2026-11-27

Written by hand to match clearance.monitor.schema.row_bars (a test compares the
migrated database with the metadata). Runs recorded before it have no bars; the
next run then re-screens every row a list change reaches, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_row_bars",
        sa.Column("portfolio_id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(length=210), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("best", sa.Float(), nullable=True),
        sa.Column("floor", sa.Float(), nullable=True),
        sa.Column("rank", sa.Float(), nullable=True),
        sa.Column("crowded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["portfolio_id"], ["monitor_portfolios.id"]),
        sa.PrimaryKeyConstraint("portfolio_id", "row_key"),
    )


def downgrade() -> None:
    op.drop_table("monitor_row_bars")
