"""Run a batch: read the book, screen it in chunks on an engine, write hits in input order.

Chunks are submitted to the engine while earlier ones are screened and taken
back strictly in submission order, so the output (input row order, then the
hits in the order screen() returns them) does not depend on how many workers
ran or which finished first. Bad rows stop the run, naming file, row and
problem, or with `on_error="skip"` go to an errors file while the rest is
screened. Nothing is renamed into place until the whole book is done.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from clearance.batch.columns import ColumnMap, parse_map, resolve_columns
from clearance.batch.engines import Engine, InlineEngine, ProcessEngine, snapshot_index_file
from clearance.batch.errors import BatchInputError
from clearance.batch.progress import Reporter, SilentReporter
from clearance.batch.queries import raw_query, row_id
from clearance.batch.readers import Row, Table, open_table
from clearance.batch.results import BatchHit, BatchSummary
from clearance.batch.worker import Outcome
from clearance.batch.writers import (
    ErrorsWriter,
    Writer,
    atomic_path,
    errors_path,
    open_writer,
    output_suffix,
)
from clearance.cases.hooks import BatchCases
from clearance.index import EntityInfo
from clearance.screening import MAX_LIMIT, QueryError, Screener
from clearance.store.home import resolve_home

DEFAULT_CHUNK_SIZE = 200


@dataclass(frozen=True)
class BatchOptions:
    input: Path
    output: Path
    home: Path | None = None
    mapping: tuple[str, ...] = ()  # --map values, "name=COL,country=COL"
    threshold: float | None = None
    limit: int = 10
    workers: int = 1
    all_rows: bool = False  # also write rows without a hit
    on_error: Literal["fail", "skip"] = "fail"
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    keep_hits: bool = False  # keep every hit in memory (for a report)
    alerts: bool = False  # raise alerts for match hits once the run is done (clearance.cases)
    label: str | None = None  # the input's name for alerts, when the file is a stored copy


@dataclass
class BatchResult:
    summary: BatchSummary
    rows_with_hits: int
    errors_file: Path | None
    screener: Screener
    hits: list[BatchHit] = field(default_factory=list)  # only with keep_hits
    alerts: int = 0  # alerts raised (only with options.alerts)


ReporterFactory = Callable[[str, int | None], Reporter]


def run_batch(
    options: BatchOptions,
    *,
    screener: Screener | None = None,
    progress: ReporterFactory | None = None,
) -> BatchResult:
    """Screen every row of `options.input` and write the hits to `options.output`."""
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    source, output = options.input, options.output
    suffix = output_suffix(output)
    _check_options(options)
    table = open_table(source)
    with ExitStack() as stack:
        stack.callback(table.close)
        columns = resolve_columns(table.header, parse_map(options.mapping), source)
        screener = screener or Screener.open(options.home)
        threshold = screener.default_threshold if options.threshold is None else options.threshold
        estimate = table.estimated_rows()
        engine = _engine(options, screener, threshold, estimate, stack)
        temporary = stack.enter_context(atomic_path(output))
        writer = open_writer(temporary, suffix, table.header)
        errors = None
        if options.on_error == "skip":
            errors_temporary = stack.enter_context(atomic_path(errors_path(output)))
            errors = ErrorsWriter(errors_temporary)
        report = (progress or (lambda _d, _t: SilentReporter()))(
            f"screening {source.name}", estimate
        )
        run = _Run(options, table, columns, writer, errors, report)
        # cases: cleared false positives written as match false; matches kept for --alerts
        run.cases = BatchCases.open(options.home, screener, alerts=options.alerts)
        if run.cases is not None:
            stack.callback(run.cases.close)
        try:
            run.screen(engine)
        except BaseException:
            writer.abandon()
            raise
        finally:
            report.finish()
            if errors is not None:
                errors.close()
        writer.close()
        if run.rows == 0:
            raise BatchInputError(f"{source}: no rows to screen (only a header)")
        # leaving the block renames the finished files into place (atomic_path)
    # cases: alerts for the matches once the output is in place (cases/hooks.py)
    label = options.label or source.name
    raised = run.cases.finish(f"{label} at {started_at}") if run.cases is not None else 0
    summary = BatchSummary(
        input_path=str(source),
        output_path=str(output),
        rows=run.rows,
        screened=run.rows - run.errors,
        hits=run.hit_rows,
        matches=run.matches,
        rows_with_matches=run.rows_with_matches,
        errors=run.errors,
        seconds=round(time.perf_counter() - started, 3),
        threshold=threshold,
        snapshot=screener.snapshot,
        list_versions=list_versions(screener),
        started_at=started_at,
    )
    return BatchResult(
        summary=summary,
        rows_with_hits=run.rows_with_hits,
        errors_file=errors_path(output) if errors is not None else None,
        screener=screener,
        hits=run.kept,
        alerts=raised,
    )


def _check_options(options: BatchOptions) -> None:
    if options.threshold is not None and not 0.0 <= options.threshold <= 1.0:
        raise QueryError(f"threshold: {options.threshold} is not between 0 and 1")
    if not 1 <= options.limit <= MAX_LIMIT:
        raise QueryError(f"limit: {options.limit} is not between 1 and {MAX_LIMIT}")
    if options.workers < 1:
        raise BatchInputError(f"--workers: {options.workers} is not a positive number")
    if options.chunk_size < 1:
        raise BatchInputError(f"--chunk-size: {options.chunk_size} is not a positive number")
    if options.scheduler and options.engine != "dask":
        raise BatchInputError("--scheduler needs --engine dask")
    output = options.output
    if not output.parent.is_dir():
        raise BatchInputError(f"{output}: the folder {output.parent} does not exist")
    if output.exists() and output.resolve() == options.input.resolve():
        raise BatchInputError(f"{output}: the output would overwrite the input")


def _engine(
    options: BatchOptions,
    screener: Screener,
    threshold: float,
    estimate: int | None,
    stack: ExitStack,
) -> Engine:
    engine: Engine
    workers = options.workers
    if estimate is not None:  # starting a process costs more than screening a chunk
        workers = max(1, min(workers, -(-estimate // options.chunk_size)))
    if options.engine == "local" and workers == 1:
        return InlineEngine(screener, threshold, options.limit)
    home = resolve_home(options.home) if screener.snapshot.isdigit() else None
    index_file = snapshot_index_file(screener, home, stack)
    if options.engine == "dask":
        from clearance.batch.dask_engine import DaskEngine

        engine = DaskEngine(
            index_file,
            scheduler=options.scheduler,
            workers=workers,
            threshold=threshold,
            limit=options.limit,
        )
    else:
        engine = ProcessEngine(index_file, workers, threshold, options.limit)
    stack.callback(engine.close)
    return engine


def list_versions(screener: Screener) -> dict[str, str]:
    """dataset -> as-of date of the list version screened against."""
    versions: dict[str, str] = {}
    at_dataset, at_as_of = EntityInfo._fields.index("dataset"), EntityInfo._fields.index("as_of")
    for row in screener.index.entities.rows:
        dataset, as_of = row[at_dataset], row[at_as_of]
        if as_of and dataset not in versions:
            versions[dataset] = as_of
    return dict(sorted(versions.items()))


def chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Run:
    """The counters and the in-order hand-over of one run."""

    def __init__(
        self,
        options: BatchOptions,
        table: Table,
        columns: ColumnMap,
        writer: Writer,
        errors: ErrorsWriter | None,
        report: Reporter,
    ) -> None:
        self.options = options
        self.table = table
        self.columns = columns
        self.writer = writer
        self.errors_writer = errors
        self.report = report
        self.rows = self.errors = self.hit_rows = self.matches = 0
        self.rows_with_hits = self.rows_with_matches = 0
        self.kept: list[BatchHit] = []
        self.cases: BatchCases | None = None

    def screen(self, engine: Engine) -> None:
        pending: deque[tuple[list[Row], Future[list[Outcome]]]] = deque()
        fail = self.errors_writer is None
        for chunk in chunks(self.table.rows(), self.options.chunk_size):
            if fail:  # a broken file stops the run at once, not after the rows before it
                for row in chunk:
                    if row.problem is not None:
                        self._bad_row(row, row.problem)
            queries = [raw_query(r.values, self.columns) for r in chunk if r.problem is None]
            pending.append((chunk, engine.submit(queries)))
            while len(pending) >= engine.in_flight:
                self._take(*pending.popleft())
        while pending:
            self._take(*pending.popleft())

    def _take(self, chunk: list[Row], future: Future[list[Outcome]]) -> None:
        outcomes = iter(future.result())
        resolved = [
            (row, row.problem if row.problem is not None else next(outcomes)) for row in chunk
        ]
        if self.cases is not None:  # cases: hide cleared false positives (cases/hooks.py)
            resolved = self.cases.chunk(resolved, lambda values: raw_query(values, self.columns))
        written: list[BatchHit] = []
        for row, outcome in resolved:
            self.rows += 1
            if isinstance(outcome, str):
                self._bad_row(row, outcome)
                continue
            hits = self._hits(row, outcome)
            written.extend(hits)
        self.writer.write(written)
        if self.options.keep_hits:
            self.kept.extend(written)
        self.report.advance(len(chunk))

    def _hits(self, row: Row, outcome: Outcome) -> list[BatchHit]:
        assert not isinstance(outcome, str)
        header = self.table.header
        columns = {h: row.values.get(h, "") for h in header}
        query = row.values.get(self.columns.name, "")
        identifier = row_id(row.values, self.columns, row.number)
        if not outcome:
            if not self.options.all_rows:
                return []
            return [BatchHit(row.number, identifier, query, columns)]
        self.rows_with_hits += 1
        matched = sum(1 for h in outcome if h.match)
        self.hit_rows += len(outcome)
        self.matches += matched
        self.rows_with_matches += matched > 0
        return [
            BatchHit(
                row_number=row.number,
                row_id=identifier,
                query=query,
                columns=columns,
                entity_id=h.entity_id,
                dataset=h.dataset,
                schema=h.schema,
                lists=h.lists,
                caption=h.caption,
                matched_name=h.matched_name,
                score=h.score,
                match=h.match,
                explanation=h.explanation,
            )
            for h in outcome
        ]

    def _bad_row(self, row: Row, problem: str) -> None:
        identifier = row_id(row.values, self.columns, row.number)
        if self.errors_writer is None:
            shown = "" if identifier == str(row.number) else f", id {identifier}"
            raise BatchInputError(
                f"{self.table.path}: row {row.number} ({row.location}{shown}): {problem}"
            )
        self.errors += 1
        self.errors_writer.write(row.number, identifier, row.location, problem)
