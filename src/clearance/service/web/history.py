"""An entity's life across its list's releases: when it was added, changed and removed.

`Store.entity_sightings` gives the accepted releases that list the entity (the
same rows the API's first_seen / last_change come from, service/ftm_json.py);
a removal is a later accepted release of the same dataset without it, which no
sighting can show, so the dataset's releases are walked beside the sightings.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearance.service.web.labels import field_name
from clearance.store.store import ReleaseInfo, Store


@dataclass(frozen=True)
class HistoryEvent:
    kind: str  # "added", "changed", "removed", "relisted"
    release: ReleaseInfo
    changed: tuple[str, ...] = ()  # for "changed": the parts of the record, in words


@dataclass(frozen=True)
class EntityHistory:
    events: tuple[HistoryEvent, ...]
    last_hash: str | None  # the newest version the store holds, listed or not
    listed: bool  # whether the newest accepted release of its dataset lists it

    @property
    def known(self) -> bool:
        return self.last_hash is not None


def entity_history(store: Store, entity_id: str) -> EntityHistory:
    sightings = {release: digest for release, _at, digest in store.entity_sightings(entity_id)}
    if not sightings:
        return EntityHistory((), None, False)
    dataset = store.release(next(iter(sightings))).dataset
    events: list[HistoryEvent] = []
    previous: str | None = None
    last_hash: str | None = None
    seen = False
    for release in store.releases(dataset):
        if not release.accepted:
            continue  # held back: never served, so nothing changed for users
        digest = sightings.get(release.id)
        if digest is not None and previous is None:
            events.append(HistoryEvent("relisted" if seen else "added", release))
            seen = True
        elif digest is not None and digest != previous:
            assert previous is not None
            events.append(HistoryEvent("changed", release, _changed(store, previous, digest)))
        elif digest is None and previous is not None:
            events.append(HistoryEvent("removed", release))
        previous = digest
        last_hash = digest or last_hash
    return EntityHistory(tuple(events), last_hash, previous is not None)


def _changed(store: Store, before_hash: str, after_hash: str) -> tuple[str, ...]:
    """Which parts of the record differ, as diff.py names them for `clearance diff`."""
    before = store.entity_version(before_hash).to_dict()
    after = store.entity_version(after_hash).to_dict()
    return tuple(field_name(k) for k in after if before.get(k) != after.get(k))
