"""The Typer application: global options, error handling and exit codes.

Exit codes: 0 ok; 1 hits found where asked to fail on hits; 2 bad input
(unreadable or malformed file, bad argument, unknown id); 3 a release was held
back by validation; 4 a download failed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearance.cli import (
    audit_commands,
    batch_commands,
    cases_commands,
    data_commands,
    evaluate_commands,
    keys_commands,
    monitor_commands,
    screen_commands,
    serve_commands,
    users_commands,
)

EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="clearance",
    help="Screen parties against official sanctions and export-control lists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err_console = Console(stderr=True)


@app.callback()
def main_options(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="CLEARANCE_HOME",
            help="Store directory (default: the user data directory).",
        ),
    ] = None,
) -> None:
    ctx.obj = {"home": home}


data_commands.register(app)
screen_commands.register(app)
evaluate_commands.register(app)
batch_commands.register(app)
monitor_commands.register(app)
serve_commands.register(app)
keys_commands.register(app)
audit_commands.register(app)
cases_commands.register(app)
users_commands.register(app)


def main() -> None:
    try:
        app()
    except (ValueError, KeyError) as exc:  # SourceError is a ValueError
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        err_console.print(f"[bold red]error:[/] {message}", highlight=False)
        sys.exit(EXIT_BAD_INPUT)
