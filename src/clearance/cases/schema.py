"""The cases tables: alerts, the decisions taken on them, and the pairs a false positive hides.

- `alerts`: one row per hit that needs a decision. `version` grows by one on
  every change of state, and every change is `UPDATE … WHERE id = ? AND version = ?`:
  an analyst deciding on a stale view changes nothing (optimistic concurrency,
  the same on SQLite and PostgreSQL, no row locks held while a person reads).
- `decisions`: one row per decision an analyst took (true match, false positive,
  needs review), with its reason; under four-eyes its state goes proposed →
  effective or rejected, and the second analyst's name and time are kept on it.
- `suppressions`: for each (party, listed entity) pair whose latest effective
  decision is a false positive, that decision and the entity version it was
  about. A screening hides the hit only while the entity in the served snapshot
  still has that content hash.

Migration `0003_cases` creates exactly these tables; keep the two in step.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text

from clearance.store.schema import metadata

__all__ = ["alerts", "decisions", "metadata", "suppressions"]

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("party_key", String(64), nullable=False),  # identity.party_key
    Column("party", Text, nullable=False),  # JSON: the party as screened
    Column("entity_id", String(255), nullable=False),
    Column("entity_hash", String(64), nullable=False),  # the entity version the hit was on
    Column("dataset", String(80), nullable=False),
    Column("schema", String(40), nullable=False),
    Column("caption", Text, nullable=False),
    Column("matched_name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("lists", Text, nullable=False),  # JSON list
    Column("source", String(20), nullable=False),  # api / batch / monitor / web
    Column("source_ref", Text, nullable=False),  # audit seq, run id, file and time
    Column("snapshot_id", Integer, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # open / pending / closed
    Column("decision", String(20)),  # the latest decision (proposed while pending)
    Column("version", Integer, nullable=False),
    Column("reopened_from", Integer, ForeignKey("alerts.id")),
    Column("change", Text),  # what changed in the listed entity since reopened_from
)
Index("ix_alerts_pair", alerts.c.party_key, alerts.c.entity_id)
Index("ix_alerts_status", alerts.c.status, alerts.c.id)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("analyst", String(120), nullable=False),
    Column("decided_at", String(40), nullable=False),
    Column("state", String(20), nullable=False),  # proposed / effective / rejected
    Column("entity_hash", String(64), nullable=False),  # the version decided about
    Column("reviewer", String(120)),  # four-eyes: who confirmed or rejected
    Column("reviewed_at", String(40)),
    Column("review_reason", Text),
    Column("audit_seq", Integer),  # the audit record of the decision
    Column("review_audit_seq", Integer),  # … and of its confirmation or rejection
)
Index("ix_decisions_alert", decisions.c.alert_id)

suppressions = Table(
    "suppressions",
    metadata,
    Column("party_key", String(64), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("entity_hash", String(64), nullable=False),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False),
    Column("since", String(40), nullable=False),  # when the decision took effect
)
