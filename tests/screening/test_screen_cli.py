"""`clearance screen` end to end: a stored snapshot, its persisted index, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

from clearance import Screener
from clearance.index import index_path
from tests.cli.test_commands import run


def test_screen_json_is_byte_identical_and_uses_the_persisted_index(
    home: Path, shared_lists: Path
) -> None:
    sdn = sorted(str(p) for p in (shared_lists / "ofac-sdn").glob("*.csv"))
    assert run(home, "load", "us_ofac_sdn", *sdn).returncode == 0
    first = run(home, "screen", "CHEN, Quanguo", "--json", "--birth-date", "1955")
    assert first.returncode == 0, first.stderr
    assert index_path(home, 1).exists()
    second = run(home, "screen", "CHEN, Quanguo", "--json", "--birth-date", "1955")
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    assert document["snapshot"] == "1"
    result = document["results"][0]
    assert result["id"] == "us_ofac_sdn:29220"
    assert result["match"] is True
    assert {
        "id",
        "dataset",
        "schema",
        "caption",
        "matched_name",
        "score",
        "match",
        "explanation",
        "lists",
        "as_of",
    } <= result.keys()
    assert result["lists"] == ["SDN List"]
    table = run(home, "screen", "Chen Quanguo")
    assert table.returncode == 0 and "MATCH" in table.stdout
    nothing = run(home, "screen", "Zzyzx Qwerty")
    assert nothing.returncode == 0


def test_screen_bad_input_exits_2(home: Path, shared_lists: Path) -> None:
    sdn = sorted(str(p) for p in (shared_lists / "ofac-sdn").glob("*.csv"))
    assert run(home, "load", "us_ofac_sdn", *sdn).returncode == 0
    for args in (["   "], ["Ali", "--schema", "Alien"], ["Ali", "--birth-date", "1999-13"]):
        result = run(home, "screen", *args)
        assert result.returncode == 2, args
        assert "error:" in result.stderr


def test_screen_before_any_list_is_loaded(home: Path) -> None:
    result = run(home, "screen", "Ali")
    assert result.returncode == 2 and "no lists loaded" in result.stderr


def test_index_follows_the_active_snapshot(home: Path, shared_lists: Path) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    assert run(home, "load", "un_sc_sanctions", str(un)).returncode == 0
    assert Screener.open(home).snapshot == "1"
    dpl = shared_lists / "bis-dpl" / "dpl.txt"
    assert run(home, "load", "us_bis_denied", str(dpl)).returncode == 0
    assert Screener.open(home).snapshot == "2"
