"""Where screening meets cases: the few calls the API, batch and monitoring make.

Each interface screens as before, then (1) answers hits an analyst cleared as
false positives with `match: false` and the decision in the explanation, and
(2) raises alerts for the matches that remain. The interfaces call only these
functions, so their own edits stay a few lines and every interface hides and
raises by the same rules (suppression.py, alerts.py).

Costs: nothing at all for a screening without a match hit; otherwise one query
for the suppressions of all of a request's (or a batch chunk's) pairs (a second,
for the entity versions, only if some pair has one), and one short write
transaction to raise alerts (about 0.5 ms each on SQLite with every shared list).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance.batch.queries import _BLANK as BLANK_CELLS  # the cells screening reads as empty
from clearance.batch.queries import RawQuery, countries_of, schema_of
from clearance.cases.alerts import raise_alerts
from clearance.cases.identity import Party
from clearance.cases.records import Alert, Decision
from clearance.cases.suppression import any_suppressions, apply, suppressed_many
from clearance.screening import Hit, Screener
from clearance.store.store import Store

if TYPE_CHECKING:
    from clearance.batch.readers import Row
    from clearance.batch.worker import Outcome
    from clearance.monitor.portfolio import PortfolioRow
    from clearance.monitor.run import RunHit


@dataclass
class Checked:
    """One party's hits after suppression: cleared false positives answered match false."""

    party: Party
    hits: list[Hit]
    hidden: dict[str, Decision] = field(default_factory=dict)  # entity id -> decision

    def decision(self, entity_id: str) -> dict[str, Any] | None:
        """What the native API shows beside a hidden hit (no reason: that stays in the case)."""
        found = self.hidden.get(entity_id)
        if found is None:
            return None
        return {
            "alert": found.alert_id,
            "decision": found.decision,
            "analyst": found.analyst,
            "reviewer": found.reviewer,
            "effective_at": found.effective_at,
            "note": found.note(),
        }


def check(
    store: Store, snapshot_id: int, screened: Sequence[tuple[Party, Sequence[Hit]]]
) -> list[Checked]:
    """Every party's hits with the suppressed ones hidden: one query for the whole request."""
    hidden = suppressed_many(store.engine, screened, snapshot_id)
    return [
        Checked(party, apply(hits, found), found)
        for (party, hits), found in zip(screened, hidden, strict=True)
    ]


def raise_for(
    store: Store,
    screened: Sequence[tuple[Party, Sequence[Hit]]],
    *,
    source: str,
    source_ref: str,
    snapshot_id: int,
) -> list[Alert]:
    """Alerts for the match hits left after `check` (hidden hits are no longer matches)."""
    return raise_alerts(
        store.engine, screened, source=source, source_ref=source_ref, snapshot_id=snapshot_id
    )


# -- batch --------------------------------------------------------------------


def row_party(query: RawQuery) -> Party:
    """A batch or portfolio row's party, its cells read as the screening read them."""
    birth = query.birth_date.strip()
    return Party(
        name=query.name.strip(),
        schema=schema_of(query.schema),
        countries=countries_of(query.country),
        birth_date=None if birth.casefold() in BLANK_CELLS else birth,
    )


def stored_snapshot(screener: Screener) -> int | None:
    """The store's snapshot id the screener serves, None for a screener built in memory."""
    return int(screener.snapshot) if screener.snapshot.isdigit() else None


class BatchCases:
    """A batch's side of cases, in the parent process: hides cleared false positives chunk
    by chunk, and (with --alerts) keeps the matches to raise alerts for once the run is done.

    Suppression applies to every batch, with or without --alerts: a cleared hit is
    cleared in every interface, and a batch that still said "match" would send the
    analyst back to a decision already taken. A store without any suppression costs
    one query for the whole run."""

    def __init__(self, store: Store, snapshot_id: int, *, alerts: bool) -> None:
        self.store = store
        self.snapshot_id = snapshot_id
        self.alerts = alerts
        self.hiding = any_suppressions(store.engine)
        self.matches: list[tuple[Party, Sequence[Hit]]] = []

    @classmethod
    def open(cls, home: Path | None, screener: Screener, *, alerts: bool) -> BatchCases | None:
        snapshot = stored_snapshot(screener)
        if snapshot is None:
            if alerts:
                raise ValueError("--alerts needs the lists of a store, not a screener in memory")
            return None
        return cls(Store.open(home), snapshot, alerts=alerts)

    def close(self) -> None:
        self.store.close()

    def chunk(
        self,
        resolved: list[tuple[Row, Outcome]],
        query: Callable[[dict[str, str]], RawQuery],
    ) -> list[tuple[Row, Outcome]]:
        """The chunk's (row, outcome) pairs with suppressed hits hidden; `query` reads a row's
        values as the runner does (its column map)."""
        if not self.hiding and not self.alerts:
            return resolved
        picked: list[tuple[int, Party, tuple[Hit, ...]]] = []
        for i, (row, outcome) in enumerate(resolved):
            if not isinstance(outcome, str) and any(h.match for h in outcome):
                picked.append((i, row_party(query(row.values)), outcome))
        if not picked:
            return resolved
        if self.hiding:
            checked = check(self.store, self.snapshot_id, [(p, hits) for _i, p, hits in picked])
            picked = [
                (i, c.party, tuple(c.hits)) for (i, _p, _h), c in zip(picked, checked, strict=True)
            ]
            resolved = list(resolved)
            for i, _party, hits in picked:
                resolved[i] = (resolved[i][0], hits)
        if self.alerts:
            self.matches.extend(
                (party, [h for h in hits if h.match])
                for _i, party, hits in picked
                if any(h.match for h in hits)
            )
        return resolved

    def finish(self, source_ref: str) -> int:
        """Raise the kept matches' alerts (once the output is in place); how many were new."""
        try:
            if not self.alerts:
                return 0
            raised = raise_for(
                self.store,
                self.matches,
                source="batch",
                source_ref=source_ref,
                snapshot_id=self.snapshot_id,
            )
            return len(raised)
        finally:
            self.store.close()


# -- monitoring ---------------------------------------------------------------


def monitor_alerts(
    store: Store,
    portfolio: str,
    rows: Sequence[PortfolioRow],
    hits: Sequence[RunHit],
    *,
    run_id: int,
    snapshot_id: int,
) -> list[Alert]:
    """Alerts for a recorded run's match hits, each row's party keyed by portfolio and row key.

    Every match hit of the run is offered, not only new and changed ones: a listed
    entity can change (a program added) without moving the score, and that must
    re-open a cleared alert; alerts.py raises nothing for a pair already open or
    decided on the same entity version, so offering a "same" hit costs a lookup."""
    by_key = {row.key: row for row in rows}
    grouped: dict[str, list[Hit]] = {}
    for h in hits:
        if h.match and h.status != "gone" and h.row_key in by_key:
            grouped.setdefault(h.row_key, []).append(
                Hit(
                    entity_id=h.entity_id,
                    dataset=h.dataset,
                    schema=h.schema,
                    caption=h.caption,
                    matched_name=h.matched_name,
                    score=h.score,
                    match=h.match,
                    explanation=h.explanation,
                    lists=h.lists,
                )
            )
    screened = []
    for key, found in grouped.items():
        row = by_key[key]
        party = row_party(row.query)
        screened.append((replace(party, key=f"monitor/{portfolio}/{key}"), found))
    return raise_for(
        store, screened, source="monitor", source_ref=str(run_id), snapshot_id=snapshot_id
    )
