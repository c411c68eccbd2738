"""`clearance batch`: screen a whole book (CSV, Excel, Parquet, JSON lines) into a hits file."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearance.batch.errors import BatchInputError
from clearance.batch.progress import reporter
from clearance.batch.runner import DEFAULT_CHUNK_SIZE, BatchOptions, BatchResult, run_batch
from clearance.report import listed_facts, write_report

console = Console(highlight=False)


class OnError(StrEnum):
    fail = "fail"
    skip = "skip"


class EngineName(StrEnum):
    local = "local"
    dask = "dask"


def default_workers() -> int:
    """The cores this process may use (fewer than os.cpu_count() in a container, under taskset)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def summary_line(result: BatchResult) -> str:
    s = result.summary
    rate = s.rows / s.seconds if s.seconds else 0.0
    skipped = f", {s.errors:,} bad rows skipped (see {result.errors_file})" if s.errors else ""
    return (
        f"{s.rows:,} rows{skipped}: {s.hits:,} hits in {result.rows_with_hits:,} rows, "
        f"{s.matches:,} matches in {s.rows_with_matches:,} rows; "
        f"{s.seconds:,.1f} s ({rate:,.0f} rows/s) → {s.output_path} (snapshot {s.snapshot})"
    )


def _check_report_folder(report: Path | None) -> None:
    """A report that cannot be written is refused before a long run, not after it."""
    if report is not None and not report.parent.is_dir():
        raise BatchInputError(f"{report}: the folder {report.parent} does not exist")


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch_command(
        ctx: typer.Context,
        input_path: Annotated[
            Path,
            typer.Argument(
                metavar="INPUT", help="The book: .csv/.tsv (any encoding), .xlsx, .parquet, .jsonl."
            ),
        ],
        out: Annotated[
            Path,
            typer.Option("--out", help="Hits file: .csv, .xlsx, .parquet or .jsonl."),
        ],
        mapping: Annotated[
            list[str] | None,
            typer.Option(
                "--map",
                help="Columns to read: name=COL,country=COL,birth_date=COL,schema=COL,id=COL.",
            ),
        ] = None,
        threshold: Annotated[float | None, typer.Option(help="Match threshold 0..1.")] = None,
        limit: Annotated[int, typer.Option(help="Most hits per row.")] = 10,
        workers: Annotated[
            int | None, typer.Option(help="Worker processes (default: every core).")
        ] = None,
        report: Annotated[
            Path | None, typer.Option("--report", help="Also write an HTML report.")
        ] = None,
        fail_on_hit: Annotated[
            bool, typer.Option("--fail-on-hit", help="Exit 1 if any row matches.")
        ] = False,
        on_error: Annotated[
            OnError,
            typer.Option(
                "--on-error",
                help="A bad row stops the run (fail) or goes to OUT.errors.csv (skip).",
            ),
        ] = OnError.fail,
        all_rows: Annotated[
            bool, typer.Option("--all", help="Also write rows without a hit.")
        ] = False,
        engine: Annotated[
            EngineName, typer.Option(help="local processes, or a Dask cluster.")
        ] = EngineName.local,
        scheduler: Annotated[
            str | None,
            typer.Option(help="Dask scheduler address (default: a local cluster)."),
        ] = None,
        chunk_size: Annotated[
            int, typer.Option("--chunk-size", help="Rows sent to a worker at a time.")
        ] = DEFAULT_CHUNK_SIZE,
        alerts: Annotated[
            bool,
            typer.Option(
                "--alerts", help="Raise alerts for the matches (see `clearance alerts list`)."
            ),
        ] = False,
    ) -> None:
        """Screen every row of a file; write one row per hit, in input order."""
        _check_report_folder(report)
        options = BatchOptions(
            input=input_path,
            output=out,
            home=ctx.obj.get("home") if ctx.obj else None,
            mapping=tuple(mapping or ()),
            threshold=threshold,
            limit=limit,
            workers=workers or default_workers(),
            all_rows=all_rows,
            on_error="skip" if on_error is OnError.skip else "fail",
            engine="dask" if engine is EngineName.dask else "local",
            scheduler=scheduler,
            chunk_size=chunk_size,
            keep_hits=report is not None,
            alerts=alerts,
        )
        result = run_batch(options, progress=reporter)
        if report is not None:
            hit_ids = (h.entity_id for h in result.hits if h.entity_id)
            facts = listed_facts(hit_ids, result.screener.entity)
            write_report(report, result.hits, result.summary, facts.listings, facts.countries)
        console.print(summary_line(result), soft_wrap=True)
        if alerts:  # cases: how many of the matches are new alerts
            console.print(f"{result.alerts:,} new alerts (clearance alerts list)")
        if fail_on_hit and result.summary.matches:
            raise typer.Exit(1)
