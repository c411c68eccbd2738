"""`clearance monitor`: portfolios kept in the store, re-screened as lists or book change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from clearance.batch.progress import reporter
from clearance.cli.batch_commands import default_workers
from clearance.monitor.errors import MonitorError
from clearance.monitor.evidence import check_output, export_evidence, parse_since
from clearance.monitor.portfolio import (
    Portfolio,
    UpdateSummary,
    check_name,
    get_portfolio,
    list_portfolios,
    save_portfolio,
)
from clearance.monitor.run import RunRecord, RunResult, last_run, run_portfolios, runs
from clearance.screening import Screener
from clearance.store.store import Store

#: changed hits printed per portfolio (all of them are in the store and the export)
SHOWN_CHANGES = 50

console = Console(highlight=False)
monitor_app = typer.Typer(
    help="Portfolios kept in the store and re-screened when the lists or the book change.",
    no_args_is_help=True,
)


def _home(ctx: typer.Context) -> Path | None:
    obj = ctx.find_root().obj
    return obj.get("home") if isinstance(obj, dict) else None


def _store(ctx: typer.Context) -> Store:
    return Store.open(_home(ctx))


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=1))


def update_line(summary: UpdateSummary) -> str:
    p = summary.portfolio
    verb = "created" if summary.created else "updated"
    folded = f", {summary.duplicates:,} duplicate rows folded" if summary.duplicates else ""
    return (
        f"portfolio {p.name!r} {verb}: {summary.rows:,} rows ({summary.added:,} added, "
        f"{summary.changed:,} changed, {summary.removed:,} removed, "
        f"{summary.unchanged:,} unchanged{folded}); version {p.version}"
    )


def run_line(run: RunRecord) -> str:
    how = "incremental" if run.incremental else "full"
    return (
        f"{run.portfolio}: run {run.id} ({how}) against snapshot {run.snapshot_id}: "
        f"{run.rows:,} rows ({run.rows_full:,} screened in full, "
        f"{run.rows_incremental:,} only against the change): {run.hits:,} hits, "
        f"{run.matches:,} matches; {run.new_hits:,} new, {run.changed_hits:,} changed, "
        f"{run.gone_hits:,} gone; {run.seconds:,.1f} s"
    )


def _changes_table(result: RunResult) -> Table | None:
    # matches first, the strongest first: what a compliance officer looks at
    order = {"new": 0, "changed": 1, "gone": 2}
    changes = sorted(result.changes, key=lambda h: (not h.match, order[h.status], -h.score))
    if not changes:
        return None
    table = Table(title=f"{result.record.portfolio}: what changed since the previous run")
    for column in ("status", "row", "query", "listed entity", "matched name", "score", "match"):
        table.add_column(column, overflow="fold")
    colours = {"new": "red", "changed": "yellow", "gone": "green"}
    for hit in changes[:SHOWN_CHANGES]:
        table.add_row(
            f"[{colours[hit.status]}]{hit.status}[/]",
            hit.row_id or hit.row_key,
            hit.query,
            f"{hit.caption} ({hit.entity_id})",
            hit.matched_name,
            f"{hit.score:.4f}",
            "yes" if hit.match else "no",
        )
    if len(changes) > SHOWN_CHANGES:
        table.caption = f"… and {len(changes) - SHOWN_CHANGES:,} more (see `monitor export`)"
    return table


def _portfolios_table(store: Store, portfolios: list[Portfolio]) -> Table:
    table = Table(title="Portfolios")
    for column in ("name", "rows", "version", "updated", "last run", "hits", "matches"):
        table.add_column(column, justify="right" if column in ("rows", "hits") else "left")
    for p in portfolios:
        run = last_run(store, p)
        table.add_row(
            p.name,
            f"{p.row_count:,}",
            str(p.version),
            p.updated_at,
            f"{run.id} at {run.finished_at}" if run else "never",
            f"{run.hits:,}" if run else "",
            f"{run.matches:,}" if run else "",
        )
    return table


def _history_table(name: str, records: list[RunRecord]) -> Table:
    table = Table(title=f"Runs of {name}")
    for column in (
        "run",
        "finished (UTC)",
        "snapshot",
        "how",
        "rows",
        "in full",
        "hits",
        "matches",
        "new",
        "changed",
        "gone",
    ):
        table.add_column(column)
    for r in records:
        table.add_row(
            str(r.id),
            r.finished_at,
            str(r.snapshot_id),
            "incremental" if r.incremental else "full",
            f"{r.rows:,}",
            f"{r.rows_full:,}",
            f"{r.hits:,}",
            f"{r.matches:,}",
            f"{r.new_hits:,}",
            f"{r.changed_hits:,}",
            f"{r.gone_hits:,}",
        )
    return table


@monitor_app.command("add")
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The portfolio's name.")],
    file: Annotated[
        Path, typer.Argument(help="The book: .csv/.tsv (any encoding), .xlsx, .parquet, .jsonl.")
    ],
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map", help="Columns to read: name=COL,country=COL,birth_date=COL,schema=COL,id=COL."
        ),
    ] = None,
) -> None:
    """Save a portfolio, or update it to a new file (rows added, changed, removed)."""
    with _store(ctx) as store:
        summary = save_portfolio(store, name, file, tuple(mapping or ()), progress=reporter)
    console.print(update_line(summary), soft_wrap=True)


@monitor_app.command("run")
def run_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One portfolio (default: all).")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Screen every row against everything.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the runs as JSON.")] = False,
    fail_on_new: Annotated[
        bool, typer.Option("--fail-on-new", help="Exit 1 if a new or changed hit matches.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes for the rows screened (default: every core)."),
    ] = None,
) -> None:
    """Re-screen portfolios against the active lists; report new, changed and gone hits."""
    with _store(ctx) as store:
        chosen = [get_portfolio(store, check_name(name))] if name else list_portfolios(store)
        if not chosen:
            raise MonitorError("no portfolios yet: add one with `clearance monitor add NAME FILE`")
        screener = Screener.open(_home(ctx))
        results = run_portfolios(
            store,
            screener,
            chosen,
            full=full,
            progress=reporter,
            workers=workers or default_workers(),
            every_hit=False,  # the changes are shown; the run records every hit
        )
    if as_json:
        _print_json(
            [{**r.record.to_dict(), "changes": [h.to_dict() for h in r.changes]} for r in results]
        )
    else:
        for result in results:
            console.print(run_line(result.record), soft_wrap=True)
            if result.alerts:  # cases: matches that became alerts (`clearance alerts list`)
                console.print(f"{result.alerts:,} new alerts (clearance alerts list)")
            for problem in result.problems:
                console.print(f"[yellow]not screened:[/] {problem}", soft_wrap=True)
            table = _changes_table(result)
            if table is not None:
                console.print(table)
    if fail_on_new and any(
        h.match for r in results for h in r.hits if h.status in ("new", "changed")
    ):
        raise typer.Exit(1)


@monitor_app.command("list")
def list_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The portfolios, their size and their last run."""
    with _store(ctx) as store:
        portfolios = list_portfolios(store)
        if as_json:
            rows = []
            for p in portfolios:
                run = last_run(store, p)
                rows.append(
                    {
                        "name": p.name,
                        "rows": p.row_count,
                        "version": p.version,
                        "created_at": p.created_at,
                        "updated_at": p.updated_at,
                        "source": p.source,
                        "columns": p.columns,
                        "last_run": run.to_dict() if run else None,
                    }
                )
            _print_json(rows)
        elif not portfolios:
            console.print("no portfolios yet: add one with `clearance monitor add NAME FILE`")
        else:
            console.print(_portfolios_table(store, portfolios))


@monitor_app.command("history")
def history_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The portfolio.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Past runs of a portfolio: when, against which lists, what they found."""
    with _store(ctx) as store:
        portfolio = get_portfolio(store, check_name(name))
        records = runs(store, portfolio)
    if as_json:
        _print_json([r.to_dict() for r in records])
    elif not records:
        console.print(f"{portfolio.name}: no runs yet (`clearance monitor run {portfolio.name}`)")
    else:
        console.print(_history_table(portfolio.name, records))


@monitor_app.command("export")
def export_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The portfolio.")],
    out: Annotated[Path, typer.Option("--out", help="Evidence file: .csv or .json.")],
    since: Annotated[
        str | None, typer.Option("--since", help="Only runs from this UTC date (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Write the evidence of a portfolio's runs (each run and its hits) for an auditor."""
    check_output(out)
    start = parse_since(since) if since is not None else None
    with _store(ctx) as store:
        portfolio = get_portfolio(store, check_name(name))
        written = export_evidence(store, portfolio, out, start)
    console.print(f"{len(written):,} runs of {portfolio.name!r} written to {out}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(monitor_app, name="monitor")
