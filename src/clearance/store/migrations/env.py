"""Alembic environment: always run on the connection `clearance.store.migrate` hands over.

There is no alembic.ini: the store migrates itself when it opens, so the
database URL and connection come from the caller, never from a config file.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
