"""Alerts on both backends: raised once per pair, hidden when cleared, re-opened on a change."""

from __future__ import annotations

import threading

from clearance.cases import Cases, Party
from clearance.store.store import Store
from tests.cases.conftest import JANE, OMAR, PARTY, hit, listed, publish


def test_match_hits_raise_one_open_alert_per_pair(cases: Cases, snapshot: int) -> None:
    hits = [hit(JANE), hit(OMAR, score=0.6, match=False)]
    (alert,) = cases.raise_alerts(PARTY, hits, source="api", source_ref="7", snapshot_id=snapshot)
    assert (alert.entity_id, alert.status, alert.version, alert.decision) == (
        JANE.id,
        "open",
        1,
        None,
    )
    assert alert.party == PARTY and alert.source == "api" and alert.source_ref == "7"
    assert alert.lists == ("Test List",) and alert.snapshot_id == snapshot
    assert cases.alert(alert.id) == alert
    # the same party written another way, from another interface: still the same pair
    again = Party("JANE ROE", countries=("Iran",))
    assert (
        cases.raise_alerts(again, hits, source="batch", source_ref="b", snapshot_id=snapshot) == []
    )
    other = Party("Jane Roe", countries=("IR",), birth_date="1970")
    assert (
        len(cases.raise_alerts(other, hits, source="api", source_ref="8", snapshot_id=snapshot))
        == 1
    )
    assert cases.count("open") == 2 and [a.id for a in cases.queue()] == [alert.id, alert.id + 1]


def test_hits_on_entities_the_snapshot_does_not_hold_raise_nothing(
    cases: Cases, snapshot: int
) -> None:
    stranger = listed("99", "Not Stored")
    assert (
        cases.raise_alerts(
            PARTY, [hit(stranger)], source="api", source_ref="1", snapshot_id=snapshot
        )
        == []
    )


def test_false_positive_hides_the_pair_until_the_entity_changes(
    any_store: Store, cases: Cases, snapshot: int
) -> None:
    (alert,) = cases.raise_alerts(
        PARTY, [hit(JANE)], source="api", source_ref="1", snapshot_id=snapshot
    )
    assert cases.suppressed(PARTY, [hit(JANE)]) == {}
    closed = cases.decide(
        alert.id,
        version=1,
        decision="false_positive",
        reason="born 1990, not 1970",
        analyst="alice",
    )
    assert (closed.status, closed.decision, closed.version) == ("closed", "false_positive", 2)
    hidden = cases.suppressed(PARTY, [hit(JANE), hit(OMAR)], snapshot_id=snapshot)
    assert list(hidden) == [JANE.id]
    assert hidden[JANE.id].note().startswith("false positive decided by alice on 20")
    assert hidden[JANE.id].note().endswith(f"(alert {alert.id})")
    # a re-screen of the same party on the same entity version: nothing new to decide
    assert (
        cases.raise_alerts(
            PARTY, [hit(JANE)], source="monitor", source_ref="1", snapshot_id=snapshot
        )
        == []
    )
    # another party with the same listed entity is not hidden
    assert cases.suppressed(Party("Jane Roe", countries=("DE",)), [hit(JANE)]) == {}

    changed = listed("1", "Jane Roe", aliases=("J. Roe", "Jane Roe-Smith"), programs=("P1", "P9"))
    unchanged_snapshot = publish(any_store, [changed, OMAR], "v2")
    assert cases.suppressed(PARTY, [hit(changed)]) == {}
    (reopened,) = cases.raise_alerts(
        PARTY, [hit(changed)], source="api", source_ref="2", snapshot_id=unchanged_snapshot
    )
    assert reopened.reopened_from == alert.id and reopened.status == "open"
    assert reopened.entity_hash != alert.entity_hash
    assert reopened.change == "names added: Jane Roe-Smith; programs added: P9"
    # the old snapshot still serves the old version: a screening against it stays hidden
    assert list(cases.suppressed(PARTY, [hit(JANE)], snapshot_id=snapshot)) == [JANE.id]


def test_true_match_and_needs_review(cases: Cases, snapshot: int) -> None:
    (alert,) = cases.raise_alerts(
        PARTY, [hit(JANE)], source="api", source_ref="1", snapshot_id=snapshot
    )
    review = cases.decide(
        alert.id, version=1, decision="needs_review", reason="ask KYC", analyst="a"
    )
    assert (review.status, review.decision, review.version) == ("open", "needs_review", 2)
    assert (
        cases.raise_alerts(PARTY, [hit(JANE)], source="api", source_ref="2", snapshot_id=snapshot)
        == []
    )
    closed = cases.decide(
        alert.id, version=2, decision="true_match", reason="same passport", analyst="b"
    )
    assert (closed.status, closed.decision) == ("closed", "true_match")
    # a true match is not hidden, and raises no second alert for the same entity version
    assert cases.suppressed(PARTY, [hit(JANE)]) == {}
    assert (
        cases.raise_alerts(PARTY, [hit(JANE)], source="api", source_ref="3", snapshot_id=snapshot)
        == []
    )
    assert [d.decision for d in cases.decisions(alert.id)] == ["needs_review", "true_match"]
    assert [a.id for a in cases.queue(status="closed")] == [alert.id]


def test_concurrent_raising_opens_one_alert(any_store: Store, snapshot: int) -> None:
    barrier = threading.Barrier(4)
    raised: list[int] = []

    def raise_once(n: int) -> None:
        barrier.wait()
        found = Cases(any_store).raise_alerts(
            PARTY, [hit(JANE)], source="api", source_ref=str(n), snapshot_id=snapshot
        )
        raised.extend(a.id for a in found)

    threads = [threading.Thread(target=raise_once, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(raised) == 1 and Cases(any_store).count("open") == 1
