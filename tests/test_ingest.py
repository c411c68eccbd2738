"""Loading and updating from the real published files, with validation and rollback."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from lxml import etree

from clearance.ingest import detect_format, find_local_files, load, update
from clearance.sources.base import SourceError
from clearance.sources.registry import get_dataset
from clearance.store.store import Store


def distinct_ofac_ids(path: Path) -> int:
    text = path.read_bytes().decode("utf-8", "replace").replace("\x1a", "")
    return len({row[0] for row in csv.reader(io.StringIO(text)) if row and row[0].strip()})


def un_count(path: Path) -> int:
    tree = etree.parse(str(path))
    return int(tree.xpath("count(//INDIVIDUAL) + count(//ENTITY)"))


@pytest.fixture(scope="module")
def updated_home(tmp_path_factory: pytest.TempPathFactory, shared_lists: Path) -> Path:
    home = tmp_path_factory.mktemp("updated")
    with Store.open(home) as store:
        outcomes = update(store, from_dir=shared_lists)
    statuses = {o.dataset: o.status for o in outcomes}
    assert statuses.pop("us_dhs_uflpa") == "missing"  # not among the shared snapshots
    assert set(statuses.values()) == {"activated"}, outcomes
    return home


def test_update_from_a_folder_loads_every_shared_list(
    updated_home: Path, shared_lists: Path
) -> None:
    with Store.open(updated_home) as store:
        snapshot = store.active_snapshot()
        assert snapshot is not None and snapshot.id == 1  # one atomic activation for all
        releases = {d: store.release(r) for d, r in snapshot.releases.items()}
    sdn = releases["us_ofac_sdn"]
    assert sdn.entity_count == distinct_ofac_ids(shared_lists / "ofac-sdn" / "sdn.csv")
    assert {f.name for f in sdn.files} == {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
    cons = releases["us_ofac_cons"]
    assert cons.format == "ofac-csv"
    assert cons.entity_count == distinct_ofac_ids(shared_lists / "ofac-consolidated/cons_prim.csv")
    un = releases["un_sc_sanctions"]
    assert un.entity_count == un_count(shared_lists / "un-consolidated" / "consolidated.xml")
    assert un.published_at is not None and un.published_at.startswith("2026-03-28")
    # the full CSL, not the 13-row sample that sits beside it
    assert releases["us_trade_csl"].files[0].name == "consolidated.csv.gz"
    assert releases["eu_fsf"].format == "ftm"


def test_second_update_finds_nothing_new(updated_home: Path, shared_lists: Path) -> None:
    with Store.open(updated_home) as store:
        outcomes = update(store, from_dir=shared_lists, only=["us_ofac_sdn", "un_sc_sanctions"])
        assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
        assert store.active_snapshot().id == 1  # type: ignore[union-attr]


def test_local_discovery_prefers_complete_and_full_copies(shared_lists: Path) -> None:
    file_set, paths = find_local_files(get_dataset("us_ofac_sdn"), shared_lists) or (None, [])
    assert file_set is not None and file_set.format == "ofac-csv"
    assert {p.parent.name for p in paths} == {"ofac-sdn"}  # not the lone 2024 sdn.csv
    _, paths = find_local_files(get_dataset("un_sc_sanctions"), shared_lists) or (None, [])
    assert [p.parent.name for p in paths] == ["un-consolidated"]  # not OFAC's CONSOLIDATED.XML


def test_mirror_layout_is_used_first(tmp_path: Path, shared_lists: Path, home: Path) -> None:
    mirror = tmp_path / "mirror" / "us_bis_denied"
    mirror.mkdir(parents=True)
    shutil.copy(shared_lists / "bis-dpl" / "dpl.txt", mirror / "dpl.txt")
    with Store.open(home) as store:
        outcomes = update(store, from_dir=tmp_path / "mirror", only=["us_bis_denied"])
    assert [o.status for o in outcomes] == ["activated"]


def test_shrink_guard_holds_back_and_force_overrides(home: Path, shared_lists: Path) -> None:
    full = shared_lists / "trade-csl" / "consolidated.csv.gz"
    sample = shared_lists / "trade-csl-sample" / "consolidated.csv"
    with Store.open(home) as store:
        first = load(store, "us_trade_csl", [full])
        assert first.status == "activated"
        held = load(store, "us_trade_csl", [sample])
        assert held.status == "held"
        assert "fewer than the active release" in held.message
        assert store.active_snapshot().releases["us_trade_csl"] == first.release.id  # type: ignore[union-attr]
        forced = load(store, "us_trade_csl", [sample], force=True)
        assert forced.status == "activated"
        assert forced.release is not None and forced.release.entity_count == 13


@pytest.mark.parametrize(
    "breakage",
    ["truncate", "empty", "utf16", "wrong_list"],
)
def test_a_broken_file_changes_nothing(
    breakage: str, tmp_path: Path, home: Path, shared_lists: Path
) -> None:
    original = shared_lists / "un-consolidated" / "consolidated.xml"
    data = original.read_bytes()
    broken = tmp_path / "consolidated.xml"
    if breakage == "truncate":
        broken.write_bytes(data[: len(data) // 2])
    elif breakage == "empty":
        broken.write_bytes(b"")
    elif breakage == "utf16":
        broken.write_bytes(data.decode("utf-8").encode("utf-16"))
    else:
        broken.write_bytes((shared_lists / "bis-dpl" / "dpl.txt").read_bytes())
    with Store.open(home) as store:
        good = load(store, "un_sc_sanctions", [original])
        with pytest.raises(SourceError) as error:
            load(store, "un_sc_sanctions", [broken], format_name="un-xml")
        assert str(broken) in str(error.value)
        assert [r.id for r in store.releases()] == [good.release.id]  # type: ignore[union-attr]
        assert store.active_snapshot().releases == {"un_sc_sanctions": good.release.id}  # type: ignore[union-attr]


def test_formats_are_detected_from_content(shared_lists: Path) -> None:
    watchlist = Path(__file__).parent / "fixtures" / "watchlist_sample.csv"
    assert detect_format("my_watchlist", [watchlist]) == "csv"
    fcc_csv = shared_lists / "fcc-covered-list" / "table.csv"
    assert detect_format("some_copy", [fcc_csv]) == "fcc-csv"
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    assert detect_format("un_copy", [un]) == "un-xml"
