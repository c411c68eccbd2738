"""`Cases`: the object the web pages, the CLI and the interfaces use for alerts and decisions."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from clearance.cases import alerts as _alerts
from clearance.cases import decisions as _decisions
from clearance.cases.identity import Party
from clearance.cases.records import Alert, Decision
from clearance.cases.suppression import suppressed_many
from clearance.screening import Hit
from clearance.service.audit import AuditLog
from clearance.store.store import Store

FOUR_EYES_ENV = "CLEARANCE_FOUR_EYES"


def four_eyes_from_env(environ: Mapping[str, str] = os.environ) -> bool:
    """CLEARANCE_FOUR_EYES=1 (or true/yes/on): decisions need a second analyst."""
    return environ.get(FOUR_EYES_ENV, "").strip().casefold() in {"1", "true", "yes", "on"}


class Cases:
    """Alerts, decisions and suppressions of one store.

    Cheap to make (no query until used), so a request may make its own.
    `four_eyes` governs only new decisions: a pending alert can be confirmed or
    rejected whatever the setting of the process that does it.
    """

    def __init__(self, store: Store, *, four_eyes: bool = False) -> None:
        self.store = store
        self.engine = store.engine
        self.four_eyes = four_eyes
        self._audit: AuditLog | None = None

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            self._audit = AuditLog(self.engine)
        return self._audit

    # -- screening side -------------------------------------------------------

    def raise_alerts(
        self,
        party: Party,
        hits: Sequence[Hit],
        *,
        source: str,
        source_ref: str,
        snapshot_id: int,
    ) -> list[Alert]:
        """New alerts for the party's match hits (see alerts.py for when none is raised)."""
        return self.raise_alerts_many(
            [(party, hits)], source=source, source_ref=source_ref, snapshot_id=snapshot_id
        )

    def raise_alerts_many(
        self,
        items: Sequence[tuple[Party, Sequence[Hit]]],
        *,
        source: str,
        source_ref: str,
        snapshot_id: int,
    ) -> list[Alert]:
        """`raise_alerts` for many parties in one transaction (a request, a batch)."""
        return _alerts.raise_alerts(
            self.engine, items, source=source, source_ref=source_ref, snapshot_id=snapshot_id
        )

    def suppressed(
        self, party: Party, hits: Sequence[Hit], *, snapshot_id: int | None = None
    ) -> dict[str, Decision]:
        """entity id -> the false-positive decision hiding that match hit, for hits whose
        entity version in the snapshot (default: the active one) is the one decided about."""
        if snapshot_id is None:
            active = self.store.active_snapshot()
            if active is None:
                return {}
            snapshot_id = active.id
        return suppressed_many(self.engine, [(party, hits)], snapshot_id)[0]

    def suppressed_many(
        self, items: Sequence[tuple[Party, Sequence[Hit]]], *, snapshot_id: int
    ) -> list[dict[str, Decision]]:
        """`suppressed` for many parties: one query per 500 pairs."""
        return suppressed_many(self.engine, items, snapshot_id)

    # -- the queue ------------------------------------------------------------

    def queue(self, *, status: str = "open", limit: int = 50, offset: int = 0) -> list[Alert]:
        return _alerts.queue(self.engine, status, limit, offset)

    def count(self, status: str = "open") -> int:
        return _alerts.count(self.engine, status)

    def alert(self, alert_id: int) -> Alert:
        """The alert (AlertGone if there is none)."""
        return _alerts.get_alert(self.engine, alert_id)

    def decisions(self, alert_id: int) -> list[Decision]:
        """The alert's decisions, oldest first (AlertGone if there is no such alert)."""
        return _alerts.get_decisions(self.engine, alert_id)

    # -- deciding -------------------------------------------------------------

    def decide(
        self, alert_id: int, *, version: int, decision: str, reason: str, analyst: str
    ) -> Alert:
        """Decide an open alert seen at `version`. AlertGone, AlertConflict (someone changed
        it first, or it is not open), ValueError (bad decision, reason or analyst)."""
        return _decisions.decide(
            self.engine,
            self.audit,
            alert_id,
            version=version,
            decision=decision,
            reason=reason,
            analyst=analyst,
            four_eyes=self.four_eyes,
        )

    def confirm(self, alert_id: int, *, version: int, analyst: str) -> Alert:
        """Four-eyes: a second analyst makes the pending decision effective (SameAnalyst, an
        AlertConflict, if it is the one who proposed it)."""
        return _decisions.confirm(
            self.engine, self.audit, alert_id, version=version, analyst=analyst
        )

    def reject(self, alert_id: int, *, version: int, analyst: str, reason: str) -> Alert:
        """Four-eyes: a second analyst sends the pending decision back; the alert is open again."""
        return _decisions.reject(
            self.engine, self.audit, alert_id, version=version, analyst=analyst, reason=reason
        )
