"""What the cases tables hold, as values: alerts, decisions, and the errors of deciding.

Kept apart from the code that writes them so the web pages, the CLI and the
API hooks can all read alerts without pulling in the write paths.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clearance.cases.identity import Party

DECISIONS = ("true_match", "false_positive", "needs_review")
#: decisions that close an alert once effective (needs_review keeps it open)
CLOSING = ("true_match", "false_positive")
STATUSES = ("open", "pending", "closed")
SOURCES = ("api", "batch", "monitor", "web")
STATES = ("proposed", "effective", "rejected")
MAX_REASON = 2000
MAX_ANALYST = 120


class AlertGone(LookupError):
    """The alert does not exist (never did, or its database was replaced)."""

    def __init__(self, alert_id: int) -> None:
        super().__init__(f"alert {alert_id} does not exist")
        self.alert_id = alert_id


class AlertConflict(RuntimeError):
    """The alert is not in the state the caller saw: someone decided first, or the action
    does not fit its state. `by`/`at`: who changed it last, and when (if anyone did)."""

    def __init__(
        self, message: str, *, alert_id: int, by: str | None = None, at: str | None = None
    ) -> None:
        super().__init__(message)
        self.alert_id = alert_id
        self.by = by
        self.at = at


class SameAnalyst(AlertConflict):
    """Four-eyes: the analyst who proposed a decision tried to confirm or reject it."""


@dataclass(frozen=True)
class Alert:
    id: int
    party: Party
    party_key: str
    entity_id: str
    entity_hash: str
    dataset: str
    schema: str
    caption: str
    matched_name: str
    score: float
    explanation: str
    lists: tuple[str, ...]
    source: str
    source_ref: str
    snapshot_id: int
    created_at: str
    updated_at: str
    status: str
    decision: str | None
    version: int
    reopened_from: int | None
    change: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party": self.party.to_dict(),
            "party_key": self.party_key,
            "entity_id": self.entity_id,
            "entity_hash": self.entity_hash,
            "dataset": self.dataset,
            "schema": self.schema,
            "caption": self.caption,
            "matched_name": self.matched_name,
            "score": self.score,
            "explanation": self.explanation,
            "lists": list(self.lists),
            "source": self.source,
            "source_ref": self.source_ref,
            "snapshot_id": self.snapshot_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "status": self.status,
            "decision": self.decision,
            "version": self.version,
            "reopened_from": self.reopened_from,
            "change": self.change,
        }


@dataclass(frozen=True)
class Decision:
    id: int
    alert_id: int
    decision: str
    reason: str
    analyst: str
    decided_at: str
    state: str  # proposed / effective / rejected
    entity_hash: str
    reviewer: str | None = None  # four-eyes: who confirmed or rejected
    reviewed_at: str | None = None
    review_reason: str | None = None
    audit_seq: int | None = None
    review_audit_seq: int | None = None

    @property
    def effective_at(self) -> str | None:
        """When the decision took effect: at once, or when a second analyst confirmed it."""
        if self.state != "effective":
            return None
        return self.reviewed_at or self.decided_at

    def note(self) -> str:
        """The line a screening shows under a hit this decision hides."""
        words = self.decision.replace("_", " ")
        who = (
            self.analyst
            if self.reviewer is None
            else f"{self.analyst}, confirmed by {self.reviewer},"
        )
        day = (self.effective_at or self.decided_at)[:10]
        return f"{words} decided by {who} on {day} (alert {self.alert_id})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "alert": self.alert_id,
            "decision": self.decision,
            "reason": self.reason,
            "analyst": self.analyst,
            "decided_at": self.decided_at,
            "state": self.state,
            "entity_hash": self.entity_hash,
            "reviewer": self.reviewer,
            "reviewed_at": self.reviewed_at,
            "review_reason": self.review_reason,
            "audit_seq": self.audit_seq,
            "review_audit_seq": self.review_audit_seq,
        }


def alert_from_row(row: Any) -> Alert:
    return alert_from_mapping(row._mapping)


def alert_from_mapping(m: Mapping[str, Any]) -> Alert:
    return Alert(
        id=int(m["id"]),
        party=Party.from_dict(json.loads(m["party"])),
        party_key=m["party_key"],
        entity_id=m["entity_id"],
        entity_hash=m["entity_hash"],
        dataset=m["dataset"],
        schema=m["schema"],
        caption=m["caption"],
        matched_name=m["matched_name"],
        score=float(m["score"]),
        explanation=m["explanation"],
        lists=tuple(json.loads(m["lists"])),
        source=m["source"],
        source_ref=m["source_ref"],
        snapshot_id=int(m["snapshot_id"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        status=m["status"],
        decision=m["decision"],
        version=int(m["version"]),
        reopened_from=m["reopened_from"],
        change=m["change"],
    )


def decision_from_row(row: Any) -> Decision:
    m = row._mapping
    return Decision(
        id=int(m["id"]),
        alert_id=int(m["alert_id"]),
        decision=m["decision"],
        reason=m["reason"],
        analyst=m["analyst"],
        decided_at=m["decided_at"],
        state=m["state"],
        entity_hash=m["entity_hash"],
        reviewer=m["reviewer"],
        reviewed_at=m["reviewed_at"],
        review_reason=m["review_reason"],
        audit_seq=m["audit_seq"],
        review_audit_seq=m["review_audit_seq"],
    )
