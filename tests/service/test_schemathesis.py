"""Property-based tests of every route in /openapi.json (schemathesis), bounded.

The schema is loaded from the running server, so the pytest plugin's
collection-time loading does not fit; each operation's cases are drawn with
Hypothesis inside one test instead.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation.case import Case

from tests.service.conftest import Keys, Server


def test_every_operation(server: Server, keys: Keys) -> None:
    """No 5xx, responses conform to the documented shapes, bad input is refused.

    `positive_data_acceptance` is left out: a query can fit the JSON Schema and
    still be refused with a 422 naming the field, on purpose (1955-02-30 as a
    birth date, a name with no letter, an unknown country).
    """
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    headers = {"Authorization": f"ApiKey {keys.admin}"}
    tested = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Case) -> None:
            case.call_and_validate(
                base_url=server.url, headers=headers, excluded_checks=[positive_data_acceptance]
            )

        check()
        tested.append(operation.label)
    assert "POST /match/{dataset}" in tested and len(tested) >= 10
