"""Monitoring: the parties each row's screening scored, and its ranking's edge.

Revision ID: 0006
Revises: 0005
Created: 2026-11-27

Written by hand to match clearance.monitor.schema.row_bars (a test compares the
migrated database with the metadata). `parties` holds the `party_key` of each
listed party the row's last screening scored, so a change that leaves a
party's names as they were is checked against the rows that scored it only.
`edge` holds the shared weight of the last name ranked when the ranking was
cut. Bars kept before it have neither: the next run after a list change
screens those rows again where it needs them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitor_row_bars") as table:
        table.add_column(sa.Column("parties", sa.LargeBinary(), nullable=True))
        table.add_column(sa.Column("edge", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitor_row_bars") as table:
        table.drop_column("edge")
        table.drop_column("parties")
