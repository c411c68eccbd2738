"""The audit log: what was answered is recorded, and tampering is found."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from clearance.service.audit import AuditLog
from clearance.store.store import Store
from tests.cli.test_commands import run


def test_screening_requests_are_recorded(client: TestClient, service_home: Path) -> None:
    query = {"q": {"schema": "Person", "properties": {"name": ["Chen Quanguo"]}}}
    answer = client.post("/match/sanctions", json={"queries": query}).json()
    client.post("/v1/screen", json={"parties": [{"name": "Hikvision"}]})
    with Store.open(service_home) as store:
        records = list(AuditLog(store.engine).records())
    match_record = next(r for r in reversed(records) if r.endpoint == "POST /match/sanctions")
    assert match_record.key_name == "tests-screen"
    assert isinstance(match_record.body["snapshot"], int)
    assert match_record.body["lists"]["us_ofac_sdn"]["release"]
    returned = [(r["id"], r["score"], r["match"]) for r in answer["responses"]["q"]["results"]]
    logged = [
        (r["id"], r["score"], r["match"]) for r in match_record.body["results"]["q"]["results"]
    ]
    assert logged == returned
    assert records[-1].endpoint == "POST /v1/screen"
    verified = run(service_home, "audit", "verify")
    assert verified.returncode == 0 and "intact" in verified.stdout
    exported = run(service_home, "audit", "export", "--since", match_record.at)
    lines = [json.loads(line) for line in exported.stdout.splitlines()]
    assert lines[0]["at"] >= match_record.at and lines[-1]["endpoint"] == "POST /v1/screen"
    assert match_record.seq in [line["seq"] for line in lines]


def _chain(home: Path, n: int) -> Path:
    with Store.open(home) as store:
        log = AuditLog(store.engine)
        for i in range(n):
            log.append("k", "POST /v1/screen", {"query": {"name": f"party {i}"}, "results": []})
    return home / "clearance.sqlite"


def test_edit_insert_delete_are_detected(tmp_path: Path) -> None:
    for case in ("edit", "insert", "delete", "delete-last-then-append"):
        home = tmp_path / case
        home.mkdir()
        db = _chain(home, 5)
        assert run(home, "audit", "verify").returncode == 0
        with sqlite3.connect(db) as conn:
            if case == "edit":
                conn.execute(
                    "UPDATE audit_records SET body = replace(body, 'party 2', 'party X') "
                    "WHERE seq = 3"
                )
            elif case == "insert":
                row = conn.execute("SELECT * FROM audit_records WHERE seq = 3").fetchone()
                conn.execute("UPDATE audit_records SET seq = seq + 10 WHERE seq >= 4")
                conn.execute("INSERT INTO audit_records VALUES (4, ?, ?, ?, ?, ?, ?)", row[1:])
            elif case == "delete":
                conn.execute("DELETE FROM audit_records WHERE seq = 2")
            else:
                conn.execute("DELETE FROM audit_records WHERE seq = 5")
        if case == "delete-last-then-append":
            _chain(home, 1)  # the next record's number shows the gap
        result = run(home, "audit", "verify")
        assert result.returncode == 1, (case, result.stdout)
        assert "broken" in result.stderr and "record" in result.stderr, case
