"""`clearance evaluate`: the matching-quality benchmark on the active snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from clearance.evaluation import EvaluationReport, evaluate
from clearance.screening import Screener

console = Console()


def register(app: typer.Typer) -> None:
    @app.command("evaluate")
    def evaluate_command(
        ctx: typer.Context,
        per_class: Annotated[int, typer.Option(help="Variations per class.")] = 300,
        negatives: Annotated[int, typer.Option(help="Unlisted names screened.")] = 20000,
        seed: Annotated[int, typer.Option(help="Seed of the generators.")] = 20261127,
        out: Annotated[
            Path | None, typer.Option(help="Write the Markdown report to this file.")
        ] = None,
        json_out: Annotated[
            Path | None, typer.Option("--json", help="Write every result as JSON to this file.")
        ] = None,
    ) -> None:
        """Recall per class, false-positive rate and candidate recall at thresholds 0.5-0.95.

        Variations of listed names (typos, transliterations, evasion, …) and unlisted
        names are generated with a fixed seed from the active snapshot's own entities.
        """
        if per_class < 1 or negatives < 0:
            raise ValueError("--per-class must be at least 1 and --negatives not negative")
        screener = Screener.open(ctx.obj.get("home") if ctx.obj else None)
        report = evaluate(
            screener, seed=seed, per_class=per_class, negatives=negatives, console=console
        )
        markdown = report.to_markdown()
        if out is not None:
            out.write_text(markdown, encoding="utf-8")
        if json_out is not None:
            json_out.write_text(report.to_json(), encoding="utf-8")
        summary = markdown.split("\n## ", 1)[0]
        console.print(Markdown(summary))
        console.print(_summary_table(report))
        if out is None:
            console.print("[dim]Full report with misses and false positives: --out FILE.md[/]")


def _summary_table(report: EvaluationReport) -> Table:
    at = report.reference_threshold
    table = Table(title=f"Recall at {at:.2f}")
    table.add_column("class")
    table.add_column("n", justify="right")
    table.add_column("recall", justify="right")
    table.add_column("candidate recall", justify="right")
    for klass, by_threshold in report.recall.items():
        candidates = report.candidate_recall_by_class.get(klass)
        table.add_row(
            klass,
            str(report.variation_counts.get(klass, 0)),
            f"{by_threshold.get(at, 0.0):.1%}",
            "" if candidates is None else f"{candidates:.1%}",
        )
    fpr = report.false_positive_rate.get(at)
    table.add_row(
        "[bold]false-positive rate[/]",
        str(sum(report.negative_counts.values())),
        "" if fpr is None else f"{fpr:.2%}",
        "",
    )
    return table
