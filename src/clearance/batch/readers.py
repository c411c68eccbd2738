"""Read a book of counterparties row by row, whatever file the user's systems exported.

Every reader streams (a book can hold millions of rows), keeps the user's
header and values as text, and reports a broken row as a `Row` with a problem
instead of raising, so the runner can stop there or skip it (`--on-error`).
Problems with the file as a whole (missing, unreadable, empty, not what its
extension says) raise BatchInputError at once.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from clearance.batch.errors import BatchInputError
from clearance.batch.sniff import sniff_text

TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
INPUT_SUFFIXES = TEXT_SUFFIXES + EXCEL_SUFFIXES + PARQUET_SUFFIXES + JSONL_SUFFIXES


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # 1-based data row (the header is row 0)
    location: str  # where a user finds it: "line 12", "sheet 'Book1' row 12", "record 12"
    values: dict[str, str]  # by header name; partial for a broken row
    problem: str | None = None


class Table(Protocol):
    path: Path
    header: list[str]

    def estimated_rows(self) -> int | None:
        """About how many data rows there are, for the progress bar (may be off a little)."""
        ...

    def rows(self) -> Iterator[Row]: ...

    def close(self) -> None: ...


def open_table(path: Path) -> Table:
    """The reader for `path`, chosen by its extension, with the header already read."""
    if not path.exists():
        raise BatchInputError(f"{path}: no such file")
    if not path.is_file():
        raise BatchInputError(f"{path}: not a file")
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return DelimitedTable(path, tab_separated=suffix in (".tsv", ".tab"))
        if suffix in EXCEL_SUFFIXES:
            return ExcelTable(path)
        if suffix in PARQUET_SUFFIXES:
            return ParquetTable(path)
        if suffix in JSONL_SUFFIXES:
            return JsonLinesTable(path)
    except PermissionError:
        raise BatchInputError(f"{path}: cannot be read (permission denied)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchInputError(f"{path}: cannot be read: {exc}") from None
    raise BatchInputError(
        f"{path}: unknown file type {path.suffix or '(no extension)'!r}; "
        f"use one of {', '.join(INPUT_SUFFIXES)}"
    )


def unique_header(names: list[str]) -> list[str]:
    """Header names as given (trimmed), with blanks named by position and repeats numbered:
    each column needs its own name to pass through to the output."""
    seen: set[str] = set()
    header = []
    for i, raw in enumerate(names, start=1):
        name = raw.strip() or f"column {i}"
        candidate, n = name, 2
        while candidate.casefold() in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(candidate.casefold())
        header.append(candidate)
    return header


def cell_text(value: Any) -> str:
    """A typed cell (Excel, Parquet, JSON) as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return json.dumps(value, ensure_ascii=False, default=str)


def _blank(fields: list[str]) -> bool:
    return all(not f.strip(" \t\x1a") for f in fields)


class DelimitedTable:
    """CSV, TSV and other delimited text in any common encoding (see sniff.py)."""

    def __init__(self, path: Path, *, tab_separated: bool = False) -> None:
        self.path = path
        self.format = sniff_text(path, tab_separated=tab_separated)
        self._handle = path.open(encoding=self.format.encoding, newline="", errors="strict")
        self._reader = csv.reader(self._handle, delimiter=self.format.delimiter)
        self._line = 0
        header = self._next_record()
        if header is None:
            self._handle.close()
            raise BatchInputError(f"{path}: the file is empty")
        self.header = unique_header(header[1])

    def _next_record(self) -> tuple[int, list[str]] | None:
        """(first line, fields) of the next non-blank record, or None at the end."""
        while True:
            start = self._reader.line_num + 1
            try:
                fields = next(self._reader)
            except StopIteration:
                return None
            except UnicodeDecodeError as exc:
                raise BatchInputError(
                    f"{self.path}: line {self._reader.line_num + 1}: bytes that are not "
                    f"{self.format.encoding} ({exc.reason}); save the file in one encoding"
                ) from None
            if not _blank(fields):
                return start, fields

    def estimated_rows(self) -> int | None:
        lines = 0
        with self.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                lines += block.count(self.format.newline)
        return max(0, lines - 1)

    def rows(self) -> Iterator[Row]:
        width = len(self.header)
        number = 0
        while True:
            try:
                record = self._next_record()
            except csv.Error as exc:
                number += 1
                line = self._reader.line_num
                yield Row(number, f"line {line}", {}, f"malformed CSV: {exc}")
                continue
            if record is None:
                return
            start, fields = record
            number += 1
            if len(fields) > width and _blank(fields[width:]):
                fields = fields[:width]  # trailing empty cells, as spreadsheets export them
            values = dict(zip(self.header, fields, strict=False))
            problem = None
            if len(fields) != width:
                problem = f"{len(fields)} fields, the header has {width}"
            yield Row(number, f"line {start}", values, problem)

    def close(self) -> None:
        self._handle.close()


class ExcelTable:
    """The first (active) sheet of an .xlsx workbook, read in openpyxl's streaming mode."""

    def __init__(self, path: Path) -> None:
        import zipfile

        from openpyxl import load_workbook  # type: ignore[import-untyped]
        from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

        self.path = path
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
            raise BatchInputError(f"{path}: not a readable Excel workbook ({exc})") from None
        sheet = self._book.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            sheet = self._book.worksheets[0]
        self._sheet = sheet
        self._rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        for _, cells in self._rows:
            texts = [cell_text(c) for c in cells]
            if not _blank(texts):
                while texts and not texts[-1].strip():
                    texts.pop()
                self.header = unique_header(texts)
                break
        else:
            self._book.close()
            raise BatchInputError(f"{path}: the file is empty (sheet {sheet.title!r} has no rows)")

    def estimated_rows(self) -> int | None:
        total = self._sheet.max_row
        return max(0, int(total) - 1) if total else None

    def rows(self) -> Iterator[Row]:
        width = len(self.header)
        number = 0
        title = self._sheet.title
        for sheet_row, cells in self._rows:
            texts = [cell_text(c) for c in cells]
            if _blank(texts):
                continue
            number += 1
            values = dict(zip(self.header, texts, strict=False))
            extra = [i for i, t in enumerate(texts[width:], start=width + 1) if t.strip()]
            problem = f"a value in column {extra[0]}, which has no header" if extra else None
            yield Row(number, f"sheet {title!r} row {sheet_row}", values, problem)

    def close(self) -> None:
        self._book.close()


class ParquetTable:
    """A Parquet file, read a record batch at a time with pyarrow."""

    def __init__(self, path: Path) -> None:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        self.path = path
        try:
            self._file = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise BatchInputError(f"{path}: not a readable Parquet file ({exc})") from None
        names = list(self._file.schema_arrow.names)
        if not names:
            raise BatchInputError(f"{path}: the file is empty (no columns)")
        self.header = unique_header(names)

    def estimated_rows(self) -> int | None:
        return int(self._file.metadata.num_rows)

    def rows(self) -> Iterator[Row]:
        number = 0
        for batch in self._file.iter_batches(batch_size=8192):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                number += 1
                texts = {h: cell_text(v) for h, v in zip(self.header, values, strict=True)}
                yield Row(number, f"record {number}", texts)

    def close(self) -> None:
        self._file.close()


class JsonLinesTable:
    """One JSON object per line; the columns are every key, in order of first appearance."""

    def __init__(self, path: Path) -> None:
        self.path = path
        keys: dict[str, None] = {}
        lines = 0
        # A first pass collects the keys: an output file needs its columns before
        # its first row, and any object may bring a key the first ones lack.
        for _, _, record in self._records():
            lines += 1
            if isinstance(record, dict):
                keys.update(dict.fromkeys(str(k) for k in record))
        if not lines:
            raise BatchInputError(f"{path}: the file is empty")
        if not keys:
            raise BatchInputError(f"{path}: no line holds a JSON object")
        self._keys = list(keys)
        self.header = unique_header(self._keys)
        self._count = lines

    def _records(self) -> Iterator[tuple[int, str | None, Any]]:
        """(line number, problem, decoded value) of each non-blank line."""
        with self.path.open("rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                if line_number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                try:
                    yield line_number, None, json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    yield line_number, "not valid UTF-8", None
                except json.JSONDecodeError as exc:
                    yield line_number, f"invalid JSON: {exc.msg} at column {exc.colno}", None

    def estimated_rows(self) -> int | None:
        return self._count

    def rows(self) -> Iterator[Row]:
        renamed = dict(zip(self._keys, self.header, strict=True))
        for number, (line_number, problem, record) in enumerate(self._records(), start=1):
            location = f"line {line_number}"
            if problem is not None:
                yield Row(number, location, {}, problem)
            elif not isinstance(record, dict):
                yield Row(number, location, {}, f"a JSON {type(record).__name__}, not an object")
            else:
                values = {renamed[str(k)]: cell_text(v) for k, v in record.items()}
                yield Row(number, location, values)

    def close(self) -> None:
        pass
