"""Monitoring: the ranking around each row's bar.

Revision ID: 0007
Revises: 0006
Created: 2026-11-28

Written by hand to match clearance.monitor.schema.row_bars (a test compares the
migrated database with the metadata). `window` holds the bar's
`matching.candidates.Window` packed (monitor.run): the last candidate party,
the first party left out and the ranks around them, so that one party entering
or leaving a row's candidates is followed without screening the row again.
Bars kept before it have none: such a row is screened again, as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("monitor_row_bars") as table:
        table.add_column(sa.Column("window", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitor_row_bars") as table:
        table.drop_column("window")
