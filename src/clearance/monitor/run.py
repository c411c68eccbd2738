"""A monitoring run: re-screen what can have changed, compare with the last run, keep the evidence.

Rows added or changed since the previous run are screened against every
listed entity. The other rows keep their previous hits unless the lists
changed in a way that can reach them (`scope`), in which case they are
screened again too; the result equals a full re-screen. Each run is recorded,
even when nothing changed: when, against which snapshot and list versions,
how many rows were screened and how, every hit, and what is new, changed or
gone since the previous run.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Integer, String, and_, bindparam, literal, select

from clearance import __version__
from clearance.batch.progress import Reporter, SilentReporter
from clearance.cases.hooks import monitor_alerts
from clearance.index.persist import FORMAT_VERSION, collector_paused
from clearance.matching.candidates import _query_keys
from clearance.monitor import schema as t
from clearance.monitor.bars import packed_parties, packed_window, screened_rows
from clearance.monitor.errors import MonitorError
from clearance.monitor.portfolio import Portfolio, PortfolioRow, list_portfolios, load_rows
from clearance.monitor.rescreen import RowOutcome, RowScreening
from clearance.monitor.scope import (
    ListScope,
    NoListChange,
    Scope,
    Screened,
    Spared,
    list_change,
    snapshot_index,
)
from clearance.monitor.sounds import BookSounds, sounds_path
from clearance.screening import Hit, Screener
from clearance.store.store import Store, utc_now

#: hits kept per row, as `clearance screen` and `clearance batch` default to
DEFAULT_LIMIT = 10
#: rows checked, then screened, together: a query repeated within a window is screened once
WINDOW = 20_000
#: row keys per DELETE statement (SQLite allows 32,766 parameters)
BATCH = 5_000
#: bars read and unpacked at a time
BARS_READ = 20_000

ReporterFactory = Callable[[str, int | None], Reporter]


def scorer_version() -> str:
    """What the scores depend on besides the lists: results of another version are not reused."""
    return f"clearance {__version__}, index format {FORMAT_VERSION}"


#: a score moving by less than this is drift from other names' weights, not a change
SCORE_CHANGE = 0.01


@dataclass(frozen=True, slots=True)
class RunHit:
    row_key: str
    row_id: str
    query: str
    entity_id: str
    dataset: str
    schema: str
    caption: str
    lists: tuple[str, ...]
    matched_name: str
    score: float
    match: bool
    explanation: str
    rank: int  # position among the row's hits, in screen() order
    status: str = "new"  # new / changed / same, or gone (a previous run's hit)

    def differs_from(self, other: RunHit) -> bool:
        """A changed hit: another name matched, the match decision flipped, or the score
        moved by a visible amount. Any list change shifts every name part's weight a
        little, so scores drift in the fourth decimal; reporting that drift as a change
        would bury the changes a user must look at."""
        return (
            self.matched_name != other.matched_name
            or self.match != other.match
            or abs(self.score - other.score) >= SCORE_CHANGE
        )

    def with_status(self, status: str) -> RunHit:
        """The hit with another status; `dataclasses.replace` does the same at twice the
        cost, which shows when a run marks a hundred thousand hits."""
        return RunHit(
            self.row_key, self.row_id, self.query, self.entity_id, self.dataset, self.schema,
            self.caption, self.lists, self.matched_name, self.score, self.match,
            self.explanation, self.rank, status,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "row_key": self.row_key,
            "row_id": self.row_id,
            "query": self.query,
            "status": self.status,
            "entity_id": self.entity_id,
            "dataset": self.dataset,
            "schema": self.schema,
            "caption": self.caption,
            "lists": list(self.lists),
            "matched_name": self.matched_name,
            "score": self.score,
            "match": self.match,
            "explanation": self.explanation,
            "rank": self.rank,
        }


@dataclass(frozen=True)
class RunRecord:
    id: int
    portfolio: str
    previous_run_id: int | None
    started_at: str
    finished_at: str
    seconds: float
    snapshot_id: int
    list_versions: dict[str, dict[str, str | None]]  # dataset -> release id, as-of date
    portfolio_version: int
    scorer: str
    threshold: float
    hit_limit: int
    incremental: bool
    reason: str
    rows: int
    rows_full: int
    rows_incremental: int
    errors: int
    hits: int
    matches: int
    new_hits: int
    changed_hits: int
    gone_hits: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.id,
            "portfolio": self.portfolio,
            "previous_run": self.previous_run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "seconds": self.seconds,
            "snapshot": self.snapshot_id,
            "list_versions": self.list_versions,
            "portfolio_version": self.portfolio_version,
            "scorer": self.scorer,
            "threshold": self.threshold,
            "hit_limit": self.hit_limit,
            "incremental": self.incremental,
            "reason": self.reason,
            "rows": self.rows,
            "rows_full": self.rows_full,
            "rows_incremental": self.rows_incremental,
            "errors": self.errors,
            "hits": self.hits,
            "matches": self.matches,
            "new_hits": self.new_hits,
            "changed_hits": self.changed_hits,
            "gone_hits": self.gone_hits,
        }


@dataclass
class RunResult:
    record: RunRecord
    #: this run's hits, row by row in portfolio order; from a run asked for its changes
    #: only (`run_portfolio(every_hit=False)`), its new and changed hits (the run records
    #: every hit: `run_hits` reads them)
    hits: list[RunHit]
    gone: list[RunHit]  # the previous run's hits that are not hits any more
    problems: list[str] = field(default_factory=list)  # rows that could not be screened
    alerts: int = 0  # new alerts the run raised (clearance.cases)

    @property
    def changes(self) -> list[RunHit]:
        """New and changed hits, then gone ones: what a user has to look at."""
        return [h for h in self.hits if h.status in ("new", "changed")] + self.gone


@dataclass
class _Plan:
    incremental: bool
    reason: str
    scope: Scope
    previous: RunRecord | None
    #: row key -> hits in rank order: every row's, or (a run after which only the
    #: changes are needed) none yet, and then the rows' whose hits the run works out
    previous_hits: dict[str, list[RunHit]]
    #: row key -> what the check needs of its previous hits (an incremental run)
    earlier: dict[str, list[Earlier]] = field(default_factory=dict)
    screened: dict[str, Screened] = field(default_factory=dict)  # row key -> its last screening
    #: the book's look-up keys' sound keys, kept for runs after a list change (None: not
    #: needed by this run)
    sounds: BookSounds | None = None


def run_portfolio(
    store: Store,
    screener: Screener,
    portfolio: Portfolio,
    *,
    full: bool = False,
    record: bool = True,
    progress: ReporterFactory | None = None,
    workers: int = 1,
    every_hit: bool = True,
) -> RunResult:
    """Re-screen `portfolio` against the screener's snapshot and (by default) record the run.

    `full` screens every row against everything; `record=False` computes the run
    without storing it (a reference to compare an incremental run with);
    `workers` > 1 screens in that many processes (`rescreen.RowScreening`);
    `every_hit=False` returns only the new and changed hits (what `clearance monitor
    run` shows): an incremental run then reads only what its checks need of the
    previous hits of the rows it spares, and none of those rows' hits unless they
    are matches (alerts are raised for every match), while the database copies them
    into the run's record."""
    # A run holds millions of small objects until it ends (the book, its bars, the
    # previous hits, the check's caches) and makes no reference cycles worth collecting
    # before then; the collector's full passes walked them all again and again (13
    # passes, 1.8 s of a 20 s incremental run at 100,000 rows). Whatever cycles a run
    # leaves are collected once it ends, when the collector runs again.
    with collector_paused():
        return _run_portfolio(
            store, screener, portfolio, full, record, progress, workers, every_hit
        )


def _run_portfolio(
    store: Store,
    screener: Screener,
    portfolio: Portfolio,
    full: bool,
    record: bool,
    progress: ReporterFactory | None,
    workers: int,
    every_hit: bool,
) -> RunResult:
    started, clock = utc_now(), time.perf_counter()
    snapshot_id = int(screener.snapshot)
    threshold, limit = screener.default_threshold, DEFAULT_LIMIT
    portfolio, rows = load_rows(store, portfolio)
    plan = _plan(store, screener, portfolio, snapshot_id, threshold, limit, full, every_hit)
    # rows spared without their hits read (`every_hit=False`), and those whose hits on
    # parties concerned were worked out, with those hits: done once the previous hits
    # of the rows that need them are read
    unread: list[PortfolioRow] = []
    reworked: list[tuple[PortfolioRow, dict[str, Hit | None]]] = []
    version = plan.previous.portfolio_version if plan.previous else 0
    report = (progress or (lambda _d, _t: SilentReporter()))(
        f"monitoring {portfolio.name}", len(rows)
    )

    hits: list[RunHit] = []
    problems: list[str] = []
    bars: dict[str, Screened | None] = {}  # of the rows screened
    moved: dict[str, Screened] = {}  # of the rows spared whose pools gained or lost names
    rescored: set[str] = set()  # rows spared whose hits on parties concerned were worked out
    screening = RowScreening(screener, threshold, limit, workers=workers, home=store.home)

    def take(
        window: list[PortfolioRow],
        spared: list[Spared | None],
        screened: Callable[[], list[RowOutcome]],
    ) -> None:
        """A window's hits, in order: kept, worked out, or from its rows screened."""
        outcomes = iter(screened())
        for row, keep in zip(window, spared, strict=True):
            if keep is not None:
                if keep.rescored:
                    reworked.append((row, keep.rescored))
                    rescored.add(row.key)
                elif every_hit or not plan.incremental:
                    hits.extend(_kept_hits(row, plan.previous_hits.get(row.key, [])))
                else:
                    unread.append(row)
                continue
            outcome = next(outcomes)
            if isinstance(outcome, str):
                problems.append(f"row {row.shown_id}: {outcome}")
                bars[row.key] = None
            else:
                hits.extend(_hit(row, rank, h) for rank, h in enumerate(outcome[0]))
                bars[row.key] = outcome[1]

    # With workers, an incremental run's rows screened again go to them while this
    # process checks the next window's rows (`RowScreening.submit`); their hits are
    # taken after that.
    waiting: tuple[list[PortfolioRow], list[Spared | None], Callable[[], list[RowOutcome]]]
    waiting = ([], [], list)
    try:
        with screening:
            for start in range(0, len(rows), WINDOW):
                window = rows[start : start + WINDOW]
                spared = _spared(plan, window, version, moved)
                report.advance(sum(s is not None for s in spared))
                todo = [row for row, keep in zip(window, spared, strict=True) if keep is None]
                screened = screening.submit([r.query for r in todo], report.advance)
                if screening.workers == 1 or not plan.incremental:
                    # screened here and now, or every row of a full run: nothing to
                    # check meanwhile, and its progress shows as the workers send rows
                    take(window, spared, screened)
                    continue
                take(*waiting)
                waiting = (window, spared, screened)
            take(*waiting)
    finally:
        report.finish()
    # entities the list change touched: a hit on one may re-open an alert unchanged
    scope = plan.scope
    touched = scope.change.entities if isinstance(scope, ListScope) else frozenset()
    # hits and matches of rows spared whose hits were not read
    unread_hits = unread_matches = 0
    if plan.incremental and not every_hit:
        # the previous hits of the rows whose hits this run works out or compares, of
        # the rows gone from the book, and of the rows spared with a match on an entity
        # the change touched (the only spared hits offered for alerts)
        present = {row.key for row in rows}
        wanted = bars.keys() | rescored | (plan.earlier.keys() - present)
        wanted |= {
            r.key
            for r in unread
            if any(e[3] and e[0] in touched for e in plan.earlier.get(r.key, ()))
        }
        assert plan.previous is not None  # an incremental run follows one
        plan.previous_hits = load_hits(store, plan.previous.id, wanted)
        for row in unread:
            if row.key in plan.previous_hits:
                hits.extend(_kept_hits(row, plan.previous_hits[row.key]))
            else:
                earlier = plan.earlier.get(row.key, ())
                unread_hits += len(earlier)
                unread_matches += sum(e[3] for e in earlier)
    for row, reworked_hits in reworked:
        previous = plan.previous_hits.get(row.key, [])
        hits.extend(_rescored_hits(row, previous, reworked_hits, limit))
    if reworked:  # in the book's order again (stable: each row's hits stay in order)
        order = {row.key: number for number, row in enumerate(rows)}
        hits.sort(key=lambda h: order[h.row_key])
    hits, gone = _compare(hits, plan.previous_hits)
    record_ = RunRecord(
        id=0,
        portfolio=portfolio.name,
        previous_run_id=plan.previous.id if plan.previous else None,
        started_at=started,
        finished_at=utc_now(),
        seconds=round(time.perf_counter() - clock, 3),
        snapshot_id=snapshot_id,
        list_versions=list_versions(store, snapshot_id),
        portfolio_version=portfolio.version,
        scorer=scorer_version(),
        threshold=threshold,
        hit_limit=limit,
        incremental=plan.incremental,
        reason=plan.reason,
        rows=len(rows),
        rows_full=len(bars),
        rows_incremental=len(rows) - len(bars),
        errors=len(problems),
        hits=len(hits) + unread_hits,
        matches=sum(h.match for h in hits) + unread_matches,
        new_hits=sum(h.status == "new" for h in hits),
        changed_hits=sum(h.status == "changed" for h in hits),
        gone_hits=len(gone),
    )
    raised = 0
    if record:
        record_ = _record(store, portfolio, record_, hits, gone, bars, moved, rescored)
        # cases: match hits raise alerts (not for pairs open, or decided on this entity
        # version); after an incremental run, a hit as it was on an entity the lists left
        # as it was raises nothing either way, so only the others are offered
        offered = _worth_offering(hits, touched) if plan.incremental else hits
        raised = len(
            monitor_alerts(
                store, portfolio.name, rows, offered, run_id=record_.id, snapshot_id=snapshot_id
            )
        )
        _keep_sounds(plan, rows, bars, screener)
    if not every_hit:
        hits = [h for h in hits if h.status in ("new", "changed")]
    return RunResult(record_, hits, gone, problems, alerts=raised)


def _worth_offering(hits: list[RunHit], touched: Collection[str]) -> list[RunHit]:
    """The match hits of an incremental run that may raise or re-open an alert: new and
    changed ones, and those on entities the list change `touched` (a programme added
    re-opens a cleared alert without moving the score)."""
    return [h for h in hits if h.match and (h.status != "same" or h.entity_id in touched)]


def _kept_hits(row: PortfolioRow, previous: list[RunHit]) -> Iterator[RunHit]:
    """A spared row's previous hits, with the row's id as it is now (`_compare` gives
    them their status)."""
    return (h if h.row_id == row.row_id else replace(h, row_id=row.row_id) for h in previous)


def _spared(
    plan: _Plan, rows: list[PortfolioRow], version: int, moved: dict[str, Screened]
) -> list[Spared | None]:
    """Which rows need not be screened again (new and changed rows always are); the
    spared rows whose pools gained or lost names go into `moved`."""
    if not plan.incremental:
        return [None] * len(rows)
    spared: list[Spared | None] = []
    earlier, screened, check = plan.earlier, plan.screened, plan.scope.check
    none: dict[str, Any] = {}  # (most rows had no hit: one empty mapping, never changed)
    for row in rows:
        if row.since_version > version:
            spared.append(None)
            continue
        key = row.key
        previous = earlier.get(key)
        names, scores = (
            ({e[0]: e[1] for e in previous}, {e[0]: e[2] for e in previous})
            if previous
            else (none, none)
        )
        before = screened.get(key)
        verdict = check(row.query, names, before, scores)
        spared.append(verdict)
        # (most verdicts hold the very bar the row had: no comparison field by field)
        if (
            verdict is not None
            and before is not None
            and verdict.screened is not before
            and verdict.screened != before
        ):
            moved[key] = verdict.screened
    return spared


def _rescored_hits(
    row: PortfolioRow, previous: list[RunHit], rescored: dict[str, Hit | None], limit: int
) -> list[RunHit]:
    """A spared row's hits with those of the parties worked out again replaced, in the
    order and number a screening keeps them (`Screener._screen`)."""
    kept: list[RunHit | Hit] = [h for h in previous if h.entity_id not in rescored]
    kept += [h for h in rescored.values() if h is not None]
    kept.sort(key=lambda h: (-h.score, h.entity_id))
    return [
        replace(h, row_id=row.row_id, rank=rank) if isinstance(h, RunHit) else _hit(row, rank, h)
        for rank, h in enumerate(kept[:limit])
    ]


def run_portfolios(
    store: Store,
    screener: Screener,
    portfolios: Sequence[Portfolio] | None = None,
    *,
    full: bool = False,
    progress: ReporterFactory | None = None,
    workers: int = 1,
    every_hit: bool = True,
) -> list[RunResult]:
    """Run the given portfolios, or every portfolio (`every_hit`: as `run_portfolio`)."""
    chosen = list(portfolios) if portfolios is not None else list_portfolios(store)
    if not chosen:
        raise MonitorError("no portfolios yet: add one with `clearance monitor add NAME FILE`")
    return [
        run_portfolio(
            store, screener, p, full=full, progress=progress, workers=workers, every_hit=every_hit
        )
        for p in chosen
    ]


def _hit(row: PortfolioRow, rank: int, hit: Hit) -> RunHit:
    return RunHit(
        row_key=row.key,
        row_id=row.row_id,
        query=row.name,
        entity_id=hit.entity_id,
        dataset=hit.dataset,
        schema=hit.schema,
        caption=hit.caption,
        lists=hit.lists,
        matched_name=hit.matched_name,
        score=hit.score,
        match=hit.match,
        explanation=hit.explanation,
        rank=rank,
    )


def _plan(
    store: Store,
    screener: Screener,
    portfolio: Portfolio,
    snapshot_id: int,
    threshold: float,
    limit: int,
    full: bool,
    every_hit: bool,
) -> _Plan:
    previous = last_run(store, portfolio)
    everything = NoListChange()

    def whole(reason: str) -> _Plan:
        sounds = BookSounds(sounds_path(store.home, portfolio.id), scorer_version(), {})
        earlier = load_hits(store, previous.id) if previous else {}
        return _Plan(False, reason, everything, previous, earlier, sounds=sounds)

    if full:
        return whole("full re-screen, as asked")
    if previous is None:
        return whole("first run")
    if previous.scorer != scorer_version():
        return whole(f"scorer changed since run {previous.id} ({previous.scorer})")
    if previous.threshold != threshold or previous.hit_limit != limit:
        return whole(f"threshold or hit limit changed since run {previous.id}")
    # what the checks need of every row's previous hits; the hits themselves, where
    # every hit is returned
    every = load_hits(store, previous.id) if every_hit else {}
    earlier = (
        {key: [_earlier(h) for h in found] for key, found in every.items()}
        if every_hit
        else load_earlier(store, previous.id)
    )
    rows_note = (
        f"portfolio version {previous.portfolio_version} → {portfolio.version}"
        if portfolio.version != previous.portfolio_version
        else "portfolio unchanged"
    )
    if previous.snapshot_id == snapshot_id:
        return _Plan(
            True, f"{rows_note}; lists unchanged", everything, previous, every, earlier=earlier
        )
    change = list_change(store, previous.snapshot_id, snapshot_id)
    sounds = BookSounds.load(store.home, portfolio.id, scorer_version())
    scope = ListScope(
        snapshot_index(store, previous.snapshot_id),
        screener,
        change,
        threshold,
        limit,
        sounds.table,
    )
    screened = load_screened(store, portfolio, parties=scope.reads_parties)
    reason = f"{rows_note}; {scope.reason}"
    return _Plan(True, reason, scope, previous, every, earlier, screened, sounds)


def _keep_sounds(
    plan: _Plan, rows: list[PortfolioRow], bars: dict[str, Screened | None], screener: Screener
) -> None:
    """What the next run after a list change probes the book by: the sound keys of the
    look-up keys of the rows screened here (those of the rows spared were made by
    their check), written afresh after a full run."""
    sounds = plan.sounds
    if sounds is None:
        return
    splits: dict[str, list[str]] = {}
    for row in rows:
        screened = bars.get(row.key)
        if screened is not None:
            keys = _query_keys(screened.normalized(row.query), screener.index, splits)
            sounds.add(keys, cached=True)
    sounds.save(afresh=not plan.incremental)


def _compare(
    hits: list[RunHit], previous: dict[str, list[RunHit]]
) -> tuple[list[RunHit], list[RunHit]]:
    """This run's hits with their status, and the previous hits that are gone."""
    before = {(h.row_key, h.entity_id): h for row in previous.values() for h in row}
    marked = []
    for hit in hits:
        old = before.pop((hit.row_key, hit.entity_id), None)
        status = "new" if old is None else "changed" if hit.differs_from(old) else "same"
        marked.append(hit if hit.status == status else hit.with_status(status))
    gone = [h.with_status("gone") for h in before.values()]
    return marked, gone


def list_versions(store: Store, snapshot_id: int) -> dict[str, dict[str, str | None]]:
    """dataset -> the release screened against and the as-of date its publisher gave."""
    snapshot = store.snapshot(snapshot_id)
    return {
        dataset: {"release": release, "as_of": store.release(release).published_at}
        for dataset, release in sorted(snapshot.releases.items())
    }


def _record(
    store: Store,
    portfolio: Portfolio,
    run: RunRecord,
    hits: list[RunHit],
    gone: list[RunHit],
    bars: dict[str, Screened | None],
    moved: dict[str, Screened],
    rescored: set[str],
) -> RunRecord:
    """The run, its hits and what it leaves for the next run, in one transaction
    (`bars`: the rows screened; `rescored`: rows spared whose hits were worked out)."""
    values = run.to_dict()
    for key in ("run", "portfolio", "previous_run", "snapshot"):
        values.pop(key)
    values["list_versions"] = json.dumps(run.list_versions, sort_keys=True)
    with store.engine.begin() as conn:
        inserted = conn.execute(
            t.runs.insert().values(
                portfolio_id=portfolio.id,
                previous_run_id=run.previous_run_id,
                snapshot_id=run.snapshot_id,
                **values,
            )
        )
        run_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
        previous = run.previous_run_id if run.incremental else None
        written = bars.keys() | rescored  # rows whose hits are written here, not copied
        if previous is not None:
            _carry_hits(conn, portfolio.id, run_id, previous, written)
        listed: dict[tuple[str, ...], str] = {}  # a hundred thousand hits name a few list sets
        rows = [
            _hit_row(run_id, h, listed) for h in hits if previous is None or h.row_key in written
        ]
        rows += [_hit_row(run_id, h, listed) for h in gone]
        if rows:
            conn.execute(t.hits.insert(), rows)
        _save_bars(conn, portfolio.id, run_id, bars, every_row=not run.incremental)
        _move_bars(conn, portfolio.id, moved)
    return replace(run, id=run_id)


def _carry_hits(
    conn: Connection,
    portfolio_id: int,
    run_id: int,
    previous_run_id: int,
    screened: Collection[str],
) -> None:
    """The spared rows' hits, copied by the database from the previous run's, with the
    row's id as it is now and the status `same` (what `_compare` gives a spared row's
    hits): most rows of a large book are spared, and writing their hits again one by
    one was most of a run's book-keeping. The rows screened (`screened`) and the rows
    no longer in the portfolio are left out; the caller writes the former."""
    h, r = t.hits.c, t.rows.c
    copied = [c for c in t.hits.columns if c.name not in ("run_id", "status", "row_id")]
    source = (
        select(
            literal(run_id, Integer),
            literal("same", String),
            r.row_id,
            *copied,
        )
        .select_from(t.hits.join(t.rows, and_(r.portfolio_id == portfolio_id, r.key == h.row_key)))
        .where(h.run_id == previous_run_id, h.status != "gone")
    )
    conn.execute(
        t.hits.insert().from_select(
            ["run_id", "status", "row_id", *(c.name for c in copied)], source
        )
    )
    for chunk in _batches(screened):
        conn.execute(t.hits.delete().where(h.run_id == run_id, h.row_key.in_(chunk)))


def _save_bars(
    conn: Connection,
    portfolio_id: int,
    run_id: int,
    bars: dict[str, Screened | None],
    every_row: bool,
) -> None:
    """Replace the screened rows' bars (all bars, when every row was screened)."""
    table = t.row_bars
    mine = table.c.portfolio_id == portfolio_id
    if every_row:
        conn.execute(table.delete().where(mine))
    else:
        for chunk in _batches(bars):
            conn.execute(table.delete().where(mine, table.c.row_key.in_(chunk)))
    values = [
        {
            "portfolio_id": portfolio_id,
            "row_key": key,
            "run_id": run_id,
            "best": None if bar.best == -math.inf else bar.best,
            "floor": None if bar.best == -math.inf else bar.floor,
            "rank": None if bar.rank == math.inf or bar.best == -math.inf else bar.rank,
            "scored": bar.scored,
            "ranked": bar.ranked,
            "script": screened.script,
            "tokens": " ".join(screened.tokens),
            "parties": packed_parties(bar.parties),
            "edge": None if bar.edge == math.inf else bar.edge,
            "window": packed_window(bar.window),
        }
        for key, screened in bars.items()
        if screened is not None
        for bar in (screened.bar,)
    ]
    if values:
        conn.execute(table.insert(), values)


def _batches(keys: Collection[str]) -> Iterator[list[str]]:
    """Row keys in lists of at most BATCH, one statement's parameters each."""
    listed = list(keys)
    for start in range(0, len(listed), BATCH):
        yield listed[start : start + BATCH]


def _move_bars(conn: Connection, portfolio_id: int, moved: dict[str, Screened]) -> None:
    """The bars of spared rows whose pools gained or lost names of the change, or whose
    candidates one party entered or left (`scope.ListScope`): then the rank moved,
    the window is no longer known, and the parties scored (unknown here when the
    run did not read them) are forgotten, so that a later change of one of them
    screens the row again. A cut ranking that gained or lost a name has an edge no
    longer known, stored as none: a later change reaching the row screens it."""
    if not moved:
        return
    table = t.row_bars
    mine = table.c.portfolio_id == portfolio_id, table.c.row_key == bindparam("key")
    conn.execute(
        table.update()
        .where(*mine)
        .values(
            scored=bindparam("new_scored"),
            ranked=bindparam("new_ranked"),
            rank=bindparam("new_rank"),
            window=bindparam("new_window"),
            edge=bindparam("new_edge"),
        ),
        [
            {
                "key": key,
                "new_scored": s.bar.scored,
                "new_ranked": s.bar.ranked,
                "new_rank": None if s.bar.rank == math.inf else s.bar.rank,
                "new_window": packed_window(s.bar.window),
                "new_edge": None if s.bar.edge == math.inf else s.bar.edge,
            }
            for key, s in moved.items()
        ],
    )
    shifted = [{"key": key} for key, s in moved.items() if s.shifted]
    if shifted:
        conn.execute(table.update().where(*mine).values(parties=None), shifted)


def load_screened(
    store: Store, portfolio: Portfolio, *, parties: bool = True
) -> dict[str, Screened]:
    """Row key -> what its last screening left (rows that could not be screened have none).
    `parties`: whether to unpack the parties each bar names (None otherwise); a run
    reads them only when a changed party's birth dates, countries or identifiers
    changed."""
    c = t.row_bars.c
    query = select(
        c.row_key, c.best, c.floor, c.rank, c.scored, c.ranked, c.script, c.tokens, c.parties,
        c.edge, c.window,
    ).where(c.portfolio_id == portfolio.id)  # fmt: skip
    # in parts: a million rows fetched at once held half a gigabyte of rows that were
    # unpacked and dropped right away
    found: dict[str, Screened] = {}
    with store.engine.connect() as conn:
        for part in conn.execute(query).partitions(BARS_READ):
            found.update(screened_rows(part, parties))
    return found


def _hit_row(run_id: int, hit: RunHit, listed: dict[tuple[str, ...], str]) -> dict[str, Any]:
    row = hit.to_dict()
    lists = listed.get(hit.lists)
    if lists is None:
        lists = listed[hit.lists] = json.dumps(list(hit.lists))
    row["lists"] = lists
    row["run_id"] = run_id
    return row


def _run_record(row: Any, portfolio: str) -> RunRecord:
    m = row._mapping
    return RunRecord(
        id=int(m["id"]),
        portfolio=portfolio,
        previous_run_id=m["previous_run_id"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        seconds=float(m["seconds"]),
        snapshot_id=int(m["snapshot_id"]),
        list_versions=json.loads(m["list_versions"]),
        portfolio_version=int(m["portfolio_version"]),
        scorer=m["scorer"],
        threshold=float(m["threshold"]),
        hit_limit=int(m["hit_limit"]),
        incremental=bool(m["incremental"]),
        reason=m["reason"],
        rows=int(m["rows"]),
        rows_full=int(m["rows_full"]),
        rows_incremental=int(m["rows_incremental"]),
        errors=int(m["errors"]),
        hits=int(m["hits"]),
        matches=int(m["matches"]),
        new_hits=int(m["new_hits"]),
        changed_hits=int(m["changed_hits"]),
        gone_hits=int(m["gone_hits"]),
    )


def runs(store: Store, portfolio: Portfolio, since: str | None = None) -> list[RunRecord]:
    """The portfolio's runs, oldest first; `since`: only those started at or after it."""
    query = select(t.runs).where(t.runs.c.portfolio_id == portfolio.id).order_by(t.runs.c.id)
    if since is not None:
        query = query.where(t.runs.c.started_at >= since)
    with store.engine.connect() as conn:
        return [_run_record(r, portfolio.name) for r in conn.execute(query)]


def last_run(store: Store, portfolio: Portfolio) -> RunRecord | None:
    query = (
        select(t.runs)
        .where(t.runs.c.portfolio_id == portfolio.id)
        .order_by(t.runs.c.id.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        found = conn.execute(query).first()
    return None if found is None else _run_record(found, portfolio.name)


def run_hits(
    store: Store, run_id: int, *, gone: bool = True, keys: Collection[str] | None = None
) -> list[RunHit]:
    """A run's hits in row-key and rank order (with the hits that were gone, unless not
    asked; of the rows `keys` only, if given)."""
    c = t.hits.c
    query = select(
        c.row_key, c.row_id, c.query, c.entity_id, c.dataset, c.schema, c.caption, c.lists,
        c.matched_name, c.score, c.match, c.explanation, c.rank, c.status,
    ).where(c.run_id == run_id)  # fmt: skip
    if not gone:
        query = query.where(c.status != "gone")
    if keys is not None:
        query = query.where(c.row_key.in_(keys))
    # a monitoring run reads its previous run's hits, a hundred thousand for a large
    # book: rows are unpacked as tuples, and the few distinct list sets decoded once
    lists: dict[str, tuple[str, ...]] = {}
    with store.engine.connect() as conn:
        found = conn.execute(query.order_by(c.row_key, c.rank))
        # (the columns are selected in RunHit's field order; each made as it is fetched)
        return [
            RunHit(
                row_key, row_id, name, entity_id, dataset, schema, caption,
                lists.get(listed) or lists.setdefault(listed, tuple(json.loads(listed))),
                matched_name, float(score), bool(match), explanation, int(rank), status,
            )
            for (
                row_key, row_id, name, entity_id, dataset, schema, caption, listed,
                matched_name, score, match, explanation, rank, status,
            ) in found
        ]  # fmt: skip


def load_hits(
    store: Store, run_id: int, keys: Collection[str] | None = None
) -> dict[str, list[RunHit]]:
    """A run's hits (not those gone) by row key, in rank order (of the rows `keys` only,
    if given)."""
    grouped: dict[str, list[RunHit]] = {}
    chunks: Iterator[list[str] | None] = iter([None]) if keys is None else _batches(keys)
    for chunk in chunks:
        for hit in run_hits(store, run_id, gone=False, keys=chunk):
            grouped.setdefault(hit.row_key, []).append(hit)
    return grouped


#: what a row's check needs of one of its previous hits: entity id, matched name,
#: score, and whether it is a match
Earlier = tuple[str, str, float, bool]


def _earlier(hit: RunHit) -> Earlier:
    return hit.entity_id, hit.matched_name, hit.score, hit.match


def load_earlier(store: Store, run_id: int) -> dict[str, list[Earlier]]:
    """A run's hits (not those gone) by row key, as much as a check needs of them: an
    incremental run reads a large book's hits this way, several times faster than
    the whole hits, and the whole hits of the few rows it works out."""
    c = t.hits.c
    query = select(c.row_key, c.entity_id, c.matched_name, c.score, c.match).where(
        c.run_id == run_id, c.status != "gone"
    )
    grouped: dict[str, list[Earlier]] = {}
    with store.engine.connect() as conn:
        for key, entity_id, matched_name, score, match in conn.execute(query):
            grouped.setdefault(key, []).append((entity_id, matched_name, float(score), bool(match)))
    return grouped
