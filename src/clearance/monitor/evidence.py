"""The evidence of a portfolio's runs, written for an auditor: CSV or JSON, by extension.

An auditor asks, months later, what the system answered on a given day and
against which versions of the lists. Every run is exported, including runs
that found nothing new (in CSV as one line without a hit), with each run's
hits and the previous hits it reported gone. The file is written to a
temporary name and renamed when complete, so a failed export leaves no file
that looks finished and never replaces an earlier export half-way.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearance.batch.writers import atomic_path
from clearance.monitor.errors import MonitorError
from clearance.monitor.portfolio import Portfolio
from clearance.monitor.run import RunHit, RunRecord, run_hits, runs
from clearance.store.store import Store, utc_now

SUFFIXES = (".csv", ".json")

RUN_COLUMNS = (
    "run",
    "started_at",
    "finished_at",
    "snapshot",
    "list_versions",
    "incremental",
    "rows",
    "rows_full",
    "rows_incremental",
    "hits",
    "matches",
    "new_hits",
    "changed_hits",
    "gone_hits",
    "reason",
)
HIT_COLUMNS = (
    "status",
    "row_key",
    "row_id",
    "query",
    "entity_id",
    "dataset",
    "caption",
    "lists",
    "matched_name",
    "score",
    "match",
    "explanation",
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]00:?00)?)?$")


def parse_since(text: str) -> str:
    """A UTC date or date-time (YYYY-MM-DD[THH:MM[:SS]][Z]) as the stored timestamps' form."""
    cleaned = text.strip()
    if not _DATE.match(cleaned):
        raise MonitorError(f"--since: {text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)")
    core = re.sub(r"(Z|[+-]00:?00)$", "", cleaned).replace(" ", "T")
    try:
        if "T" in core:
            when = datetime.fromisoformat(core).replace(tzinfo=UTC)
        else:
            when = datetime.fromisoformat(core + "T00:00:00").replace(tzinfo=UTC)
    except ValueError:
        raise MonitorError(f"--since: {text!r} is not a real date") from None
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _cell(value: Any) -> Any:
    """Booleans as true/false, as `clearance batch` writes them."""
    return ("true" if value else "false") if isinstance(value, bool) else value


def _run_row(run: RunRecord) -> dict[str, Any]:
    data = run.to_dict()
    data["list_versions"] = json.dumps(run.list_versions, sort_keys=True)
    return {column: _cell(data[column]) for column in RUN_COLUMNS}


def _hit_row(hit: RunHit) -> dict[str, Any]:
    data = hit.to_dict()
    data["lists"] = "; ".join(hit.lists)
    return {column: _cell(data[column]) for column in HIT_COLUMNS}


def check_output(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise MonitorError(
            f"{out}: unknown export type {out.suffix or '(no extension)'!r}; "
            f"use {' or '.join(SUFFIXES)}"
        )
    if not out.parent.is_dir():
        raise MonitorError(f"{out}: the folder {out.parent} does not exist")
    if out.is_dir():
        raise MonitorError(f"{out}: is a folder")
    return suffix


def export_evidence(
    store: Store, portfolio: Portfolio, out: Path, since: str | None = None
) -> list[RunRecord]:
    """Write the runs (started at or after `since`) and their hits to `out`; the runs written."""
    suffix = check_output(out)
    chosen = runs(store, portfolio, since)
    with atomic_path(out) as temporary, temporary.open("w", encoding="utf-8", newline="") as handle:
        if suffix == ".json":
            # one run at a time: a year of runs of a large book does not fit in memory at once
            head = {"portfolio": portfolio.name, "exported_at": utc_now(), "since": since}
            handle.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "runs": [')
            for i, run in enumerate(chosen):
                hits = [h.to_dict() for h in run_hits(store, run.id)]
                handle.write(",\n" if i else "\n")
                handle.write(json.dumps({**run.to_dict(), "hits": hits}, ensure_ascii=False))
            handle.write("\n]}\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=["portfolio", *RUN_COLUMNS, *HIT_COLUMNS])
            writer.writeheader()
            for run in chosen:
                head = {"portfolio": portfolio.name, **_run_row(run)}
                found = run_hits(store, run.id)
                if not found:  # the run is evidence too: it found nothing
                    writer.writerow(head)
                for hit in found:
                    writer.writerow({**head, **_hit_row(hit)})
    return chosen
