"""The real yente-client SDK (PyPI `yente-client`) against `clearance serve` on 127.0.0.1."""

from __future__ import annotations

import pytest
from yente_client import Client, Company, Person
from yente_client.exceptions import AuthenticationError, NotFoundError

from tests.service.conftest import Keys, Server

CHEN = "us_ofac_sdn:29220"
HIKVISION = "us_ofac_cons:30946"


def test_match_search_fetch_catalog(server: Server, keys: Keys) -> None:
    with Client(api_key=keys.screen, base_url=server.url, app_name="clearance-tests") as client:
        assert client.healthz().status == "ok" and client.readyz().status == "ok"
        hits = client.match(
            Person(name="Chen Quanguo", birthDate="1955", nationality="cn"),
            datasets=["sanctions"],
            limit=3,
        )
        assert hits.top is not None and hits.top.id == CHEN and hits.top.match
        assert hits.top.first_seen is not None and hits.limit == 3
        assert hits.top.explanations and hits.total.value == len(hits.results)
        company = client.match(Company(name="Hikvision"), threshold=0.9, exclude_entities=[CHEN])
        assert company.matches and company.matches[0].id == HIKVISION

        found = client.search("Hikvision", datasets=["us_ofac_cons"], limit=5)
        assert found.results[0].id == HIKVISION and found.total.value >= 1

        entity = client.fetch(CHEN)
        assert entity.id == CHEN and entity.schema_ == "Person" and entity.target
        sanction = entity.properties["sanctions"][0]
        assert not isinstance(sanction, str) and sanction.schema_ == "Sanction"
        with pytest.raises(NotFoundError):
            client.fetch("us_ofac_sdn:0")

        datasets = {d.name: d for d in client.datasets().datasets}
        assert datasets["us_ofac_sdn"].load and datasets["us_ofac_sdn"].entity_count
        assert "us_trade_csl" in datasets["export_controls"].children
        algorithms = client.algorithms()
        assert algorithms.best == algorithms.default


def test_wrong_key_is_an_authentication_error(server: Server) -> None:
    with Client(api_key="clr_not-a-key", base_url=server.url) as client:
        with pytest.raises(AuthenticationError) as error:
            client.match(Company(name="Hikvision"))
        assert "unknown or revoked" in str(error.value)
