"""Monitoring runs in worker processes give what a run in one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.monitor.conftest import respelt_un, write_book
from tests.monitor.test_incremental import answers, gone

from clearance import Screener
from clearance.ingest import load
from clearance.monitor import rescreen
from clearance.monitor import run as run_module
from clearance.monitor.portfolio import get_portfolio, load_rows, save_portfolio
from clearance.monitor.run import DEFAULT_LIMIT, load_screened, run_portfolio
from clearance.store.store import Store


def test_runs_in_two_worker_processes_equal_runs_in_one(
    monitor_home: Path, shared_lists: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rescreen, "CHUNK", 7)  # small chunks: the few rows re-screened use the pool
    # small windows: each one's rows are screened by the workers while the next one's
    # are checked, and its hits taken in order after that
    monkeypatch.setattr(run_module, "WINDOW", 9)
    edit, rows = respelt_un(shared_lists, tmp_path, rename=8)
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
        portfolio = get_portfolio(store, "book")
        screener = Screener.open(monitor_home)
        alone = run_portfolio(store, screener, portfolio, full=True, record=False)
        first = run_portfolio(store, screener, portfolio, workers=2)
        assert answers(first) == answers(alone) and first.record.rows_full == len(rows)
        left = load_screened(store, portfolio)
        _portfolio, stored = load_rows(store, portfolio)
        for row in stored:  # what the workers left for the next run is what this process would
            threshold = alone.record.threshold
            here = rescreen.screen_for_run(screener, row.query, threshold, DEFAULT_LIMIT)
            assert not isinstance(here, str) and left[row.key] == here[1], row.name

        assert load(store, "un_sc_sanctions", [edit.path]).status == "activated"
        screener = Screener.open(monitor_home)
        reference = run_portfolio(store, screener, portfolio, full=True, record=False)
        incremental = run_portfolio(store, screener, portfolio, workers=2)

    assert incremental.record.incremental and incremental.record.rows_full > 7
    assert answers(incremental) == answers(reference)
    assert gone(incremental) == gone(reference)
