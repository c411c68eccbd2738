"""The command line as a user runs it: a real process, a real store, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from lxml import etree


def run(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "200", **(env or {})}
    command = [sys.executable, "-m", "clearance"]
    if home is not None:
        command += ["--home", str(home)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=environment, timeout=300
    )


def first_un_individual(path: Path) -> tuple[str, str]:
    tree = etree.parse(str(path))
    node = tree.xpath("//INDIVIDUAL")[0]
    return node.findtext("DATAID"), node.findtext("FIRST_NAME")


def test_load_lists_show_diff(home: Path, shared_lists: Path, tmp_path: Path) -> None:
    un_file = shared_lists / "un-consolidated" / "consolidated.xml"
    loaded = run(home, "load", "un_sc_sanctions", str(un_file))
    assert loaded.returncode == 0, loaded.stderr
    assert "activated" in loaded.stdout

    listed = run(home, "lists", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {row["dataset"]: row for row in json.loads(listed.stdout)}
    un = rows["un_sc_sanctions"]
    assert {"dataset", "entities", "as_of", "fetched_at", "release"} <= un.keys()
    count = int(etree.parse(str(un_file)).xpath("count(//INDIVIDUAL) + count(//ENTITY)"))
    assert un["entities"] == count
    assert un["as_of"].startswith("2026-03-28")
    assert rows["us_ofac_sdn"]["entities"] is None  # configured but not loaded

    dataid, first_name = first_un_individual(un_file)
    shown = run(home, "show", f"un_sc_sanctions:{dataid}", "--json")
    assert shown.returncode == 0, shown.stderr
    entity = json.loads(shown.stdout)
    assert entity["id"] == f"un_sc_sanctions:{dataid}"
    assert first_name.strip().lower() in entity["caption"].lower()
    assert entity["history"][0]["release"] == un["release"]
    table = run(home, "show", f"un_sc_sanctions:{dataid}")
    assert table.returncode == 0 and "Names" in table.stdout

    # a second, smaller-but-acceptable release: drop a few entities from the XML
    tree = etree.parse(str(un_file))
    for node in tree.xpath("//ENTITY")[:5]:
        node.getparent().remove(node)
    smaller = tmp_path / "consolidated.xml"
    tree.write(str(smaller), xml_declaration=True, encoding="UTF-8")
    assert run(home, "load", "un_sc_sanctions", str(smaller)).returncode == 0
    diff = run(home, "diff", "--json")
    assert diff.returncode == 0, diff.stderr
    (changes,) = json.loads(diff.stdout)
    assert len(changes["removed"]) == 5 and changes["added"] == []


def test_bad_input_exits_2_and_names_the_file(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "consolidated.xml"
    broken.write_text("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>")
    result = run(home, "load", "un_sc_sanctions", str(broken), "--format", "un-xml")
    assert result.returncode == 2
    assert str(broken) in result.stderr.replace("\n", "")
    missing = run(home, "show", "us_ofac_sdn:1")
    assert missing.returncode == 2 and "no entity" in missing.stderr
    nofolder = run(home, "update", "--from", str(tmp_path / "nowhere"))
    assert nofolder.returncode == 2 and "no such folder" in nofolder.stderr
    unknown = run(home, "load", "us_ofac_sdn", str(broken), "--format", "nope")
    assert unknown.returncode == 2 and "unknown format" in unknown.stderr


def test_held_release_exits_3(home: Path, shared_lists: Path) -> None:
    full = shared_lists / "trade-csl" / "consolidated.csv.gz"
    sample = shared_lists / "trade-csl-sample" / "consolidated.csv"
    assert run(home, "load", "us_trade_csl", str(full)).returncode == 0
    held = run(home, "load", "us_trade_csl", str(sample))
    assert held.returncode == 3
    assert "held" in held.stdout
    rows = {r["dataset"]: r for r in json.loads(run(home, "lists", "--json").stdout)}
    assert rows["us_trade_csl"]["last_attempt"]["status"] == "held"


def test_home_comes_from_the_environment(tmp_path: Path, shared_lists: Path) -> None:
    env_home = tmp_path / "env-home"
    result = run(
        None,  # type: ignore[arg-type]
        "load",
        "us_bis_denied",
        str(shared_lists / "bis-dpl" / "dpl.txt"),
        env={"CLEARANCE_HOME": str(env_home)},
    )
    assert result.returncode == 0, result.stderr
    assert (env_home / "clearance.sqlite").exists()
