"""Decisions on both backends: four-eyes, conflicts, missing alerts, bad input, the audit log."""

from __future__ import annotations

import threading

import pytest

from clearance.cases import AlertConflict, AlertGone, Cases, SameAnalyst
from clearance.service.audit import AuditLog
from clearance.store.store import Store
from tests.cases.conftest import JANE, PARTY, hit


def _alert_id(cases: Cases, snapshot: int) -> int:
    (alert,) = cases.raise_alerts(
        PARTY, [hit(JANE)], source="api", source_ref="1", snapshot_id=snapshot
    )
    return alert.id


def test_four_eyes_needs_a_second_analyst(any_store: Store, snapshot: int) -> None:
    cases = Cases(any_store, four_eyes=True)
    alert_id = _alert_id(cases, snapshot)
    pending = cases.decide(
        alert_id, version=1, decision="false_positive", reason="other person", analyst="alice"
    )
    assert (pending.status, pending.decision, pending.version) == ("pending", "false_positive", 2)
    assert [d.state for d in cases.decisions(alert_id)] == ["proposed"]
    assert cases.suppressed(PARTY, [hit(JANE)]) == {}  # not in effect yet
    with pytest.raises(SameAnalyst, match="different analyst"):
        cases.confirm(alert_id, version=2, analyst="ALICE")
    with pytest.raises(AlertConflict, match="waits for a second analyst"):
        cases.decide(alert_id, version=2, decision="true_match", reason="x", analyst="carol")

    # a rejection sends it back to the queue; a new proposal, confirmed, takes effect
    reopened = cases.reject(alert_id, version=2, analyst="bob", reason="check the passport first")
    assert (reopened.status, reopened.decision, reopened.version) == ("open", None, 3)
    cases.decide(
        alert_id, version=3, decision="false_positive", reason="passport differs", analyst="alice"
    )
    closed = cases.confirm(alert_id, version=4, analyst="bob")
    assert (closed.status, closed.decision, closed.version) == ("closed", "false_positive", 5)
    rejected, effective = cases.decisions(alert_id)
    assert (rejected.state, rejected.reviewer, rejected.review_reason) == (
        "rejected",
        "bob",
        "check the passport first",
    )
    assert (effective.state, effective.reviewer, effective.analyst) == ("effective", "bob", "alice")
    note = cases.suppressed(PARTY, [hit(JANE)])[JANE.id].note()
    assert note.startswith("false positive decided by alice, confirmed by bob, on ")

    # needs_review needs no second analyst: it decides nothing
    (other,) = cases.raise_alerts(
        PARTY.__class__("Someone Else"),
        [hit(JANE)],
        source="web",
        source_ref="",
        snapshot_id=snapshot,
    )
    assert (
        cases.decide(other.id, version=1, decision="needs_review", reason="?", analyst="a").status
        == "open"
    )


def test_two_analysts_on_one_version_one_wins(cases: Cases, snapshot: int) -> None:
    alert_id = _alert_id(cases, snapshot)
    cases.decide(alert_id, version=1, decision="true_match", reason="same person", analyst="alice")
    with pytest.raises(AlertConflict) as caught:
        cases.decide(alert_id, version=1, decision="false_positive", reason="no", analyst="bob")
    assert caught.value.by == "alice" and caught.value.at is not None
    assert "alice decided true match at" in str(caught.value) and "Nothing was decided" in str(
        caught.value
    )
    assert [d.analyst for d in cases.decisions(alert_id)] == ["alice"]
    assert cases.suppressed(PARTY, [hit(JANE)]) == {}


def test_concurrent_decisions_decide_once(any_store: Store, snapshot: int) -> None:
    alert_id = _alert_id(Cases(any_store), snapshot)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def decide(analyst: str) -> None:
        cases = Cases(any_store)
        barrier.wait()
        try:
            cases.decide(
                alert_id, version=1, decision="false_positive", reason="r", analyst=analyst
            )
            outcomes.append("won")
        except AlertConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(f"analyst{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * 3 + ["won"]
    assert len(Cases(any_store).decisions(alert_id)) == 1
    assert Cases(any_store).alert(alert_id).version == 2


def test_missing_alerts_and_bad_input(cases: Cases, snapshot: int) -> None:
    for action in (
        lambda: cases.alert(404),
        lambda: cases.decisions(404),
        lambda: cases.decide(404, version=1, decision="true_match", reason="r", analyst="a"),
        lambda: cases.confirm(404, version=1, analyst="a"),
        lambda: cases.reject(404, version=1, analyst="a", reason="r"),
    ):
        with pytest.raises(AlertGone, match="alert 404 does not exist"):
            action()
    alert_id = _alert_id(cases, snapshot)
    for kwargs, message in (
        ({"decision": "cleared"}, "decision: 'cleared' is not one of true_match"),
        ({"reason": "   "}, "reason: a reason is required"),
        ({"reason": "x" * 2001}, "reason: 2001 characters, at most 2000"),
        ({"analyst": ""}, "analyst: who decides must be named"),
    ):
        arguments = {"decision": "true_match", "reason": "r", "analyst": "a", **kwargs}
        with pytest.raises(ValueError, match=message):
            cases.decide(alert_id, version=1, **arguments)
    with pytest.raises(AlertConflict, match="no proposed decision to confirm"):
        cases.confirm(alert_id, version=1, analyst="a")
    assert cases.alert(alert_id).version == 1 and cases.decisions(alert_id) == []
    with pytest.raises(ValueError, match="status: 'done'"):
        cases.queue(status="done")


def test_every_decision_is_in_the_audit_chain(any_store: Store, snapshot: int) -> None:
    cases = Cases(any_store, four_eyes=True)
    alert_id = _alert_id(cases, snapshot)
    cases.decide(alert_id, version=1, decision="false_positive", reason="r1", analyst="alice")
    cases.reject(alert_id, version=2, analyst="bob", reason="r2")
    cases.decide(alert_id, version=3, decision="false_positive", reason="r3", analyst="alice")
    cases.confirm(alert_id, version=4, analyst="bob")
    log = AuditLog(any_store.engine)
    records = [r for r in log.records() if r.endpoint == "decision"]
    assert [(r.key_name, r.body["action"], r.body["state"]) for r in records] == [
        ("alice", "decide", "proposed"),
        ("bob", "reject", "rejected"),
        ("alice", "decide", "proposed"),
        ("bob", "confirm", "effective"),
    ]
    first = records[0].body
    assert first["alert"] == alert_id and first["entity_id"] == JANE.id
    assert first["entity_hash"] == cases.alert(alert_id).entity_hash
    assert first["party"]["name"] == PARTY.name and first["reason"] == "r1"
    assert first["decision"] == "false_positive" and first["snapshot"] == snapshot
    verification = log.verify()
    assert verification.ok, verification.problems
    decisions = cases.decisions(alert_id)
    assert [(d.audit_seq, d.review_audit_seq) for d in decisions] == [
        (records[0].seq, records[1].seq),
        (records[2].seq, records[3].seq),
    ]
