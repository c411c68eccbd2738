"""Write hit rows as CSV, Excel, Parquet or JSON lines, never leaving a half file behind.

Every output goes to a hidden temporary file beside the final one and is
renamed over it only when the run has finished: a run that fails or is
interrupted leaves no file that looks complete, and an earlier output stays as
it was.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from clearance.batch.errors import BatchInputError
from clearance.batch.results import BatchHit

OUTPUT_SUFFIXES = (".csv", ".xlsx", ".parquet", ".jsonl")
#: result columns before and after the user's own
LEADING = ("row_number", "row_id")
TRAILING = (
    "entity_id",
    "dataset",
    "schema",
    "lists",
    "caption",
    "matched_name",
    "score",
    "match",
    "explanation",
)
#: Excel's sheet height, header included
EXCEL_MAX_ROWS = 1_048_576
LIST_SEPARATOR = "; "


def output_suffix(path: Path) -> str:
    """The output format, from the extension; BatchInputError before any work if unknown."""
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise BatchInputError(
            f"{path}: unknown output type {path.suffix or '(no extension)'!r}; "
            f"use one of {', '.join(OUTPUT_SUFFIXES)}"
        )
    return suffix


def output_columns(user_columns: Sequence[str]) -> list[str]:
    """Our columns around the user's; ours are renamed `clearance_…` where the user's clash."""
    taken = {c.casefold() for c in user_columns}

    def ours(name: str) -> str:
        return f"clearance_{name}" if name.casefold() in taken else name

    return [*map(ours, LEADING), *user_columns, *map(ours, TRAILING)]


def record(hit: BatchHit, user_columns: Sequence[str]) -> list[Any]:
    """One output row, typed: ints, floats, bools and a tuple of lists, None where empty."""
    return [
        hit.row_number,
        hit.row_id,
        *(hit.columns.get(c, "") for c in user_columns),
        hit.entity_id,
        hit.dataset,
        hit.schema,
        hit.lists,
        hit.caption,
        hit.matched_name,
        hit.score,
        hit.match,
        hit.explanation,
    ]


_LISTS = len(LEADING) + 3  # position of `lists` after the user's columns


class Writer(Protocol):
    def write(self, hits: Sequence[BatchHit]) -> None: ...

    def close(self) -> None:
        """Finish the file (it is renamed into place after this)."""
        ...

    def abandon(self) -> None:
        """Let go of the file without finishing it (the run failed; it is deleted)."""
        ...


@contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temporary path beside `final`, renamed to it if the block completes, else removed."""
    fd, name = tempfile.mkstemp(
        dir=final.parent, prefix=f".{final.stem}.", suffix=f".partial{final.suffix}"
    )
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)


def open_writer(path: Path, suffix: str, user_columns: Sequence[str]) -> Writer:
    columns = list(user_columns)
    if suffix == ".csv":
        return CsvWriter(path, columns)
    if suffix == ".jsonl":
        return JsonLinesWriter(path, columns)
    if suffix == ".xlsx":
        return ExcelWriter(path, columns)
    return ParquetWriter(path, columns)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    return str(value)


class CsvWriter:
    """UTF-8, comma-separated, lists joined with '; ', match as true/false."""

    def __init__(self, path: Path, user_columns: list[str]) -> None:
        self._columns = user_columns
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(output_columns(user_columns))

    def write(self, hits: Sequence[BatchHit]) -> None:
        self._writer.writerows([_text(v) for v in record(h, self._columns)] for h in hits)

    def close(self) -> None:
        self._handle.close()

    abandon = close


class JsonLinesWriter:
    """One JSON object per hit, typed: lists as arrays, score as a number, match as a bool."""

    def __init__(self, path: Path, user_columns: list[str]) -> None:
        self._columns = user_columns
        self._keys = output_columns(user_columns)
        self._handle = path.open("w", encoding="utf-8")

    def write(self, hits: Sequence[BatchHit]) -> None:
        for hit in hits:
            values = record(hit, self._columns)
            values[len(self._columns) + _LISTS] = list(hit.lists)
            line = json.dumps(dict(zip(self._keys, values, strict=True)), ensure_ascii=False)
            self._handle.write(line + "\n")

    def close(self) -> None:
        self._handle.close()

    abandon = close


class ExcelWriter:
    """One sheet written in openpyxl's streaming mode; text that looks like a formula stays text."""

    def __init__(self, path: Path, user_columns: list[str]) -> None:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

        self._path = path
        self._columns = user_columns
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("hits")
        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._rows = 0
        self._append(output_columns(user_columns))

    def _append(self, values: list[Any]) -> None:
        self._rows += 1
        if self._rows > EXCEL_MAX_ROWS:
            raise BatchInputError(
                f"{self._path.name}: more than {EXCEL_MAX_ROWS - 1:,} hit rows do not fit in an "
                "Excel sheet; write .csv or .parquet instead"
            )
        cells: list[Any] = []
        for value in values:
            if isinstance(value, tuple):
                value = LIST_SEPARATOR.join(value)
            if isinstance(value, str):
                value = self._illegal.sub("", value)  # control characters Excel refuses
                if value.startswith("="):  # openpyxl would store it as a formula
                    cell = self._cell(self._sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            cells.append(value)
        self._sheet.append(cells)

    def write(self, hits: Sequence[BatchHit]) -> None:
        for hit in hits:
            self._append(record(hit, self._columns))

    def close(self) -> None:
        self._book.save(self._path)

    def abandon(self) -> None:
        pass  # saving is what writes the file; an unsaved write-only workbook holds nothing


class ParquetWriter:
    """Typed columns (the user's as strings), written in row groups as hits arrive."""

    BUFFER = 50_000

    def __init__(self, path: Path, user_columns: list[str]) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        self._pa = pa
        self._columns = user_columns
        names = output_columns(user_columns)
        types = [
            pa.int64(),
            pa.string(),
            *(pa.string() for _ in user_columns),
            pa.string(),
            pa.string(),
            pa.string(),
            pa.list_(pa.string()),
            pa.string(),
            pa.string(),
            pa.float64(),
            pa.bool_(),
            pa.string(),
        ]
        self._schema = pa.schema(list(zip(names, types, strict=True)))
        self._writer = pq.ParquetWriter(path, self._schema)
        self._buffer: list[list[Any]] = []

    def write(self, hits: Sequence[BatchHit]) -> None:
        for hit in hits:
            values = record(hit, self._columns)
            values[len(self._columns) + _LISTS] = list(hit.lists)
            self._buffer.append(values)
        if len(self._buffer) >= self.BUFFER:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        columns = [list(c) for c in zip(*self._buffer, strict=True)]
        self._writer.write_table(self._pa.table(columns, schema=self._schema))
        self._buffer = []

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def abandon(self) -> None:
        self._writer.close()


class ErrorsWriter:
    """The rows skipped under --on-error skip: where they are and what was wrong."""

    COLUMNS = ("row_number", "row_id", "location", "problem")

    def __init__(self, path: Path) -> None:
        self._handle = path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(self.COLUMNS)

    def write(self, row_number: int, row_id: str, location: str, problem: str) -> None:
        self._writer.writerow((row_number, row_id, location, problem))

    def close(self) -> None:
        self._handle.close()


def errors_path(output: Path) -> Path:
    """hits.xlsx -> hits.errors.csv"""
    return output.with_suffix(".errors.csv")
