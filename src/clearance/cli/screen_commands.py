"""`clearance screen`: one party against the active snapshot, as a table or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearance.screening import Hit, Screener

console = Console()


def hits_table(query: str, hits: list[Hit], snapshot: str) -> Table:
    table = Table(title=f"Screening {query!r} (snapshot {snapshot})", show_lines=True)
    table.add_column("score", justify="right")
    table.add_column("match")
    table.add_column("listed party", overflow="fold")
    table.add_column("lists", overflow="fold")
    table.add_column("why", overflow="fold", ratio=3)
    for hit in hits:
        table.add_row(
            f"{hit.score:.2f}",
            "[bold red]MATCH[/]" if hit.match else "[dim]no[/]",
            f"{hit.caption}\n[dim]{hit.entity_id} · {hit.schema}[/]",
            "\n".join(hit.lists) + (f"\n[dim]as of {hit.as_of}[/]" if hit.as_of else ""),
            hit.explanation,
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen_command(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="The party's name, in any script.")],
        schema: Annotated[
            str | None,
            typer.Option(help="Person, Organization, Company, LegalEntity, Vessel or Aircraft."),
        ] = None,
        country: Annotated[
            list[str] | None, typer.Option("--country", help="ISO code or English name.")
        ] = None,
        birth_date: Annotated[
            str | None, typer.Option("--birth-date", help="YYYY, YYYY-MM or YYYY-MM-DD.")
        ] = None,
        identifier: Annotated[
            list[str] | None, typer.Option("--id", help="Passport, USCC, IMO, LEI, BIC, …")
        ] = None,
        dataset: Annotated[
            list[str] | None, typer.Option("--dataset", help="Only these datasets.")
        ] = None,
        threshold: Annotated[float | None, typer.Option(help="Match threshold 0..1.")] = None,
        limit: Annotated[int, typer.Option(help="Most hits shown.")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Screen one party: scored, explained hits from the active snapshot."""
        screener = Screener.open(ctx.obj.get("home") if ctx.obj else None)
        hits = screener.screen(
            name,
            schema=schema,
            countries=country or (),
            birth_date=birth_date,
            identifiers=identifier or (),
            datasets=dataset,
            threshold=threshold,
            limit=limit,
        )
        if as_json:
            query = {
                "name": name,
                "schema": schema,
                "countries": country or [],
                "birth_date": birth_date,
                "identifiers": identifier or [],
                "datasets": dataset,
                "threshold": screener.default_threshold if threshold is None else threshold,
                "limit": limit,
            }
            document = {
                "query": query,
                "snapshot": screener.snapshot,
                "results": [h.to_dict() for h in hits],
            }
            typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
            return
        if not hits:
            console.print(f"No listed party resembles {name!r} (snapshot {screener.snapshot}).")
            return
        console.print(hits_table(name, hits, screener.snapshot))
