"""Tables of monitoring, on the store's own `metadata`; migration 0001 creates them.

Plain column types only (Integer, String, Text, Float, Boolean), so the same
tables work on SQLite and PostgreSQL. Runs and their hits are written once and
never updated: they are the evidence of what the system answered, and when.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from clearance.store.schema import metadata

#: longest user id kept as a row key as it is; longer ones are hashed (see portfolio.row_key)
KEY_LENGTH = 200

portfolios = Table(
    "monitor_portfolios",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("source", Text, nullable=False),  # the file the rows last came from
    Column("columns", Text, nullable=False),  # JSON: field -> header name, as resolved
    Column("version", Integer, nullable=False),  # +1 on every add that changed a row
    Column("row_count", Integer, nullable=False),
)

#: the rows as last added; `since_version` is the portfolio version in which the
#: row's screened fields were last added or changed, so a run knows what is new
rows = Table(
    "monitor_rows",
    metadata,
    Column("portfolio_id", Integer, ForeignKey("monitor_portfolios.id"), primary_key=True),
    Column("key", String(KEY_LENGTH + 10), primary_key=True),
    Column("number", Integer, nullable=False),  # data row in the last file (1-based)
    Column("row_id", Text, nullable=False),  # the user's id cell, "" without one
    Column("name", Text, nullable=False),
    Column("schema", Text, nullable=False),
    Column("country", Text, nullable=False),
    Column("birth_date", Text, nullable=False),
    Column("fields_hash", String(64), nullable=False),
    Column("since_version", Integer, nullable=False),
)

#: one row per `monitor add`: what it changed (the portfolio's own history)
updates = Table(
    "monitor_updates",
    metadata,
    Column("portfolio_id", Integer, ForeignKey("monitor_portfolios.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("source", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("added", Integer, nullable=False),
    Column("changed", Integer, nullable=False),
    Column("removed", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),  # rows folded into an identical one
)

runs = Table(
    "monitor_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("portfolio_id", Integer, ForeignKey("monitor_portfolios.id"), nullable=False),
    Column("previous_run_id", Integer),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40), nullable=False),
    Column("seconds", Float, nullable=False),
    Column("snapshot_id", Integer, nullable=False),
    Column("list_versions", Text, nullable=False),  # JSON: dataset -> {release, as_of}
    Column("portfolio_version", Integer, nullable=False),
    Column("scorer", String(80), nullable=False),  # code and index format the scores come from
    Column("threshold", Float, nullable=False),
    Column("hit_limit", Integer, nullable=False),
    Column("incremental", Boolean, nullable=False),
    Column("reason", Text, nullable=False),  # what changed since the previous run, in words
    Column("rows", Integer, nullable=False),
    Column("rows_full", Integer, nullable=False),  # screened against every listed entity
    Column("rows_incremental", Integer, nullable=False),  # only checked against the change
    Column("errors", Integer, nullable=False),
    Column("hits", Integer, nullable=False),
    Column("matches", Integer, nullable=False),
    Column("new_hits", Integer, nullable=False),
    Column("changed_hits", Integer, nullable=False),
    Column("gone_hits", Integer, nullable=False),
)
Index("ix_monitor_runs_portfolio", runs.c.portfolio_id, runs.c.id)

#: the hits of each run (status new / changed / same), and the previous run's hits
#: that are gone (status gone, with their last score), per (run, row key, entity id)
hits = Table(
    "monitor_hits",
    metadata,
    Column("run_id", Integer, ForeignKey("monitor_runs.id"), primary_key=True),
    Column("row_key", String(KEY_LENGTH + 10), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("status", String(10), nullable=False),
    Column("rank", Integer, nullable=False),  # position among the row's hits (screen() order)
    Column("row_id", Text, nullable=False),
    Column("query", Text, nullable=False),  # the name as screened
    Column("dataset", String(80), nullable=False),
    Column("schema", String(40), nullable=False),
    Column("caption", Text, nullable=False),
    Column("lists", Text, nullable=False),  # JSON list
    Column("matched_name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("match", Boolean, nullable=False),
    Column("explanation", Text, nullable=False),
)

#: each row's candidates' bar (matching.candidates.CandidateBar) from its last
#: screening, which lets the next run prove that a list change cannot reach the
#: row (monitor/scope.py). Not evidence but a working aid: a run rewrites the bars
#: of the rows it screens, and the pool counts of the rows it spares. `best` NULL:
#: any change the row reaches counts; `rank` NULL: no name was left out.
row_bars = Table(
    "monitor_row_bars",
    metadata,
    Column("portfolio_id", Integer, ForeignKey("monitor_portfolios.id"), primary_key=True),
    Column("row_key", String(KEY_LENGTH + 10), primary_key=True),
    Column("run_id", Integer, nullable=False),  # the run that screened the row
    Column("best", Float),
    Column("floor", Float),
    Column("rank", Float),
    Column("scored", Integer),  # CandidateBar's pool counts (NULL: kept before they were)
    Column("ranked", Integer),
    Column("script", String(20)),  # the name as normalised (NULL: kept before it was)
    Column("tokens", Text),
    # the scored parties' `party_key`s, packed (NULL: kept before they were)
    Column("parties", LargeBinary),
    Column("edge", Float),  # the cut ranking's last shared weight (NULL: not cut)
    Column("window", LargeBinary),  # the ranking around the bar, packed (NULL: not kept)
)
