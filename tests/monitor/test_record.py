"""What a run stores is what it reports, on SQLite and PostgreSQL.

A run copies the hits of the rows it spares from the previous run inside the
database (`run._carry_hits`) and writes the others itself: the stored evidence
must still be, hit for hit, the run's answer.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from tests.cases.conftest import JANE, OMAR, listed, publish
from tests.monitor.conftest import write_book

from clearance import Screener
from clearance.index import build_index
from clearance.monitor import run as run_module
from clearance.monitor.portfolio import get_portfolio, save_portfolio
from clearance.monitor.run import RunResult, run_hits, run_portfolio
from clearance.monitor.scope import snapshot_index
from clearance.store.store import Store

#: a renamed party in the second release (one letter respelt)
OMAR_RESPELT = listed("2", "Omar Hadad", passport="X1234567")
SAM = listed("3", "Samira Nasser")


def screener_of(store: Store) -> Screener:
    snapshot = store.active_snapshot()
    assert snapshot is not None
    releases = list(snapshot.releases.values())
    index = build_index(store.iter_entities(releases), str(snapshot.id))
    return Screener(index, store=store, releases=releases)


def stored(store: Store, result: RunResult) -> list[dict[str, object]]:
    return sorted(
        (h.to_dict() for h in run_hits(store, result.record.id)),
        key=lambda h: (str(h["row_key"]), str(h["entity_id"])),
    )


def reported(result: RunResult) -> list[dict[str, object]]:
    return sorted(
        (h.to_dict() for h in (*result.hits, *result.gone)),
        key=lambda h: (str(h["row_key"]), str(h["entity_id"])),
    )


def test_a_run_stores_the_hits_it_reports_spared_rows_included(
    any_store: Store, tmp_path: Path
) -> None:
    publish(any_store, [JANE, OMAR, SAM], "v1")
    rows = [("C1", "Jane Roe"), ("C2", "Omar Haddad"), ("C3", "Samira Nasser"), ("C4", "Ann Bee")]
    save_portfolio(any_store, "book", write_book(tmp_path / "book.csv", rows))
    first = run_portfolio(any_store, screener_of(any_store), get_portfolio(any_store, "book"))
    assert first.record.hits >= 3
    assert stored(any_store, first) == reported(first)

    # nothing changed: every row is spared and its hits copied as "same"
    quiet = run_portfolio(any_store, screener_of(any_store), get_portfolio(any_store, "book"))
    assert quiet.record.rows_incremental == len(rows)
    assert {h["status"] for h in stored(any_store, quiet)} == {"same"}
    assert stored(any_store, quiet) == reported(quiet)

    # a party respelt and a row dropped from the book: some rows are screened again,
    # the others spared; the dropped row's hits are gone, not copied
    publish(any_store, [JANE, OMAR_RESPELT, SAM], "v2")
    save_portfolio(any_store, "book", write_book(tmp_path / "book2.csv", rows[1:]))
    changed = run_portfolio(any_store, screener_of(any_store), get_portfolio(any_store, "book"))
    assert changed.record.incremental
    assert 0 < changed.record.rows_incremental < len(rows) - 1
    assert {h.row_id for h in changed.gone} >= {"C1"}
    assert stored(any_store, changed) == reported(changed)
    reference = run_portfolio(
        any_store, screener_of(any_store), get_portfolio(any_store, "book"), full=True, record=False
    )
    assert sorted((h.row_key, h.entity_id, h.score) for h in changed.hits) == sorted(
        (h.row_key, h.entity_id, h.score) for h in reference.hits
    )


def test_a_run_pauses_the_collector_and_leaves_it_as_it_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run holds millions of small objects until it ends: the collector is paused
    meanwhile, still after the previous snapshot's index was read, then running again."""
    checking: list[bool] = []  # whether the collector ran while rows were checked
    spared = run_module._spared

    def watched(*args: Any) -> Any:
        checking.append(gc.isenabled())
        return spared(*args)

    monkeypatch.setattr(run_module, "_spared", watched)
    with Store.open(tmp_path / "home") as store:
        publish(store, [JANE, OMAR], "v1")
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", [("C1", "Jane Roe")]))
        first = run_portfolio(store, screener_of(store), get_portfolio(store, "book"))
        snapshot_index(store, first.record.snapshot_id)  # written: the next run reads it
        publish(store, [JANE, OMAR_RESPELT], "v2")
        result = run_portfolio(store, screener_of(store), get_portfolio(store, "book"))
        assert result.record.incremental
    assert checking == [False, False] and gc.isenabled()


def test_a_run_returning_its_changes_only_stores_every_hit_and_offers_the_changes(
    any_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`every_hit=False` (as `clearance monitor run`): the run reads few of the previous
    hits, returns the new and changed ones, and stores every hit as a full re-screen
    gives it. Alerts are offered for the matches that may raise or re-open one: not
    for a hit as it was on an entity the lists left as they were."""
    publish(any_store, [JANE, OMAR, SAM], "v1")
    rows = [("C1", "Jane Roe"), ("C2", "Omar Haddad"), ("C3", "Samira Nasser"), ("C4", "Ann Bee")]
    save_portfolio(any_store, "book", write_book(tmp_path / "book.csv", rows))
    run_portfolio(any_store, screener_of(any_store), get_portfolio(any_store, "book"))
    publish(any_store, [JANE, OMAR_RESPELT, SAM], "v2")
    save_portfolio(any_store, "book", write_book(tmp_path / "book2.csv", rows[1:]))
    offered: list[run_module.RunHit] = []
    alerts = run_module.monitor_alerts

    def offer(*args: Any, **kwargs: Any) -> Any:
        offered.extend(args[3])
        return alerts(*args, **kwargs)

    monkeypatch.setattr(run_module, "monitor_alerts", offer)
    portfolio = get_portfolio(any_store, "book")
    # (the reference first: its statuses are against the run before, as the run's are)
    reference = run_portfolio(any_store, screener_of(any_store), portfolio, full=True, record=False)
    changed = run_portfolio(any_store, screener_of(any_store), portfolio, every_hit=False)

    def seen(hits: list[run_module.RunHit]) -> list[tuple[object, ...]]:
        return sorted((h.row_key, h.entity_id, h.score, h.matched_name, h.status) for h in hits)

    assert changed.record.incremental
    assert seen(run_hits(any_store, changed.record.id, gone=False)) == seen(reference.hits)
    assert seen(changed.hits) == seen([h for h in reference.hits if h.status in ("new", "changed")])
    assert seen(changed.gone) == seen(reference.gone) and changed.gone
    assert (changed.record.hits, changed.record.matches) == (
        reference.record.hits,
        reference.record.matches,
    )
    touched = {OMAR.id}
    matches = [h for h in reference.hits if h.match]
    assert matches and any(h.status == "same" and h.entity_id not in touched for h in matches)
    assert seen(offered) == seen(
        [h for h in matches if h.status != "same" or h.entity_id in touched]
    )
