"""Commands about the lists themselves: load, update, lists, diff, show."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clearance.cli import render
from clearance.diff import resolve_pair
from clearance.ingest import Outcome, load, update
from clearance.listing import dataset_summaries
from clearance.sources.fetch import FetchPolicy
from clearance.store.store import Store
from clearance.validation import DEFAULT_MAX_SHRINK

EXIT_BAD_INPUT = 2
EXIT_HELD = 3
EXIT_FETCH_FAILED = 4

console = Console()


def _store(ctx: typer.Context) -> Store:
    return Store.open(ctx.obj.get("home") if ctx.obj else None)


def _report(outcomes: list[Outcome]) -> int:
    table = Table(title="Result", show_lines=False)
    table.add_column("dataset")
    table.add_column("status")
    table.add_column("entities", justify="right")
    table.add_column("detail", overflow="fold")
    colours = {
        "activated": "green",
        "unchanged": "cyan",
        "held": "yellow",
        "failed": "red",
        "missing": "dim",
    }
    for o in outcomes:
        count = str(o.release.entity_count) if o.release else ""
        colour = colours.get(o.status, "white")
        table.add_row(o.dataset, f"[{colour}]{o.status}[/]", count, o.message)
    console.print(table)
    if any(o.error == "fetch" for o in outcomes):
        return EXIT_FETCH_FAILED
    if any(o.error == "source" for o in outcomes):
        return EXIT_BAD_INPUT
    if any(o.status == "held" for o in outcomes):
        return EXIT_HELD
    return 0


def register(app: typer.Typer) -> None:
    @app.command("load")
    def load_command(
        ctx: typer.Context,
        dataset: Annotated[str, typer.Argument(help="Dataset name, e.g. us_ofac_sdn or my_list.")],
        files: Annotated[list[Path], typer.Argument(help="The published file(s) of one release.")],
        format_name: Annotated[
            str | None, typer.Option("--format", help="Input format (default: detected).")
        ] = None,
        force: Annotated[bool, typer.Option(help="Accept a release that shrank a lot.")] = False,
        max_shrink: Annotated[
            float, typer.Option(help="Largest share of entities a release may lose.")
        ] = DEFAULT_MAX_SHRINK,
    ) -> None:
        """Load published files as a new release of DATASET and activate it if it passes."""
        with _store(ctx) as store:
            with console.status(f"parsing {dataset}…"):
                outcome = load(
                    store,
                    dataset,
                    files,
                    format_name=format_name,
                    force=force,
                    max_shrink=max_shrink,
                )
            code = _report([outcome])
        raise typer.Exit(code)

    @app.command("update")
    def update_command(
        ctx: typer.Context,
        from_dir: Annotated[
            Path | None,
            typer.Option("--from", help="Read the published files from this folder, not HTTP."),
        ] = None,
        only: Annotated[
            list[str] | None, typer.Option("--only", help="Update only these datasets.")
        ] = None,
        force: Annotated[bool, typer.Option(help="Accept releases that shrank a lot.")] = False,
        max_shrink: Annotated[float, typer.Option()] = DEFAULT_MAX_SHRINK,
        timeout: Annotated[float, typer.Option(help="HTTP read timeout in seconds.")] = 60.0,
        attempts: Annotated[int, typer.Option(help="HTTP attempts per file.")] = 3,
    ) -> None:
        """Fetch every configured dataset (or read it from --from DIR) and activate what passed."""
        policy = FetchPolicy(read_timeout=timeout, attempts=attempts)
        with _store(ctx) as store:
            with console.status("updating…") as status:
                outcomes = update(
                    store,
                    from_dir=from_dir,
                    only=only or (),
                    force=force,
                    max_shrink=max_shrink,
                    policy=policy,
                    progress=lambda message: status.update(message),
                )
            code = _report(outcomes)
            console.print(render.lists_table(dataset_summaries(store)))
        raise typer.Exit(code)

    @app.command("lists")
    def lists_command(
        ctx: typer.Context,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Every dataset with its as-of date, entity count, release and snapshot."""
        with _store(ctx) as store:
            summaries = dataset_summaries(store)
        if as_json:
            typer.echo(json.dumps(summaries, indent=2, ensure_ascii=False))
        else:
            console.print(render.lists_table(summaries))

    @app.command("diff")
    def diff_command(
        ctx: typer.Context,
        old: Annotated[
            str | None, typer.Argument(help="Old snapshot number or release id.")
        ] = None,
        new: Annotated[
            str | None, typer.Argument(help="New snapshot number or release id.")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        limit: Annotated[int, typer.Option(help="Entities shown per kind of change.")] = 20,
    ) -> None:
        """Entities added, removed and changed per dataset (default: the last two snapshots)."""
        with _store(ctx) as store:
            diffs = resolve_pair(store, old, new)
        if as_json:
            typer.echo(json.dumps([d.to_dict() for d in diffs], indent=2, ensure_ascii=False))
            return
        render.print_diffs(console, diffs, limit)

    @app.command("show")
    def show_command(
        ctx: typer.Context,
        entity_id: Annotated[str, typer.Argument(metavar="ID", help="e.g. us_ofac_sdn:29220")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """One listed entity with everything the publisher says about it."""
        with _store(ctx) as store:
            entity = store.entity(entity_id)
            if entity is None:
                raise ValueError(f"no entity {entity_id!r} in the active snapshot")
            history = store.entity_sightings(entity_id)
        if as_json:
            data: dict[str, Any] = entity.to_dict()
            data["caption"] = entity.caption
            data["history"] = [{"release": r, "fetched_at": f, "hash": h} for r, f, h in history]
            typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            render.print_entity(console, entity)
