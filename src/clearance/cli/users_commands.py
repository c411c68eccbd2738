"""`clearance users`: accounts for the web interface (create, list, disable, new password).

Passwords never go on the command line, where `ps` and shell history would
show them: they are typed twice at a hidden prompt, or read as one line from
standard input with --password-stdin (for scripts and secret managers).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearance.accounts.users import ROLES, UserError, UserStore
from clearance.store.store import Store

console = Console()
users_app = typer.Typer(
    help="Accounts for the web interface of `clearance serve`.", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password as one line from standard input instead of prompting.",
    ),
]


@contextmanager
def _users(ctx: typer.Context) -> Iterator[UserStore]:
    home = ctx.obj.get("home") if ctx.obj else None
    with Store.open(home) as store:
        yield UserStore(store.engine)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError("password: --password-stdin was given but standard input is empty")
        return line.rstrip("\r\n")  # only the line end: spaces may be part of a password
    if not sys.stdin.isatty():
        raise UserError(
            "password: standard input is not a terminal, so there is no hidden prompt; "
            "pass --password-stdin and send the password as one line"
        )
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("create")
def create_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Letters, digits and . _ - @ (1–80).")],
    role: Annotated[str, typer.Option(help=" or ".join(ROLES) + ".")] = "analyst",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user; the password (12–1024 characters) is prompted for twice."""
    if role not in ROLES:  # before the prompt: no typing a password for nothing
        raise UserError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    password = _password(password_stdin)
    with _users(ctx) as users:
        user = users.create(username, password, role)
    console.print(f"created user {user.username!r} (role {user.role})", highlight=False)


@users_app.command("password")
def password_command(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's name.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password; the user's open sessions end."""
    with _users(ctx) as users:
        if users.by_name(username) is None:  # before the prompt, as for create
            raise UserError(f"username: no user named {username!r}")
        user = users.set_password(username, _password(password_stdin))
    console.print(f"new password set for {user.username!r}", highlight=False)


@users_app.command("disable")
def disable_command(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="The user's name.")]
) -> None:
    """Refuse the user's logins and end their sessions; their past decisions stay theirs."""
    with _users(ctx) as users:
        user = users.disable(username)
    console.print(f"disabled user {user.username!r} at {user.disabled_at}", highlight=False)


@users_app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Every user's name, role and dates (never a password hash)."""
    with _users(ctx) as users:
        found = users.list()
    if as_json:
        typer.echo(json.dumps([asdict(user) for user in found], indent=2))
        return
    table = Table(title="Users")
    for column in ("username", "role", "created", "last login", "disabled"):
        table.add_column(column)
    for user in found:
        table.add_row(
            user.username,
            user.role,
            user.created_at,
            user.last_login_at or "",
            user.disabled_at or "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
