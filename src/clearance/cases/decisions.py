"""Deciding alerts: true match, false positive or needs review, with a reason; optional four-eyes.

Every change of an alert is `UPDATE alerts … WHERE id = ? AND version = ?`
(after the same check made in Python, for a message that says who decided
first): of two analysts deciding on the same version, exactly one changes the
row and the other gets AlertConflict. The decision row and the suppression it
brings are written in the same transaction, so nothing is ever half-decided.

Without four-eyes a decision takes effect at once. With it, a true match or
false positive is only proposed (alert "pending") until a different analyst
confirms it (effective: the alert closes, a false positive starts hiding the
pair) or rejects it (the alert is open again). "needs_review" never needs a
second analyst: it decides nothing, it only records that someone must look.

Each decide, confirm and reject appends one record to the hash-chained audit
log (clearance.service.audit; endpoint "decision", key name = the analyst).
The record is written in the decision's own transaction (`AuditLog.append_in`),
and its sequence number kept on the decision row: a decision and its record are
committed together or not at all.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, update
from sqlalchemy.engine import Connection

from clearance.cases import schema as t
from clearance.cases.alerts import read_alert, read_decisions
from clearance.cases.records import (
    CLOSING,
    DECISIONS,
    MAX_ANALYST,
    MAX_REASON,
    Alert,
    AlertConflict,
    Decision,
    SameAnalyst,
)
from clearance.cases.transactions import write
from clearance.store.store import utc_now

if TYPE_CHECKING:
    from clearance.service.audit import AuditLog

AUDIT_ENDPOINT = "decision"


# -- input --------------------------------------------------------------------


def check_decision(decision: str) -> str:
    if decision not in DECISIONS:
        raise ValueError(f"decision: {decision!r} is not one of {', '.join(DECISIONS)}")
    return decision


def check_reason(reason: str | None, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise ValueError(f"{field}: a reason is required")
    if len(text) > MAX_REASON:
        raise ValueError(f"{field}: {len(text)} characters, at most {MAX_REASON} allowed")
    return text


def check_analyst(analyst: str | None) -> str:
    name = (analyst or "").strip()
    if not name:
        raise ValueError("analyst: who decides must be named")
    if len(name) > MAX_ANALYST:
        raise ValueError(f"analyst: {len(name)} characters, at most {MAX_ANALYST} allowed")
    return name


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


# -- state checks -------------------------------------------------------------


def _last_change(conn: Connection, alert: Alert) -> tuple[str | None, str | None, str]:
    """(who, when, in words) of the alert's latest decision or review."""
    decisions = read_decisions(conn, alert.id)
    if not decisions:
        return None, None, "it changed"
    d = decisions[-1]
    words = d.decision.replace("_", " ")
    if d.reviewer is not None and d.reviewed_at is not None:
        verb = "confirmed" if d.state == "effective" else "rejected"
        return (
            d.reviewer,
            d.reviewed_at,
            f"{d.reviewer} {verb} {d.analyst}'s {words} decision at {d.reviewed_at}",
        )
    waiting = " (waiting for a second analyst to confirm it)" if d.state == "proposed" else ""
    return d.analyst, d.decided_at, f"{d.analyst} decided {words} at {d.decided_at}{waiting}"


def _conflict(conn: Connection, alert_id: int, seen: int) -> AlertConflict:
    current = read_alert(conn, alert_id)
    by, at, words = _last_change(conn, current)
    return AlertConflict(
        f"alert {alert_id} changed since you loaded it (version {seen}, now {current.version}): "
        f"{words}. Nothing was decided; reload the alert.",
        alert_id=alert_id,
        by=by,
        at=at,
    )


def _load(conn: Connection, alert_id: int, version: int) -> Alert:
    alert = read_alert(conn, alert_id)
    if alert.version != version:
        raise _conflict(conn, alert_id, version)
    return alert


def _wrong_state(conn: Connection, alert: Alert, wanted: str) -> AlertConflict:
    by, at, words = _last_change(conn, alert)
    if alert.status == "closed":
        state = f"is closed: {words}"
    elif alert.status == "pending":
        state = f"waits for a second analyst: {words}; confirm or reject it instead"
    else:
        state = "is open: there is no proposed decision to confirm or reject"
    return AlertConflict(
        f"alert {alert.id} {state}. Nothing was {wanted}.", alert_id=alert.id, by=by, at=at
    )


def _move(conn: Connection, alert: Alert, now: str, **values: Any) -> Alert:
    """The conditional update: changes the row only if nobody changed it since `alert`."""
    changed = conn.execute(
        update(t.alerts)
        .where(t.alerts.c.id == alert.id, t.alerts.c.version == alert.version)
        .values(version=alert.version + 1, updated_at=now, **values)
    )
    if changed.rowcount != 1:
        raise _conflict(conn, alert.id, alert.version)
    return replace(alert, version=alert.version + 1, updated_at=now, **values)


def _settle(conn: Connection, alert: Alert, decision: Decision, now: str) -> None:
    """An effective closing decision: a false positive hides the pair (this entity version);
    a true match ends any earlier suppression of it."""
    pair = (t.suppressions.c.party_key == alert.party_key) & (
        t.suppressions.c.entity_id == alert.entity_id
    )
    conn.execute(t.suppressions.delete().where(pair))
    if decision.decision == "false_positive":
        conn.execute(
            t.suppressions.insert().values(
                party_key=alert.party_key,
                entity_id=alert.entity_id,
                entity_hash=decision.entity_hash,
                alert_id=alert.id,
                decision_id=decision.id,
                since=now,
            )
        )


def _proposal(conn: Connection, alert: Alert) -> Decision:
    proposed = [d for d in read_decisions(conn, alert.id) if d.state == "proposed"]
    if not proposed:  # a pending alert always has one; say so if the data says otherwise
        raise AlertConflict(f"alert {alert.id} has no proposed decision", alert_id=alert.id)
    return proposed[-1]


# -- actions ------------------------------------------------------------------


def decide(
    engine: Engine,
    audit: AuditLog,
    alert_id: int,
    *,
    version: int,
    decision: str,
    reason: str,
    analyst: str,
    four_eyes: bool,
) -> Alert:
    decision, reason, analyst = (
        check_decision(decision),
        check_reason(reason),
        check_analyst(analyst),
    )
    now = utc_now()
    with write(engine) as conn:
        alert = _load(conn, alert_id, version)
        if alert.status != "open":
            raise _wrong_state(conn, alert, "decided")
        if decision not in CLOSING:
            state, status = "effective", "open"
        elif four_eyes:
            state, status = "proposed", "pending"
        else:
            state, status = "effective", "closed"
        alert = _move(conn, alert, now, status=status, decision=decision)
        fields: dict[str, Any] = {
            "alert_id": alert.id,
            "decision": decision,
            "reason": reason,
            "analyst": analyst,
            "decided_at": now,
            "state": state,
            "entity_hash": alert.entity_hash,
        }
        inserted = conn.execute(t.decisions.insert().values(fields))
        made = Decision(id=int(inserted.inserted_primary_key[0]), **fields)  # type: ignore[index]
        if state == "effective" and decision in CLOSING:
            _settle(conn, alert, made, now)
        _audit(conn, audit, "decide", analyst, alert, made, column="audit_seq")
    return alert


def confirm(engine: Engine, audit: AuditLog, alert_id: int, *, version: int, analyst: str) -> Alert:
    analyst = check_analyst(analyst)
    now = utc_now()
    with write(engine) as conn:
        alert, proposal = _reviewable(conn, alert_id, version, analyst, "confirm")
        alert = _move(conn, alert, now, status="closed")
        made = replace(proposal, state="effective", reviewer=analyst, reviewed_at=now)
        conn.execute(
            update(t.decisions)
            .where(t.decisions.c.id == proposal.id)
            .values(state="effective", reviewer=analyst, reviewed_at=now)
        )
        _settle(conn, alert, made, now)
        _audit(conn, audit, "confirm", analyst, alert, made, column="review_audit_seq")
    return alert


def reject(
    engine: Engine, audit: AuditLog, alert_id: int, *, version: int, analyst: str, reason: str
) -> Alert:
    analyst, reason = check_analyst(analyst), check_reason(reason)
    now = utc_now()
    with write(engine) as conn:
        alert, proposal = _reviewable(conn, alert_id, version, analyst, "reject")
        alert = _move(conn, alert, now, status="open", decision=None)
        made = replace(
            proposal, state="rejected", reviewer=analyst, reviewed_at=now, review_reason=reason
        )
        conn.execute(
            update(t.decisions)
            .where(t.decisions.c.id == proposal.id)
            .values(state="rejected", reviewer=analyst, reviewed_at=now, review_reason=reason)
        )
        _audit(conn, audit, "reject", analyst, alert, made, column="review_audit_seq")
    return alert


def _reviewable(
    conn: Connection, alert_id: int, version: int, analyst: str, verb: str
) -> tuple[Alert, Decision]:
    """The pending alert and its proposal, if `analyst` (not the proposer) may `verb` it."""
    alert = _load(conn, alert_id, version)
    if alert.status != "pending":
        raise _wrong_state(conn, alert, verb + "ed")
    proposal = _proposal(conn, alert)
    if _same(proposal.analyst, analyst):
        raise SameAnalyst(
            f"alert {alert.id}: {proposal.analyst} proposed this decision; four-eyes needs a "
            f"different analyst to {verb} it. Nothing was {verb}ed.",
            alert_id=alert.id,
            by=proposal.analyst,
            at=proposal.decided_at,
        )
    return alert, proposal


def _audit(
    conn: Connection,
    audit: AuditLog,
    action: str,
    analyst: str,
    alert: Alert,
    decision: Decision,
    *,
    column: str,
) -> None:
    body = {
        "action": action,
        "alert": alert.id,
        "alert_version": alert.version,
        "status": alert.status,
        "party": alert.party.to_dict(),
        "party_key": alert.party_key,
        "entity_id": alert.entity_id,
        "entity_hash": decision.entity_hash,
        "decision_id": decision.id,
        "decision": decision.decision,
        "reason": decision.reason,
        "analyst": decision.analyst,
        "reviewer": decision.reviewer,
        "review_reason": decision.review_reason,
        "state": decision.state,
        "snapshot": alert.snapshot_id,
    }
    # in the decision's own transaction: a decision is never without its record
    seq = audit.append_in(conn, key_name=analyst, endpoint=AUDIT_ENDPOINT, body=body)
    conn.execute(update(t.decisions).where(t.decisions.c.id == decision.id).values({column: seq}))
