"""Cases across the interfaces, on a real store loaded from a watchlist file.

A false positive decided once is answered `match: false` (with who decided it)
by the native API, the yente API and `clearance batch`, and raises no new alert
there or in monitoring; when a new release changes the listed entity, every
interface sees the match again and the alert re-opens with the change in words.
The HTTP app runs in-process on the real store and index; the CLI commands run
as real processes; the database is SQLite or PostgreSQL (`database_url`).
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearance.cases import Cases
from clearance.ingest import load
from clearance.service.app import create_app
from clearance.service.audit import AuditLog
from clearance.service.auth import KeyStore
from clearance.service.config import ServiceConfig
from clearance.store.store import Store, utc_now
from tests.cli.test_commands import run
from tests.conftest import FIXTURES

WATCHLIST = FIXTURES / "watchlist_sample.csv"
LISTED = "watchlist:WL-0001"
NAME, SCHEMA, COUNTRY = "Northwind Maritime Holdings", "Company", "MT"


@pytest.fixture
def watch_home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home holding the watchlist fixture, its database on each backend: the in-process
    parts and the CLI processes find it through CLEARANCE_DATABASE_URL, as a team's do."""
    monkeypatch.setenv("CLEARANCE_DATABASE_URL", database_url)
    home = tmp_path / "home"
    with Store.open(home) as store:
        assert load(store, "watchlist", [WATCHLIST]).status == "activated"
    return home


_KEY_NUMBERS = itertools.count(1)


@contextmanager
def api(home: Path) -> Iterator[TestClient]:
    """The real app on the home's active snapshot (a new one after each load)."""
    with Store.open(home) as store:
        # a key of its own each time: a test may open the API twice within a second
        _info, key = KeyStore(store.engine).create("screen", f"cases-{next(_KEY_NUMBERS)}")
    config = ServiceConfig(home=home, requests_per_minute=100_000)
    with TestClient(create_app(config)) as client:
        client.headers["Authorization"] = f"ApiKey {key}"
        yield client


def native(client: TestClient) -> dict[str, Any]:
    response = client.post(
        "/v1/screen",
        json={"parties": [{"name": NAME, "schema": SCHEMA, "countries": [COUNTRY]}]},
    )
    assert response.status_code == 200, response.text
    (hit,) = [h for h in response.json()["results"][0]["hits"] if h["id"] == LISTED]
    return dict(hit)


def yente(client: TestClient) -> dict[str, Any]:
    query = {"schema": SCHEMA, "properties": {"name": [NAME], "country": [COUNTRY.lower()]}}
    response = client.post("/match/default", json={"queries": {"q": query}})
    assert response.status_code == 200, response.text
    (result,) = [r for r in response.json()["responses"]["q"]["results"] if r["id"] == LISTED]
    return dict(result)


def write_book(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Customer ID", "Counterparty", "Type", "Country"])
        writer.writerow(["C1", NAME, SCHEMA, COUNTRY])
        writer.writerow(["C2", "Maple Leaf Bakery Supplies", "Company", "CA"])
    return path


def batch(home: Path, book: Path, out: Path, *flags: str) -> tuple[dict[str, str], str]:
    result = run(home, "batch", str(book), "--out", str(out), "--workers", "1", *flags)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["entity_id"] == LISTED]
    return row, result.stdout


def edited_watchlist(path: Path) -> Path:
    """The watchlist with one more alias and one more program for WL-0001."""
    with WATCHLIST.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["aliases"] += "; Northwind Maritime Group"
    rows[0]["program"] += ";SANCTIONS-EVASION"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def decide(
    alert_id: str,
    decision: str = "true_match",
    *,
    reason: str = "r",
    analyst: str = "a",
    version: str | None = None,
) -> tuple[str, ...]:
    """The arguments of `clearance alerts decide`."""
    seen = ("--version", version) if version is not None else ()
    return ("decide", alert_id, "--decision", decision, "--reason", reason, "--as", analyst, *seen)


def open_alerts(home: Path) -> list[Any]:
    with Store.open(home) as store:
        return Cases(store).queue(limit=500)


def test_a_false_positive_is_cleared_everywhere_until_the_entity_changes(
    watch_home: Path, tmp_path: Path
) -> None:
    home = watch_home
    today = utc_now()[:10]
    with api(home) as client:
        first = native(client)
        assert first["match"] is True and first["decision"] is None
    (alert,) = open_alerts(home)
    with Store.open(home) as store:
        screens = [r for r in AuditLog(store.engine).records() if r.endpoint == "POST /v1/screen"]
    assert (alert.entity_id, alert.source, alert.source_ref) == (
        LISTED,
        "api",
        str(screens[-1].seq),
    )

    decided = run(
        home,
        "alerts",
        "decide",
        str(alert.id),
        "--decision",
        "false_positive",
        "--reason",
        "Valletta shipping agent of the same name; registration differs",
        "--as",
        "alice",
    )
    assert decided.returncode == 0, decided.stderr
    assert f"alert {alert.id}: decided by alice; false positive, closed" in decided.stdout

    note = f"Not a match: false positive decided by alice on {today} (alert {alert.id})."
    with api(home) as client:
        again = native(client)
        assert again["match"] is False and again["explanation"].endswith(note)
        assert again["decision"]["alert"] == alert.id and again["decision"]["analyst"] == "alice"
        matched = yente(client)
        assert matched["match"] is False
        assert matched["explanations"]["clearance-v1"]["detail"].endswith(note)
    assert open_alerts(home) == []
    with Store.open(home) as store:
        last = [r for r in AuditLog(store.engine).records() if r.endpoint == "POST /v1/screen"][-1]
    assert last.body["results"][0]["results"][0]["cleared_by_alert"] == alert.id

    book = write_book(tmp_path / "book.csv")
    row, summary = batch(home, book, tmp_path / "hits.csv", "--alerts")
    assert row["match"] in ("False", "false") and row["explanation"].endswith(note)
    assert "0 new alerts" in summary
    row, _summary = batch(home, book, tmp_path / "hits-plain.csv")  # no --alerts: still cleared
    assert row["match"] in ("False", "false")

    # monitoring files decisions under the portfolio's row keys: its own alert, cleared once
    assert run(home, "monitor", "add", "book", str(book)).returncode == 0
    assert run(home, "monitor", "run", "book").returncode == 0
    (watched,) = open_alerts(home)
    assert (watched.source, watched.source_ref, watched.party.key) == (
        "monitor",
        "1",
        "monitor/book/C1",
    )
    with Store.open(home) as store:
        Cases(store).decide(
            watched.id, version=1, decision="false_positive", reason="same agent", analyst="bob"
        )
    assert run(home, "monitor", "run", "book", "--full").returncode == 0
    assert open_alerts(home) == []

    # a new release changes the listed entity: the match is back, the alerts re-open
    assert (
        run(home, "load", "watchlist", str(edited_watchlist(tmp_path / "wl.csv"))).returncode == 0
    )
    change = "names added: Northwind Maritime Group; programs added: SANCTIONS-EVASION"
    with api(home) as client:
        back = native(client)
        assert back["match"] is True and back["decision"] is None
    (reopened,) = open_alerts(home)
    assert (reopened.reopened_from, reopened.change) == (alert.id, change)
    row, summary = batch(home, book, tmp_path / "hits-2.csv", "--alerts")
    assert row["match"] in ("True", "true") and "0 new alerts" in summary  # already open
    assert run(home, "monitor", "run", "book").returncode == 0
    reopened_api, reopened_monitor = open_alerts(home)
    assert reopened_api == reopened
    assert (reopened_monitor.reopened_from, reopened_monitor.change) == (watched.id, change)


def test_alerts_commands(watch_home: Path, tmp_path: Path) -> None:
    home = watch_home
    book = write_book(tmp_path / "book.csv")
    raised = run(home, "batch", str(book), "--out", str(tmp_path / "h.csv"), "--alerts")
    assert raised.returncode == 0 and "1 new alerts" in raised.stdout, raised.stderr
    listed = run(home, "alerts", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (alert,) = json.loads(listed.stdout)
    assert alert["source"] == "batch" and alert["source_ref"].startswith("book.csv at 20")
    assert alert["party"] == {
        "name": NAME,
        "schema": SCHEMA,
        "countries": [COUNTRY],
        "birth_date": None,
        "identifiers": [],
        "key": None,
    }
    table = run(home, "alerts", "list")
    assert table.returncode == 0 and NAME in table.stdout and "open alerts: 1 of 1" in table.stdout
    aid = str(alert["id"])

    def refused(*args: str, message: str, env: dict[str, str] | None = None) -> None:
        result = run(home, "alerts", *args, env=env)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr

    refused("show", "999", message="alert 999 does not exist")
    refused(*decide("999"), message="alert 999 does not exist; nothing was decided")
    refused(
        *decide(aid, "cleared"),
        message="decision: 'cleared' is not one of true_match, false_positive, needs_review",
    )
    refused(*decide(aid, reason=""), message="reason: a reason is required")
    refused(
        *decide(aid, version="7"),
        message=f"alert {aid} changed since you loaded it (version 7, now 1)",
    )

    proposed = run(
        home,
        "alerts",
        *decide(aid, reason="same registration", analyst="alice"),
        env={"CLEARANCE_FOUR_EYES": "1"},
    )
    assert proposed.returncode == 0, proposed.stderr
    assert "pending: a second analyst must confirm it (version 2)" in proposed.stdout
    refused("confirm", aid, "--as", "alice", message="four-eyes needs a different analyst")
    refused(
        *decide(aid, "false_positive", analyst="bob"),
        message="waits for a second analyst: alice decided true match at",
    )
    confirmed = run(home, "alerts", "confirm", aid, "--as", "bob", "--version", "2")
    assert confirmed.returncode == 0 and "true match, closed (version 3)" in confirmed.stdout
    refused(
        "confirm",
        aid,
        "--as",
        "carol",
        "--version",
        "2",
        message="bob confirmed alice's true match decision at",
    )

    shown = json.loads(run(home, "alerts", "show", aid, "--json").stdout)
    assert (shown["status"], shown["decision"], shown["version"]) == ("closed", "true_match", 3)
    (decision,) = shown["decisions"]
    assert (decision["analyst"], decision["reviewer"], decision["state"]) == (
        "alice",
        "bob",
        "effective",
    )
    text = run(home, "alerts", "show", aid)
    assert "confirmed by bob" in text.stdout and "same registration" in text.stdout
    closed = json.loads(run(home, "alerts", "list", "--status", "closed", "--json").stdout)
    assert [a["id"] for a in closed] == [alert["id"]]
    refused(
        "list", "--status", "done", message="status: 'done' is not one of open, pending, closed"
    )
