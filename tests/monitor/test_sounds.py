"""The book's sound keys kept between runs (monitor/sounds.py): made by a full run, used
and grown by a run after a list change, and never trusted when they cannot be."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest
from tests.cases.conftest import JANE, OMAR, publish
from tests.monitor.conftest import write_book
from tests.monitor.test_record import OMAR_RESPELT, SAM, screener_of

from clearance.index.build import lookup_index
from clearance.matching.candidates import (
    SoundKeys,
    _query_keys,
    fuzzy_edges,
    probe,
    sound_keys,
)
from clearance.monitor.portfolio import get_portfolio, load_rows, save_portfolio
from clearance.monitor.run import RunResult, load_screened, run_portfolio, scorer_version
from clearance.monitor.scope import ListScope, list_change, snapshot_index
from clearance.monitor.sounds import BookSounds, sounds_path
from clearance.store.store import Store

ROWS = [
    ("C1", "Jane Roe"),
    ("C2", "Omar Haddad"),
    ("C3", "Samira Nasser"),
    ("C4", "Ann Bee"),
    ("C5", "Omer Hadad Trading"),
]


def answers(result: RunResult) -> list[tuple[str, str, float, str]]:
    return sorted((h.row_key, h.entity_id, h.score, h.status) for h in result.hits)


def book_keys(store: Store) -> set[str]:
    """Every look-up key of the book's rows, as their last screening normalised them."""
    portfolio, rows = load_rows(store, get_portfolio(store, "book"))
    screened = load_screened(store, portfolio)
    index = screener_of(store).index
    return {
        key for row in rows for key in _query_keys(screened[row.key].normalized(row.query), index)
    }


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store.open(tmp_path / "home") as opened:
        publish(opened, [JANE, OMAR, SAM], "v1")
        save_portfolio(opened, "book", write_book(tmp_path / "book.csv", ROWS))
        yield opened


def first_run(store: Store) -> RunResult:
    result = run_portfolio(store, screener_of(store), get_portfolio(store, "book"))
    snapshot_index(store, result.record.snapshot_id)  # written: the next run reads it
    return result


def changed_run(store: Store) -> tuple[RunResult, RunResult]:
    """The lists changed (a party respelt): the run, and a full re-screen to compare."""
    publish(store, [JANE, OMAR_RESPELT, SAM], "v2")
    screener = screener_of(store)
    portfolio = get_portfolio(store, "book")
    reference = run_portfolio(store, screener, portfolio, full=True, record=False)
    return run_portfolio(store, screener, portfolio), reference


def read(store: Store) -> BookSounds:
    return BookSounds.load(store.home, get_portfolio(store, "book").id, scorer_version())


def test_a_full_run_keeps_the_sound_keys_of_every_key_of_the_book(store: Store) -> None:
    first_run(store)
    table = read(store).table
    keys = book_keys(store)
    assert keys and keys <= table.keys()
    assert all(table[key] == sound_keys(key) for key in keys)


def test_a_run_after_a_list_change_probes_by_the_kept_keys_and_answers_as_a_full_one(
    store: Store,
) -> None:
    first = first_run(store).record.snapshot_id
    before = read(store).table
    portfolio, rows = load_rows(store, get_portfolio(store, "book"))
    screened = load_screened(store, portfolio)
    publish(store, [JANE, OMAR_RESPELT, SAM], "v2")
    screener = screener_of(store)
    change = list_change(store, first, int(screener.snapshot))
    # without them, the check makes the sound keys of the keys it probes; with them, it
    # probes by the entries kept (the very objects) and makes none again
    made: dict[str, SoundKeys] = {}
    kept = dict(before)
    for table in (made, kept):
        scope = ListScope(snapshot_index(store, first), screener, change, 0.8, 10, table)
        for row in rows:
            scope.check(row.query, {}, screened[row.key])
    assert made and made.keys() <= before.keys()
    assert kept.keys() == before.keys()
    assert all(kept[key] is before[key] for key in before)

    result, reference = changed_run(store)
    assert result.record.incremental and result.record.rows_incremental > 0
    assert answers(result) == answers(reference)


def test_a_changed_book_row_gets_its_keys_kept_by_the_next_run(
    store: Store, tmp_path: Path
) -> None:
    first_run(store)
    save_portfolio(
        store, "book", write_book(tmp_path / "book2.csv", [*ROWS, ("C6", "Zeynep Kaya")])
    )
    result, reference = changed_run(store)
    assert answers(result) == answers(reference)
    assert {"zeynep", "kaya", "zeynepkaya"} <= read(store).table.keys()


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        pytest.param(b"not a pickle", "not readable", id="unreadable"),
        pytest.param(
            pickle.dumps(("clearance 0.0.1", {"jane": ("jn", "jane", ("jn",))})),
            None,
            id="another version",
        ),
        pytest.param(
            pickle.dumps(
                (scorer_version(), dict.fromkeys(("jane", "roe", "omar"), ("x", "y", ())))
            ),
            "sound keys made another way",
            id="made another way",
        ),
    ],
)
def test_a_sounds_file_that_cannot_be_trusted_is_ignored_and_replaced(
    store: Store, content: bytes, warning: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    first_run(store)
    path = sounds_path(store.home, get_portfolio(store, "book").id)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="clearance.monitor.sounds"):
        result, reference = changed_run(store)
    assert answers(result) == answers(reference)
    warned = [r.getMessage() for r in caplog.records if r.name == "clearance.monitor.sounds"]
    if warning is None:
        assert warned == []
    else:
        assert len(warned) == 1 and warned[0].startswith(f"{path}: {warning}")
    table = read(store).table
    assert table and all(value == sound_keys(key) for key, value in table.items())


def test_probing_by_given_sound_keys_finds_what_probing_makes_them_for() -> None:
    words = ["haddad", "omar", "nasser", "samira", "abdulrahman", "muhammad", "tchaikovsky"]
    index = lookup_index(words, {"muhammad"})
    edges = fuzzy_edges(index)
    for token in ["hadad", "omer", "nassr", "mhmd", "abdulrakhman", "chaikovskiy", "zz", "o"]:
        for script in ("Latin", "Arabic"):
            made = probe(index, token, script, set(words), edges)
            assert probe(index, token, script, set(words), edges, sound_keys(token)) == made


def test_a_run_whose_sounds_cannot_be_written_is_recorded_all_the_same(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    (store.home / "monitor").write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="clearance.monitor.sounds"):
        result = first_run(store)
    assert result.record.id and result.record.hits >= 3
    warned = [r.getMessage() for r in caplog.records if r.name == "clearance.monitor.sounds"]
    assert len(warned) == 1 and "not written" in warned[0]
    changed, reference = changed_run(store)
    assert answers(changed) == answers(reference)
