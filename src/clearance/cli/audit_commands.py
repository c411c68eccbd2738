"""`clearance audit`: verify the hash chain of the audit log, export its records."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearance.service.audit import AuditLog
from clearance.store.store import Store

console = Console()
err_console = Console(stderr=True)
audit_app = typer.Typer(help="The audit log of screening requests.", no_args_is_help=True)
EXIT_BROKEN = 1


def _log(ctx: typer.Context) -> AuditLog:
    home = ctx.obj.get("home") if ctx.obj else None
    return AuditLog(Store.open(home).engine)


@audit_app.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """Check every record's hash and link; exit 1 naming each broken record."""
    result = _log(ctx).verify()
    if not result.ok:
        for problem in result.problems:
            err_console.print(f"[bold red]broken:[/] {problem}", highlight=False)
        raise typer.Exit(EXIT_BROKEN)
    console.print(
        f"audit log intact: {result.records} records, head {result.head}", highlight=False
    )


@audit_app.command("export")
def export_command(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Only records at or after this ISO time.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="JSON lines file (default: standard output).")
    ] = None,
) -> None:
    """Write records as JSON lines, oldest first."""
    records = _log(ctx).records(since)
    if out is None:
        for record in records:
            typer.echo(json.dumps(record.to_dict(), ensure_ascii=False))
        return
    handle, temp = tempfile.mkstemp(dir=out.parent if out.parent.exists() else None)
    count = 0
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            count += 1
    os.replace(temp, out)
    console.print(f"wrote {count} records to {out}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
