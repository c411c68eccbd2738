"""Saving portfolios: stable keys, what an update changed, and bad input that changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.monitor.conftest import numbered, unlisted_names, write_book

from clearance.batch.errors import BatchInputError
from clearance.monitor import schema as t
from clearance.monitor.errors import MonitorError
from clearance.monitor.portfolio import (
    PortfolioRow,
    get_portfolio,
    list_portfolios,
    load_rows,
    save_portfolio,
)
from clearance.store.store import Store


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    with Store.open(home) as opened:
        yield opened


def rows_by_id(store: Store, name: str) -> dict[str, PortfolioRow]:
    return {r.row_id or r.key: r for r in load_rows(store, get_portfolio(store, name))[1]}


def test_update_remembers_added_changed_and_removed_rows(store: Store, tmp_path: Path) -> None:
    rows = numbered(unlisted_names(12))
    created = save_portfolio(store, "suppliers", write_book(tmp_path / "a.csv", rows))
    assert created.created and created.added == 12 and created.portfolio.version == 1
    assert {r.since_version for r in rows_by_id(store, "suppliers").values()} == {1}

    again = save_portfolio(store, "suppliers", write_book(tmp_path / "same.csv", rows))
    assert not again.created and again.portfolio.version == 1  # nothing changed
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 12)

    later = [r for r in rows if r[0] != "C1003"]
    later[0] = (later[0][0], "Renamed Trading GmbH")
    later.append(("C2000", "Zorblax Kelliwax"))
    update = save_portfolio(store, "suppliers", write_book(tmp_path / "b.csv", later))
    assert (update.added, update.changed, update.removed, update.unchanged) == (1, 1, 1, 10)
    assert update.portfolio.version == 2 and update.portfolio.row_count == 12
    stored = rows_by_id(store, "suppliers")
    assert "C1003" not in stored
    assert stored["C1000"].name == "Renamed Trading GmbH" and stored["C1000"].since_version == 2
    assert stored["C2000"].since_version == 2 and stored["C1001"].since_version == 1
    with store.engine.connect() as conn:
        history = conn.execute(select(t.updates).order_by(t.updates.c.seq)).all()
    assert [(u.version, u.added, u.changed, u.removed) for u in history] == [
        (1, 12, 0, 0),
        (1, 0, 0, 0),
        (2, 1, 1, 1),
    ]


def test_rows_without_an_id_are_keyed_by_what_is_screened(store: Store, tmp_path: Path) -> None:
    names = unlisted_names(6)
    book = write_book(tmp_path / "a.csv", numbered([*names, names[2]]), ids=False)
    first = save_portfolio(store, "leads", book)
    assert first.rows == 6 and first.duplicates == 1  # the repeated row is screened once
    keys = {r.name: r.key for r in load_rows(store, first.portfolio)[1]}
    assert all(k.startswith("#") for k in keys.values())

    moved = [names[5], "  " + names[0] + " ", *names[1:4], "Changed Name Ltd"]
    second = save_portfolio(
        store, "leads", write_book(tmp_path / "b.csv", numbered(moved), ids=False)
    )
    # the same rows in another order and spacing are the same rows; an edited one is new
    assert (second.added, second.changed, second.removed) == (1, 0, 1)
    again = {r.name.strip(): r.key for r in load_rows(store, second.portfolio)[1]}
    assert again[names[0]] == keys[names[0]] and again[names[5]] == keys[names[5]]


def test_columns_from_map_in_another_format(store: Store, tmp_path: Path) -> None:
    book = tmp_path / "book.jsonl"
    records = [{"Ref": f"R{i}", "Nom": n, "Pays": "FR"} for i, n in enumerate(unlisted_names(4))]
    book.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    summary = save_portfolio(store, "fr", book, ["name=Nom,country=Pays", "id=Ref"])
    assert summary.portfolio.columns == {
        "name": "Nom",
        "country": "Pays",
        "birth_date": None,
        "schema": None,
        "id": "Ref",
    }
    stored = rows_by_id(store, "fr")
    assert stored["R2"].name == records[2]["Nom"] and stored["R2"].country == "FR"


def test_a_failed_add_leaves_the_portfolio_as_it_was(store: Store, tmp_path: Path) -> None:
    rows = numbered(unlisted_names(5))
    save_portfolio(store, "book", write_book(tmp_path / "good.csv", rows))
    before = rows_by_id(store, "book")

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = write_book(tmp_path / "header.csv", [])
    no_name = tmp_path / "no-name.csv"
    no_name.write_text("Ref,Amount\nR1,12\n", encoding="utf-8")
    blank_name = write_book(tmp_path / "blank.csv", [*rows[:2], ("C7", " ")])
    bad_country = tmp_path / "country.csv"
    bad_country.write_text("id,name,country\nA1,Some Trading Ltd,Atlantis\n", encoding="utf-8")
    repeated = write_book(tmp_path / "repeat.csv", [*rows, (rows[1][0], "Another Name")])
    cases = [
        (empty, (), "the file is empty"),
        (header_only, (), "no rows to screen"),
        (no_name, (), "no name column"),
        (write_book(tmp_path / "ok.csv", rows), ("name=Nom",), "--map name=Nom: no such column"),
        (write_book(tmp_path / "ok2.csv", rows), ("nickname=Counterparty",), "unknown field"),
        (blank_name, (), "row 3 (line 4, id C7): name: must not be empty"),
        (bad_country, (), "row 1 (line 2, id A1): country: 'Atlantis'"),
        (repeated, (), "id 'C1001' is also on row 2"),
        (tmp_path / "absent.csv", (), "no such file"),
    ]
    for path, mapping, message in cases:
        with pytest.raises(BatchInputError) as caught:
            save_portfolio(store, "book", path, mapping)
        assert message in str(caught.value), (path, str(caught.value))
        assert rows_by_id(store, "book") == before
        assert get_portfolio(store, "book").version == 1
    assert [p.name for p in list_portfolios(store)] == ["book"]

    for bad in ("", " ", "a\x00b", "x" * 201):
        with pytest.raises(MonitorError, match="portfolio name"):
            save_portfolio(store, bad, tmp_path / "good.csv")
    with pytest.raises(MonitorError, match="no portfolio named 'nope'; portfolios: book"):
        get_portfolio(store, "nope")
