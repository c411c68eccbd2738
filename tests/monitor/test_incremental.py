"""Incremental runs give exactly what a full re-screen gives, scores included."""

from __future__ import annotations

import csv
import math
import random
from dataclasses import replace
from pathlib import Path

import pytest
from tests.monitor.conftest import book_names, edit_un, numbered, respelt_un, write_book

from clearance import Screener
from clearance.ingest import load
from clearance.matching.candidates import RANKED_POOL, CandidateBar
from clearance.monitor.portfolio import Portfolio, get_portfolio, load_rows, save_portfolio
from clearance.monitor.run import (
    RunResult,
    load_screened,
    run_hits,
    run_portfolio,
    runs,
)
from clearance.monitor.scope import ListScope, list_change, snapshot_index
from clearance.names import normalize_name
from clearance.store.store import Store


def answers(result: RunResult) -> list[tuple[object, ...]]:
    """Every hit as the user sees it, with its status against the previous run."""
    return sorted(
        (
            h.row_key,
            h.rank,
            h.entity_id,
            h.score,
            h.match,
            h.matched_name,
            h.explanation,
            h.caption,
            h.dataset,
            h.lists,
            h.status,
        )
        for h in result.hits
    )


def gone(result: RunResult) -> list[tuple[str, str, float]]:
    return sorted((h.row_key, h.entity_id, h.score) for h in result.gone)


def assert_same(incremental: RunResult, reference: RunResult) -> None:
    assert answers(incremental) == answers(reference)
    assert gone(incremental) == gone(reference)
    a, b = incremental.record, reference.record
    assert (a.hits, a.matches, a.new_hits, a.changed_hits, a.gone_hits) == (
        b.hits,
        b.matches,
        b.new_hits,
        b.changed_hits,
        b.gone_hits,
    )


def as_known(bar: CandidateBar, kept: CandidateBar) -> CandidateBar:
    """A screening's bar, with what the bar a run kept leaves unknown (its window or the
    window's part beyond the first party left out, the parties it names) unknown too:
    the next run screens the row where it needs them."""
    if kept.window is None:
        bar = bar._replace(window=None)
    elif bar.window is not None and not kept.window.further:
        near = bar.window._replace(second=0, beyond=math.inf, beyond_clear=False, further=False)
        bar = bar._replace(window=near)
    if kept.parties is None:
        bar = bar._replace(parties=None)
    return bar


@pytest.mark.parametrize("every_hit", [True, False])
def test_incremental_run_equals_a_full_rescreen_after_the_lists_and_the_book_change(
    monitor_home: Path, shared_lists: Path, tmp_path: Path, every_hit: bool
) -> None:
    """With `every_hit=False` (as `clearance monitor run`), the run returns its new and
    changed hits only and reads few of the previous ones: what it records is what a
    full re-screen gives all the same."""
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    edit = edit_un(un, tmp_path / "consolidated.xml", rename=8, delete=5, add=4)
    rows = numbered(book_names(un, edit))
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
        first = run_portfolio(store, Screener.open(monitor_home), get_portfolio(store, "book"))
        assert not first.record.incremental and first.record.rows_full == len(rows)
        assert first.record.new_hits == first.record.hits > 0

        # the book changes too: one row renamed, one removed, one added
        later = list(rows[1:])
        later[0] = (later[0][0], "Hangzhou Zorblax Trading")
        later.append(("C9999", edit.renamed[0][1]))
        save_portfolio(store, "book", write_book(tmp_path / "book2.csv", later))
        assert load(store, "un_sc_sanctions", [edit.path]).status == "activated"

        screener = Screener.open(monitor_home)
        portfolio = get_portfolio(store, "book")
        reference = run_portfolio(store, screener, portfolio, full=True, record=False)
        returned = run_portfolio(store, screener, portfolio, every_hit=every_hit)
        recorded = run_hits(store, returned.record.id, gone=False)

    incremental = replace(returned, hits=recorded)
    assert incremental.record.incremental and not reference.record.incremental
    assert_same(incremental, reference)
    if not every_hit:
        assert returned.hits == [h for h in recorded if h.status in ("new", "changed")]
        assert returned.changes == reference.changes
    # rows that reach no listed name and had no hit were not screened again
    assert 0 < incremental.record.rows_incremental < len(later)
    assert incremental.record.rows_full + incremental.record.rows_incremental == len(later)

    statuses = {(h.query, h.matched_name): h.status for h in incremental.hits}
    added = edit.added[0]
    assert statuses[(added, added)] == "new"
    old_name, new_name = edit.renamed[0]
    assert ("C9999", new_name) in {(h.row_id, h.query) for h in incremental.hits}
    assert any(q == old_name and s == "changed" for (q, _m), s in statuses.items())
    deleted = {h.matched_name for h in incremental.gone}
    assert set(edit.deleted) <= deleted  # hits on removed entities disappear
    dropped = rows[0][0]  # the row taken out of the book: its hits are gone
    assert {h.entity_id for h in first.hits if h.row_id == dropped} == {
        h.entity_id for h in incremental.gone if h.row_id == dropped
    }


def test_a_local_list_change_rescreens_only_the_rows_it_can_reach(
    monitor_home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    edit, rows = respelt_un(shared_lists, tmp_path, rename=8)
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
        portfolio = get_portfolio(store, "book")
        first = run_portfolio(store, Screener.open(monitor_home), portfolio)
        assert load(store, "un_sc_sanctions", [edit.path]).status == "activated"
        screener = Screener.open(monitor_home)
        change = list_change(store, first.record.snapshot_id, int(screener.snapshot))
        assert len(change.changed) == 8 and not change.added and not change.removed
        scope = ListScope(
            snapshot_index(store, first.record.snapshot_id), screener, change, 0.8, 10
        )
        assert not scope.everything  # respelt names: the number of listed names is the same
        reference = run_portfolio(store, screener, portfolio, full=True, record=False)
        incremental = run_portfolio(store, screener, portfolio)
        left = load_screened(store, portfolio)
        _portfolio, stored = load_rows(store, portfolio)

    assert_same(incremental, reference)
    assert 0 < incremental.record.rows_full < len(rows) / 2
    # rows spared keep what a screening would now leave: their pool counts moved
    for row in stored:
        assert left[row.key].bar == as_known(
            screener.screen_with_bar(row.name)[1], left[row.key].bar
        )
    renamed = {new for _old, new in edit.renamed}
    assert {h.matched_name for h in incremental.hits if h.status == "changed"} & renamed


def test_a_book_change_alone_screens_only_new_and_changed_rows(
    monitor_home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    rows = numbered(book_names(un))
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
        screener = Screener.open(monitor_home)
        first = run_portfolio(store, screener, get_portfolio(store, "book"))
        removed = next(r for r in rows if any(h.row_id == r[0] for h in first.hits))
        later = [r for r in rows if r != removed]
        later[3] = (later[3][0], "Ivanova Petrova Trading")
        later.append(("C9999", "Zorblax Kelliwax Holdings"))
        later.append(("C9998", rows[0][1]))  # a name already in the book, under a new id
        summary = save_portfolio(store, "book", write_book(tmp_path / "book2.csv", later))
        assert (summary.added, summary.changed, summary.removed) == (2, 1, 1)
        portfolio = get_portfolio(store, "book")
        reference = run_portfolio(store, screener, portfolio, full=True, record=False)
        incremental = run_portfolio(store, screener, portfolio)

    assert incremental.record.incremental
    assert incremental.record.rows_full == 3
    assert incremental.record.rows_incremental == len(later) - 3
    assert_same(incremental, reference)
    assert {h.row_id for h in incremental.gone} >= {removed[0]}
    repeated = [h for h in incremental.hits if h.row_id == "C9998"]
    assert all(h.status == "new" for h in repeated)
    assert [h.entity_id for h in repeated] == [
        h.entity_id for h in first.hits if h.row_id == "C1000"
    ]


def test_every_run_is_recorded_even_with_nothing_to_report(
    monitor_home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    rows = numbered(book_names(shared_lists / "un-consolidated" / "consolidated.xml"))
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
        screener = Screener.open(monitor_home)
        portfolio = get_portfolio(store, "book")
        first = run_portfolio(store, screener, portfolio)
        second = run_portfolio(store, screener, portfolio)
        history = runs(store, portfolio)

    quiet = second.record
    assert quiet.incremental and quiet.rows_full == 0 and quiet.rows_incremental == len(rows)
    assert (quiet.new_hits, quiet.changed_hits, quiet.gone_hits) == (0, 0, 0)
    assert quiet.hits == first.record.hits and quiet.matches == first.record.matches
    assert answers(second) == [(*a[:-1], "same") for a in answers(first)]
    assert [r.id for r in history] == [first.record.id, quiet.id]
    assert quiet.previous_run_id == first.record.id
    assert quiet.snapshot_id == first.record.snapshot_id
    assert set(quiet.list_versions) == {"un_sc_sanctions", "us_ofac_cons", "us_bis_denied"}
    un = quiet.list_versions["un_sc_sanctions"]
    assert un["release"] and (un["as_of"] or "").startswith("2026-03-28")
    assert quiet.started_at.endswith("Z") and quiet.finished_at >= quiet.started_at


def test_each_screened_row_keeps_its_candidates_bar_for_the_next_run(
    monitor_home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    rows = numbered(book_names(shared_lists / "un-consolidated" / "consolidated.xml"))
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
        screener = Screener.open(monitor_home)
        portfolio = get_portfolio(store, "book")
        first = run_portfolio(store, screener, portfolio)
        bars = load_screened(store, portfolio)
        _portfolio, stored = load_rows(store, portfolio)

    assert not first.problems and set(bars) == {r.key for r in stored}
    for row in stored:
        assert bars[row.key].bar == screener.screen_with_bar(row.name)[1], row.name
        assert bars[row.key].tokens == normalize_name(row.name).tokens, row.name


@pytest.mark.parametrize("typed", [False, True])
def test_runs_after_one_list_change_after_another_equal_full_rescreens(
    monitor_home: Path, shared_lists: Path, tmp_path: Path, typed: bool
) -> None:
    """Each run leaves the bars the next one starts from: after a second change, the
    incremental run still gives what a full re-screen gives. `typed`: a book with a
    type column, each name as a person, as an organisation and as neither; a row's
    type makes its look-up pass over listed parties of other kinds, which the scope
    must reckon with wherever the look-up would stop elsewhere."""
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first_edit = edit_un(
        un, tmp_path / "first" / "consolidated.xml", rename=12, add=4 if typed else 0, seed=21
    )
    second_edit = edit_un(
        first_edit.path, tmp_path / "second" / "consolidated.xml", rename=12, delete=3, seed=22
    )
    names = book_names(un, first_edit, second_edit)
    book = tmp_path / "book.csv"
    if not typed:
        write_book(book, numbered(names))
    else:
        with book.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Customer ID", "Counterparty", "Type"])
            for number, name in enumerate(names):
                for kind in ("Individual", "Organization", ""):
                    writer.writerow([f"C{number}-{kind or 'any'}", name, kind])
    with Store.open(monitor_home) as store:
        save_portfolio(store, "book", book)
        portfolio = get_portfolio(store, "book")
        run_portfolio(store, Screener.open(monitor_home), portfolio)
        for edit in (first_edit, second_edit):
            assert load(store, "un_sc_sanctions", [edit.path]).status == "activated"
            screener = Screener.open(monitor_home)
            reference = run_portfolio(store, screener, portfolio, full=True, record=False)
            incremental = run_portfolio(store, screener, portfolio)
            assert incremental.record.incremental and incremental.record.rows_incremental > 0
            assert_same(incremental, reference)


def _ladder_list(path: Path, words: dict[int, int], vessel: bool = False) -> Path:
    """An own list of 26 parties named "Petrov" and more and more other words (`words`:
    party number -> how many, for those moved), and 300 others: a row "Petrov" has
    twenty of them as candidates, ranked by their other words. Each party's words
    come from its own seed, so moving one leaves the others as they were. With
    `vessel`, a vessel "Petrov" ranks between the twentieth and the twenty-first
    (twenty words of its own and "Zeta", which six others share, so it weighs less)."""

    def words_of(seed: int, count: int) -> str:
        rng = random.Random(seed)
        return " ".join(
            "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
            for _ in range(count)
        )

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "schema", "list"])
        for number in range(1, 27):
            name = f"Petrov {words_of(number, words.get(number, number))}"
            writer.writerow([f"L-{number}", name, "Company", "Ladder"])
        for number in range(300):
            writer.writerow([f"O-{number}", words_of(1000 + number, 2), "Company", "Ladder"])
        if vessel:
            for number in range(6):
                writer.writerow(
                    [f"Z-{number}", f"Zeta {words_of(2000 + number, 1)}", "Company", "Ladder"]
                )
            writer.writerow(["V-1", f"Petrov {words_of(3000, 20)} Zeta", "Vessel", "Ladder"])
    return path


def _one_row_watched(
    store: Store, tmp_path: Path, dataset: str, listed: Path, name: str
) -> tuple[Portfolio, str]:
    """The list `listed` loaded as `dataset`, a book of a row `name` and a row that reaches
    nothing, and its first run: the portfolio and the key of the row `name`."""
    assert load(store, dataset, [listed]).status == "activated"
    rows = [("C1", name), ("C2", "Zyxwv Qqq")]
    save_portfolio(store, "book", write_book(tmp_path / "book.csv", rows))
    portfolio = get_portfolio(store, "book")
    key = next(r.key for r in load_rows(store, portfolio)[1] if r.row_id == "C1")
    run_portfolio(store, Screener.open(store.home), portfolio)
    return portfolio, key


def _run_after(
    store: Store, portfolio: Portfolio, dataset: str, listed: Path
) -> tuple[RunResult, Screener]:
    """The list changed to `listed`: the incremental run, which gives what a full
    re-screen gives, and the screener of the new lists."""
    assert load(store, dataset, [listed]).status == "activated"
    screener = Screener.open(store.home)
    reference = run_portfolio(store, screener, portfolio, full=True, record=False)
    incremental = run_portfolio(store, screener, portfolio)
    assert_same(incremental, reference)
    return incremental, screener


def test_a_row_whose_candidates_one_party_left_is_spared_then_screened_when_needed(
    tmp_path: Path,
) -> None:
    """A listed party leaves the twenty candidates of a row: the run follows it by the
    row's window and spares the row, storing the new rank and forgetting what it no
    longer knows (the window, the parties scored). After a second such change the
    row is screened again. Both runs equal full re-screens."""
    with Store.open(tmp_path / "home") as store:
        first = _ladder_list(tmp_path / "0" / "list.csv", {})
        portfolio, key = _one_row_watched(store, tmp_path, "ladder", first, "Petrov")
        assert load_screened(store, portfolio)[key].bar.window is not None
        for step, moved in enumerate(({3: 30}, {3: 30, 24: 1}), start=1):
            listed = _ladder_list(tmp_path / str(step) / "list.csv", moved)
            incremental, screener = _run_after(store, portfolio, "ladder", listed)
            bar = load_screened(store, portfolio)[key].bar
            fresh = screener.screen_with_bar("Petrov")[1]
            if step == 1:  # spared: its candidates' new rank, and nothing it does not know
                assert incremental.record.rows_full == 0
                assert (bar.rank, bar.window, bar.parties) == (fresh.rank, None, None)
            else:  # no window to follow the change by: screened again
                assert incremental.record.rows_full == 1
                assert bar == fresh


def test_a_typed_row_follows_a_party_leaving_to_where_its_look_up_now_stops(
    tmp_path: Path,
) -> None:
    """A company's look-up passes over listed parties of other kinds until it has twenty
    candidates, then stops at the next name of any party it has not taken. A vessel
    "Petrov" ranks right after the twentieth party, and one of the twenty leaves:
    the company's row now takes the first party left out and stops at the vessel.
    Its window records where the look-up would stop after one party more, so the
    row is spared with the bar a fresh screening gives, as is the same name with no
    type. Both equal a full re-screen."""
    with Store.open(tmp_path / "home") as store:
        first = _ladder_list(tmp_path / "0" / "list.csv", {}, vessel=True)
        assert load(store, "ladder", [first]).status == "activated"
        book = tmp_path / "book.csv"
        with book.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Customer ID", "Counterparty", "Type"])
            writer.writerows([["C1", "Petrov", "Company"], ["C2", "Petrov", ""]])
        save_portfolio(store, "book", book)
        portfolio = get_portfolio(store, "book")
        run_portfolio(store, Screener.open(store.home), portfolio)
        company = next(r.key for r in load_rows(store, portfolio)[1] if r.row_id == "C1")
        before = load_screened(store, portfolio)[company].bar
        assert before.window is not None and before.window.kinds
        listed = _ladder_list(tmp_path / "1" / "list.csv", {5: 30}, vessel=True)
        incremental, screener = _run_after(store, portfolio, "ladder", listed)
        assert incremental.record.rows_full == 0
        fresh = screener.screen_with_bar("Petrov", schema="Company")[1]
        # the bar moved down to the vessel's name, where the look-up stops now
        assert load_screened(store, portfolio)[company].bar.rank == fresh.rank != before.rank


def _cut_list(path: Path, added: list[str]) -> Path:
    """An own list where a row "Petrov Ivanov" ranks more names than the look-up keeps:
    60 parties "Petrov Ivanov" and a word of their own, 420 "Petrov" and a word of
    their own, 12,000 others, and the parties `added`."""
    rng = random.Random(45)

    def word() -> str:
        return "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "schema", "list"])
        for number in range(60):
            writer.writerow([f"PI-{number}", f"Petrov Ivanov {word()}", "Company", "Cut"])
        for number in range(420):
            writer.writerow([f"P-{number}", f"Petrov {word()}", "Company", "Cut"])
        for number in range(12_000):
            writer.writerow([f"O-{number}", f"{word()} {word()}", "Company", "Cut"])
        for number, name in enumerate(added):
            writer.writerow([f"A-{number}", name, "Company", "Cut"])
    return path


def test_a_row_whose_cut_ranking_gained_a_name_is_spared_then_screened_when_needed(
    tmp_path: Path,
) -> None:
    """A listed party comes into the cut ranking of a row, after its candidates: the run
    spares the row and stores its edge as no longer known. After a second change
    reaching the row it is screened again. Both runs equal full re-screens."""
    with Store.open(tmp_path / "home") as store:
        first = _cut_list(tmp_path / "0" / "list.csv", [])
        portfolio, key = _one_row_watched(store, tmp_path, "cut", first, "Petrov Ivanov")
        bar = load_screened(store, portfolio)[key].bar
        assert bar.ranked > RANKED_POOL and bar.edge != math.inf
        for step, added in enumerate((["Petrov Vokaze"], ["Petrov Vokaze", "Petrov Ribuna"]), 1):
            listed = _cut_list(tmp_path / str(step) / "list.csv", added)
            incremental, screener = _run_after(store, portfolio, "cut", listed)
            bar = load_screened(store, portfolio)[key].bar
            fresh = screener.screen_with_bar("Petrov Ivanov")[1]
            if step == 1:  # spared: the edge is no longer known
                assert incremental.record.rows_full == 0
                assert bar == fresh._replace(edge=math.inf)
            else:  # a name reaches the row and its edge is not known: screened again
                assert incremental.record.rows_full == 1
                assert bar == fresh


def test_a_row_whose_candidates_two_parties_left_is_spared_and_its_window_stored(
    tmp_path: Path,
) -> None:
    """Two listed parties leave the twenty candidates of a row: the window a full run
    stored names the party after the first one left out, and the run after the change
    follows both, spares the row and gives what a full re-screen gives."""
    with Store.open(tmp_path / "home") as store:
        first = _ladder_list(tmp_path / "0" / "list.csv", {})
        portfolio, key = _one_row_watched(store, tmp_path, "ladder", first, "Petrov")
        window = load_screened(store, portfolio)[key].bar.window
        assert window is not None and window.further and window.second != 0
        moved = _ladder_list(tmp_path / "1" / "list.csv", {3: 30, 7: 31})
        incremental, screener = _run_after(store, portfolio, "ladder", moved)
        assert incremental.record.rows_full == 0
        bar = load_screened(store, portfolio)[key].bar
        assert bar.rank == screener.screen_with_bar("Petrov")[1].rank
