"""Alembic's script directory: the store's schema, one revision per change."""
