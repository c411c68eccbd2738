"""Portfolios: a book's rows kept in the store, each under a key that survives re-exports.

`monitor add NAME FILE` reads the book with the batch readers and column
detection, checks every row as a batch would screen it, and replaces the
stored rows in one transaction, remembering which rows are new or changed (the
portfolio `version` in which each row's screened fields last changed). A
failed add changes nothing: the file is read and checked before the
transaction starts.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from clearance.batch.columns import ColumnMap, parse_map, resolve_columns
from clearance.batch.errors import BatchInputError
from clearance.batch.progress import Reporter, SilentReporter
from clearance.batch.queries import RawQuery, raw_query, row_id, screen_row
from clearance.batch.readers import Row, open_table
from clearance.monitor import schema as t
from clearance.monitor.errors import MonitorError
from clearance.screening import DEFAULT_THRESHOLD, Screener
from clearance.store.store import Store, utc_now

MAX_NAME_LENGTH = 200
#: rows between progress updates
PROGRESS_STEP = 1000

ReporterFactory = Callable[[str, int | None], Reporter]


class PortfolioRow(NamedTuple):
    """One row of a portfolio as stored. A named tuple, not a frozen dataclass: a
    monitoring run reads every row of the book, and a frozen dataclass's
    constructor sets each field through `object.__setattr__`."""

    key: str
    number: int  # data row in the file it was last added from (1-based)
    row_id: str  # the user's id cell, "" if the book has none for this row
    name: str
    schema: str
    country: str
    birth_date: str
    fields_hash: str
    since_version: int = 0  # the portfolio version in which the screened fields last changed

    @property
    def query(self) -> RawQuery:
        return RawQuery(self.name, self.schema, self.country, self.birth_date)

    @property
    def shown_id(self) -> str:
        """What the user looks the row up by: their id, else the row number."""
        return self.row_id or str(self.number)


@dataclass(frozen=True)
class Portfolio:
    id: int
    name: str
    created_at: str
    updated_at: str
    source: str
    columns: dict[str, str]
    version: int
    row_count: int


@dataclass(frozen=True)
class UpdateSummary:
    portfolio: Portfolio
    created: bool
    rows: int
    added: int
    changed: int
    removed: int
    unchanged: int
    duplicates: int  # rows identical to an earlier row of the file, kept once


def fields_hash(query: RawQuery) -> str:
    """A digest of what is screened, blind to spacing a re-export may change."""
    cells = (" ".join(cell.split()) for cell in query)
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()


def row_key(user_id: str, digest: str) -> str:
    """The row's key: the user's id if the book has one, else a hash of its screened fields.

    An id is what the user's own systems track a party by, so a renamed customer
    stays one row whose name changed. Without an id, nothing but the screened
    fields identifies a row (its position moves whenever rows are inserted or
    sorted), so an edited row becomes a new row and the old one is removed; that
    is right, since it is a different query. Hashed keys start with '#'.
    """
    if not user_id:
        return "#" + digest[:32]
    if len(user_id) <= t.KEY_LENGTH:
        return user_id
    return "#id:" + hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:40]


def check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise MonitorError("portfolio name: must not be empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise MonitorError(f"portfolio name: at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise MonitorError(f"portfolio name: {cleaned!r} contains a control character")
    return cleaned


def read_rows(
    path: Path,
    mapping: Sequence[str] = (),
    progress: ReporterFactory | None = None,
) -> tuple[list[PortfolioRow], ColumnMap, int]:
    """The file's rows (keyed, checked as a batch would screen them), its columns, and
    how many duplicate rows were folded. Raises BatchInputError naming file, row, problem."""
    table = open_table(path)
    try:
        columns = resolve_columns(table.header, parse_map(mapping), path)
        report = (progress or (lambda _d, _t: SilentReporter()))(
            f"reading {path.name}", table.estimated_rows()
        )
        try:
            rows, duplicates = _keyed_rows(path, table.rows(), columns, report)
        finally:
            report.finish()
    finally:
        table.close()
    if not rows:
        raise BatchInputError(f"{path}: no rows to screen (only a header)")
    return rows, columns, duplicates


def _keyed_rows(
    path: Path, source: Iterable[Row], columns: ColumnMap, report: Reporter
) -> tuple[list[PortfolioRow], int]:
    # An empty index: screen_row then checks a row exactly as a batch run would
    # (blank cells, type words, countries, dates) without needing any list loaded.
    checker = Screener.from_entities((), snapshot="check")
    kept: dict[str, tuple[PortfolioRow, Row]] = {}
    duplicates = 0
    for row in source:
        if row.number % PROGRESS_STEP == 0:
            report.advance(PROGRESS_STEP)
        shown = row_id(row.values, columns, row.number)
        where = f"{path}: row {row.number} ({row.location}"
        where += "" if shown == str(row.number) else f", id {shown}"
        if row.problem is not None:
            raise BatchInputError(f"{where}): {row.problem}")
        query = raw_query(row.values, columns)
        outcome = screen_row(checker, query, DEFAULT_THRESHOLD, 1)
        if isinstance(outcome, str):
            raise BatchInputError(f"{where}): {outcome}")
        user_id = row.values.get(columns.id, "").strip() if columns.id is not None else ""
        digest = fields_hash(query)
        key = row_key(user_id, digest)
        entry = PortfolioRow(key, row.number, user_id, *query, fields_hash=digest)
        earlier = kept.get(key)
        if earlier is None:
            kept[key] = (entry, row)
        elif earlier[0].fields_hash == digest:
            duplicates += 1
        else:
            raise BatchInputError(
                f"{where}): id {user_id!r} is also on row {earlier[1].number} "
                f"({earlier[1].location}) with other values; ids must be unique"
            )
    return [entry for entry, _row in kept.values()], duplicates


def save_portfolio(
    store: Store,
    name: str,
    path: Path,
    mapping: Sequence[str] = (),
    progress: ReporterFactory | None = None,
) -> UpdateSummary:
    """Create the portfolio, or update it to the file's rows, in one transaction."""
    name = check_name(name)
    rows, columns, duplicates = read_rows(path, mapping, progress)
    now = utc_now()
    column_json = json.dumps(
        {f: getattr(columns, f) for f in ("name", "country", "birth_date", "schema", "id")},
        ensure_ascii=False,
    )
    with store.engine.begin() as conn:
        found = conn.execute(select(t.portfolios).where(t.portfolios.c.name == name)).first()
        created = found is None
        if found is None:
            inserted = conn.execute(
                t.portfolios.insert().values(
                    name=name,
                    created_at=now,
                    updated_at=now,
                    source=str(path.resolve()),
                    columns=column_json,
                    version=0,
                    row_count=0,
                )
            )
            portfolio_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
            old_version = 0
        else:
            portfolio_id, old_version = int(found.id), int(found.version)
        previous = _stored_hashes(conn, portfolio_id)
        added = sum(1 for r in rows if r.key not in previous)
        changed = sum(1 for r in rows if r.key in previous and previous[r.key][0] != r.fields_hash)
        removed = len(previous.keys() - {r.key for r in rows})
        version = old_version + 1 if (added or changed or removed or created) else old_version
        stored = [
            {
                "portfolio_id": portfolio_id,
                "key": r.key,
                "number": r.number,
                "row_id": r.row_id,
                "name": r.name,
                "schema": r.schema,
                "country": r.country,
                "birth_date": r.birth_date,
                "fields_hash": r.fields_hash,
                "since_version": (
                    previous[r.key][1]
                    if r.key in previous and previous[r.key][0] == r.fields_hash
                    else version
                ),
            }
            for r in rows
        ]
        conn.execute(t.rows.delete().where(t.rows.c.portfolio_id == portfolio_id))
        conn.execute(t.rows.insert(), stored)
        conn.execute(
            t.portfolios.update()
            .where(t.portfolios.c.id == portfolio_id)
            .values(
                updated_at=now,
                source=str(path.resolve()),
                columns=column_json,
                version=version,
                row_count=len(rows),
            )
        )
        seq = conn.execute(
            select(func.max(t.updates.c.seq)).where(t.updates.c.portfolio_id == portfolio_id)
        ).scalar_one_or_none()
        conn.execute(
            t.updates.insert().values(
                portfolio_id=portfolio_id,
                seq=(seq or 0) + 1,
                at=now,
                source=str(path.resolve()),
                version=version,
                rows=len(rows),
                added=added,
                changed=changed,
                removed=removed,
                duplicates=duplicates,
            )
        )
    return UpdateSummary(
        portfolio=get_portfolio(store, name),
        created=created,
        rows=len(rows),
        added=added,
        changed=changed,
        removed=removed,
        unchanged=len(rows) - added - changed,
        duplicates=duplicates,
    )


def _stored_hashes(conn: Connection, portfolio_id: int) -> dict[str, tuple[str, int]]:
    found = conn.execute(
        select(t.rows.c.key, t.rows.c.fields_hash, t.rows.c.since_version).where(
            t.rows.c.portfolio_id == portfolio_id
        )
    )
    return {r.key: (r.fields_hash, int(r.since_version)) for r in found}


def _portfolio(row: Any) -> Portfolio:
    mapping = row._mapping
    return Portfolio(
        id=int(mapping["id"]),
        name=mapping["name"],
        created_at=mapping["created_at"],
        updated_at=mapping["updated_at"],
        source=mapping["source"],
        columns=json.loads(mapping["columns"]),
        version=int(mapping["version"]),
        row_count=int(mapping["row_count"]),
    )


def list_portfolios(store: Store) -> list[Portfolio]:
    with store.engine.connect() as conn:
        found = conn.execute(select(t.portfolios).order_by(t.portfolios.c.name))
        return [_portfolio(r) for r in found]


def get_portfolio(store: Store, name: str) -> Portfolio:
    """The portfolio called `name`, or MonitorError naming the ones there are."""
    with store.engine.connect() as conn:
        found = conn.execute(select(t.portfolios).where(t.portfolios.c.name == name)).first()
    if found is None:
        known = [p.name for p in list_portfolios(store)]
        hint = f"; portfolios: {', '.join(known)}" if known else "; add one with `monitor add`"
        raise MonitorError(f"no portfolio named {name!r}{hint}")
    return _portfolio(found)


def load_rows(store: Store, portfolio: Portfolio) -> tuple[Portfolio, list[PortfolioRow]]:
    """The portfolio as it is now and its rows in the order of the file they were last added
    from, read in one transaction so that the version matches the rows."""
    with store.engine.connect() as conn, conn.begin():
        found = conn.execute(select(t.portfolios).where(t.portfolios.c.id == portfolio.id)).first()
        if found is None:
            raise MonitorError(f"no portfolio named {portfolio.name!r} (removed meanwhile)")
        c = t.rows.c
        rows = conn.execute(
            select(
                c.key,
                c.number,
                c.row_id,
                c.name,
                c.schema,
                c.country,
                c.birth_date,
                c.fields_hash,
                c.since_version,
            )
            .where(c.portfolio_id == portfolio.id)
            .order_by(c.number)
        )
        # (integer columns come back as int from SQLite and PostgreSQL alike; made as they
        # are fetched, not after a list of a million fetched rows)
        return _portfolio(found), list(map(PortfolioRow._make, rows))
