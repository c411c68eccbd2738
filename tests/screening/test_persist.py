"""The index file beside the store: written whole or not at all, refused when damaged."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pytest

from clearance import Screener
from clearance.index import build_index, index_path, load_index, save_index
from clearance.index.build import ScreeningIndex
from clearance.index.persist import FORMAT_VERSION, LOOKUP_TABLES
from clearance.ingest import load
from clearance.sources.un_xml import parse_un_xml
from clearance.store.store import Store


@pytest.fixture(scope="module")
def index(shared_lists: Path) -> ScreeningIndex:
    files = sorted((shared_lists / "un-consolidated").glob("*.xml"))
    return build_index(parse_un_xml(files, "un_sc_sanctions").entities, "un")


def test_an_index_reads_back_as_written(index: ScreeningIndex, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.index"
    index.similar_cache[("x", "Latin")] = {}  # filled while serving, never saved
    save_index(index, path)
    loaded = load_index(path)
    assert loaded is not None
    assert loaded.similar_cache == {}
    assert loaded.tokens == index.tokens and loaded.postings == index.postings
    assert loaded.names.rows == index.names.rows
    assert list(loaded.name_weights) == list(index.name_weights)


def test_an_index_to_compare_snapshots_is_read_without_its_look_up_tables(
    index: ScreeningIndex, tmp_path: Path
) -> None:
    """Monitoring compares two snapshots' words, names and weights: the tables that
    look a query's words up are written last and not read for that."""
    path = tmp_path / "snapshot.index"
    save_index(index, path)
    names = _table_names(path)
    assert set(names[-len(LOOKUP_TABLES) :]) == LOOKUP_TABLES
    whole, compared = load_index(path), load_index(path, lookups=False)
    assert whole is not None and compared is not None
    for table in names:
        if table in LOOKUP_TABLES:
            assert getattr(whole, table) and not getattr(compared, table), table
        elif table != "similar_cache":
            read, expected = getattr(compared, table), getattr(whole, table)
            if table in ("entities", "names"):  # Rows: compared by their rows
                read, expected = read.rows, expected.rows
            assert read == expected, table


def _table_names(path: Path) -> list[str]:
    with path.open("rb") as handle:
        pickle.load(handle)  # the format version
        names: list[str] = pickle.load(handle)
    return names


def test_a_cut_or_foreign_file_is_refused_not_half_read(
    index: ScreeningIndex, tmp_path: Path
) -> None:
    path = tmp_path / "snapshot.index"
    save_index(index, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert load_index(path) is None
    path.write_bytes(pickle.dumps(FORMAT_VERSION - 1))
    assert load_index(path) is None
    with path.open("wb") as handle:  # the right version, but not this index's tables
        pickle.dump(FORMAT_VERSION, handle)
        pickle.dump(["tokens"], handle)
    assert load_index(path) is None
    assert load_index(tmp_path / "missing.index") is None


def test_a_damaged_index_file_is_rebuilt_from_the_store(home: Path, shared_lists: Path) -> None:
    with Store.open(home) as store:
        files = sorted((shared_lists / "un-consolidated").glob("*.xml"))
        outcome = load(store, "un_sc_sanctions", files)
        assert outcome.ok, outcome.message
        snapshot = store.active_snapshot()
        assert snapshot is not None
    expected = [h.entity_id for h in Screener.open(home).screen("Kim Jong Un")]
    path = index_path(home, snapshot.id)
    path.write_bytes(path.read_bytes()[:1000])
    assert [h.entity_id for h in Screener.open(home).screen("Kim Jong Un")] == expected
    assert load_index(path) is not None  # written again, whole


def test_loading_leaves_the_collector_as_it_found_it(index: ScreeningIndex, tmp_path: Path) -> None:
    """The loader pauses the collector; a monitoring run has paused it already and
    must not find it running again after reading the previous snapshot's index."""
    path = tmp_path / "snapshot.index"
    save_index(index, path)
    assert gc.isenabled()
    assert load_index(path) is not None
    assert gc.isenabled()
    gc.disable()
    try:
        assert load_index(path, lookups=False) is not None
        assert not gc.isenabled()
    finally:
        gc.enable()
