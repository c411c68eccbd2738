"""`clearance monitor` as a user runs it: a real process, a real store, real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.test_commands import run
from tests.monitor.conftest import book_names, edit_un, numbered, write_book


def test_add_run_list_history_and_export(
    monitor_home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    edit = edit_un(un, tmp_path / "consolidated.xml", rename=4, delete=3, add=2)
    book = write_book(tmp_path / "book.csv", numbered(book_names(un, edit)))
    added = run(monitor_home, "monitor", "add", "book", str(book))
    assert added.returncode == 0, added.stderr
    assert "portfolio 'book' created" in added.stdout

    first = run(monitor_home, "monitor", "run", "book", "--json")
    assert first.returncode == 0, first.stderr
    (record,) = json.loads(first.stdout)
    assert record["run"] == 1 and record["incremental"] is False and record["matches"] > 0
    assert len(record["changes"]) == record["new_hits"] == record["hits"]

    quiet = run(monitor_home, "monitor", "run", "--fail-on-new")  # every portfolio
    assert quiet.returncode == 0, quiet.stderr
    assert (
        "book: run 2 (incremental)" in quiet.stdout and "0 new, 0 changed, 0 gone" in quiet.stdout
    )

    assert run(monitor_home, "load", "un_sc_sanctions", str(edit.path)).returncode == 0
    changed = run(monitor_home, "monitor", "run", "book", "--fail-on-new")
    assert changed.returncode == 1, changed.stderr  # the added entities match rows of the book
    assert "what changed since the previous run" in changed.stdout
    assert edit.added[0] in " ".join(changed.stdout.split())

    listed = json.loads(run(monitor_home, "monitor", "list", "--json").stdout)
    assert [(p["name"], p["last_run"]["run"]) for p in listed] == [("book", 3)]
    history = run(monitor_home, "monitor", "history", "book", "--json")
    runs = json.loads(history.stdout)
    assert [r["run"] for r in runs] == [1, 2, 3]
    assert runs[2]["incremental"] and runs[2]["gone_hits"] > 0 and runs[2]["new_hits"] > 0
    assert runs[2]["snapshot"] > runs[1]["snapshot"]
    table = run(monitor_home, "monitor", "history", "book")
    assert table.returncode == 0 and "incremental" in table.stdout

    evidence = tmp_path / "evidence.json"
    exported = run(monitor_home, "monitor", "export", "book", "--out", str(evidence))
    assert exported.returncode == 0, exported.stderr
    document = json.loads(evidence.read_text(encoding="utf-8"))
    assert [r["run"] for r in document["runs"]] == [1, 2, 3]
    last = document["runs"][2]
    assert {h["status"] for h in last["hits"]} == {"new", "changed", "same", "gone"}
    assert (
        sum(h["status"] != "gone" for h in last["hits"])
        == last["hits"].__len__() - last["gone_hits"]
    )
    assert last["list_versions"]["un_sc_sanctions"]["as_of"].startswith("2026-03-28")

    sheet = tmp_path / "evidence.csv"
    assert run(monitor_home, "monitor", "export", "book", "--out", str(sheet)).returncode == 0
    with sheet.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert {line["run"] for line in lines} == {"1", "2", "3"}
    assert len(lines) == sum(len(r["hits"]) for r in document["runs"])
    assert {line["match"] for line in lines} <= {"true", "false"}

    later = run(
        monitor_home, "monitor", "export", "book", "--out", str(evidence), "--since", "2999-01-01"
    )
    assert later.returncode == 0 and json.loads(evidence.read_text())["runs"] == []
    empty_csv = run(
        monitor_home, "monitor", "export", "book", "--out", str(sheet), "--since", "2999-01-01"
    )
    assert empty_csv.returncode == 0 and len(sheet.read_text().splitlines()) == 1


def test_bad_input_exits_2_and_changes_nothing(
    monitor_home: Path, home: Path, shared_lists: Path, tmp_path: Path
) -> None:
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    book = write_book(tmp_path / "book.csv", numbered(book_names(un)))
    nothing = run(monitor_home, "monitor", "run")
    assert nothing.returncode == 2 and "no portfolios yet" in nothing.stderr
    assert run(monitor_home, "monitor", "add", "book", str(book)).returncode == 0
    before = run(monitor_home, "monitor", "list", "--json").stdout

    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    no_name = tmp_path / "no-name.csv"
    no_name.write_text("Ref,Amount\nR1,12\n", encoding="utf-8")
    for args, expected in (
        (["run", "nope"], "no portfolio named 'nope'; portfolios: book"),
        (["history", "nope"], "no portfolio named 'nope'"),
        (["add", "book", str(empty)], "the file is empty"),
        (["add", "book", str(no_name)], "no name column"),
        (["add", "book", str(book), "--map", "name=Nom"], "--map name=Nom: no such column"),
        (["export", "book", "--out", str(tmp_path / "e.xlsx")], "unknown export type '.xlsx'"),
        (["export", "book", "--out", str(tmp_path / "no" / "e.csv")], "does not exist"),
        (["export", "book", "--out", str(tmp_path / "e.csv"), "--since", "May"], "--since"),
    ):
        result = run(monitor_home, "monitor", *args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "error:" in result.stderr and expected in " ".join(result.stderr.split()), args
        assert "Traceback" not in result.stderr
    no_workers = run(monitor_home, "monitor", "run", "book", "--workers", "0")
    assert no_workers.returncode == 2 and "Traceback" not in no_workers.stderr
    said = " ".join(no_workers.stderr.replace("│", " ").split())  # Rich's error box
    assert "Invalid value for '--workers': Input should be greater than or equal to 1" in said
    assert run(monitor_home, "monitor", "list", "--json").stdout == before
    assert not (tmp_path / "e.csv").exists()

    # a store with a portfolio but no lists
    assert run(home, "monitor", "add", "book", str(book)).returncode == 0
    unloaded = run(home, "monitor", "run", "book")
    assert unloaded.returncode == 2 and "no lists loaded yet" in unloaded.stderr
    assert json.loads(run(home, "monitor", "history", "book", "--json").stdout) == []
