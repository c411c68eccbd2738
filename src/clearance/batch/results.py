"""What a batch run produces: one row per hit, and the run's summary.

The batch runner writes these to the user's output file, the HTML report reads
them, and monitoring compares them between runs; keeping one shape for all three
means a report always shows exactly what the output file holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class BatchHit:
    """One hit for one input row (or the row itself, without a hit, under `--all`)."""

    row_number: int  # 1-based data row in the input file (the header is row 0)
    row_id: str  # the user's id column if mapped or detected, else the row number
    query: str  # the name that was screened
    columns: dict[str, str]  # the user's own columns, untouched, in input order
    entity_id: str | None = None  # None: the row had no hit (only written under --all)
    dataset: str | None = None
    schema: str | None = None
    lists: tuple[str, ...] = ()
    caption: str | None = None
    matched_name: str | None = None
    score: float | None = None
    match: bool = False
    explanation: str | None = None


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """The one-line summary of a run, and the evidence a report or audit shows."""

    input_path: str
    output_path: str
    rows: int  # data rows read
    screened: int  # rows screened (rows minus skipped bad rows)
    hits: int  # hit rows written (score >= the report floor)
    matches: int  # hits with match = True
    rows_with_matches: int
    errors: int  # bad rows skipped under --on-error skip
    seconds: float
    threshold: float
    snapshot: str  # the snapshot id screened against
    list_versions: dict[str, str] = field(default_factory=dict)  # dataset -> as-of date
    started_at: str = ""  # ISO timestamp, UTC
