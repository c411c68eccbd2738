"""`clearance keys`: create, list and revoke API keys for the HTTP service."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearance.service.auth import KeyStore
from clearance.store.store import Store

console = Console()
keys_app = typer.Typer(help="API keys for `clearance serve`.", no_args_is_help=True)


def _keys(ctx: typer.Context) -> KeyStore:
    home = ctx.obj.get("home") if ctx.obj else None
    return KeyStore(Store.open(home).engine)


@keys_app.command("create")
def create_command(
    ctx: typer.Context,
    role: Annotated[str, typer.Option(help="screen or admin.")] = "screen",
    name: Annotated[str | None, typer.Option(help="A name to recognise the key by.")] = None,
) -> None:
    """Create a key; it is printed once, alone on the last line, and never shown again."""
    info, secret = _keys(ctx).create(role, name)
    console.print(f"created key {info.name!r} (role {info.role}); store it now:", highlight=False)
    typer.echo(secret)


@keys_app.command("revoke")
def revoke_command(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The key's name.")]
) -> None:
    """Revoke a key: requests with it are refused from now on."""
    info = _keys(ctx).revoke(name)
    console.print(f"revoked key {info.name!r} at {info.revoked_at}", highlight=False)


@keys_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Every key's name, role, prefix and state (never the key itself)."""
    table = Table(title="API keys")
    for column in ("name", "role", "prefix", "created", "revoked"):
        table.add_column(column)
    for key in _keys(ctx).list():
        table.add_row(key.name, key.role, key.prefix + "…", key.created_at, key.revoked_at or "")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
