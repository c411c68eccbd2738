"""Cases: a match hit becomes an alert; an analyst decides it; a false positive stays cleared.

    from clearance.cases import Cases, Party
    cases = Cases(store, four_eyes=False)
    alert = cases.queue()[0]
    cases.decide(alert.id, version=alert.version, decision="false_positive",
                 reason="other person: born 1985, not 1962", analyst="alice")

The cleared pair (the screened party's identity and the listed entity) is then
answered `match: false` by every interface, until the listed entity changes in
a new release: then the next screening re-opens the alert with the change shown.

Modules: `schema` (tables), `identity` (Party, party_key), `records` (Alert,
Decision, errors), `versions` (entity versions and their differences),
`alerts` (raising and reading), `decisions` (deciding, four-eyes, audit),
`suppression` (hiding cleared hits), `hooks` (what the API, batch and
monitoring call), `facade` (Cases).
"""

from clearance.cases.facade import FOUR_EYES_ENV, Cases, four_eyes_from_env
from clearance.cases.identity import Party, party_key
from clearance.cases.records import (
    DECISIONS,
    SOURCES,
    STATUSES,
    Alert,
    AlertConflict,
    AlertGone,
    Decision,
    SameAnalyst,
)

__all__ = [
    "DECISIONS",
    "FOUR_EYES_ENV",
    "SOURCES",
    "STATUSES",
    "Alert",
    "AlertConflict",
    "AlertGone",
    "Cases",
    "Decision",
    "Party",
    "SameAnalyst",
    "four_eyes_from_env",
    "party_key",
]
