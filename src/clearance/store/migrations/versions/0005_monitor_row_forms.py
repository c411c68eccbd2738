"""Monitoring: each row's pool counts and normalised name beside its bar.

Revision ID: 0005
Revises: 0004
Created: 2026-11-27

Written by hand to match clearance.monitor.schema.row_bars (a test compares the
migrated database with the metadata). The counts replace the `crowded` flag,
which they decide. Bars kept before it have no counts: the next run treats
their pools as cut, and normalises those rows' names again. A downgrade marks
every bar crowded, the cautious reading.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("scored", sa.Integer()),
    ("ranked", sa.Integer()),
    ("script", sa.String(length=20)),
    ("tokens", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("monitor_row_bars") as table:
        for name, kind in COLUMNS:
            table.add_column(sa.Column(name, kind, nullable=True))
        table.drop_column("crowded")


def downgrade() -> None:
    with op.batch_alter_table("monitor_row_bars") as table:
        table.add_column(
            sa.Column("crowded", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        for name, _kind in reversed(COLUMNS):
            table.drop_column(name)
