"""The native /v1 API: full hits with explanations, list versions, entity history."""

from __future__ import annotations

from fastapi.testclient import TestClient

CHEN = "us_ofac_sdn:29220"


def test_screen_many_parties(client: TestClient) -> None:
    response = client.post(
        "/v1/screen",
        json={
            "parties": [
                {
                    "name": "Chen Quanguo",
                    "schema": "Person",
                    "countries": ["CN"],
                    "reference": "c1",
                },
                {"name": "Jane Unlisted-Nobody", "schema": "Person"},
            ],
            "limit": 3,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["snapshot"], int)
    assert body["lists"]["us_ofac_sdn"]["release"].startswith("us_ofac_sdn-")
    first, second = body["results"]
    assert first["query"]["reference"] == "c1"
    hit = first["hits"][0]
    assert hit["id"] == CHEN and hit["match"] is True and hit["explanation"] and hit["lists"]
    assert not any(h["match"] for h in second["hits"])


def test_screen_bad_input(client: TestClient) -> None:
    response = client.post(
        "/v1/screen", json={"parties": [{"name": "X", "birth_date": "1955-02-30"}]}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "parties", 0, "birth_date"]
    unknown = client.post("/v1/screen", json={"parties": [{"name": "X"}], "datasets": ["nope"]})
    assert unknown.status_code == 422 and "nope" in unknown.json()["detail"][0]["msg"]
    empty = client.post("/v1/screen", json={"parties": []})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "parties"]


def test_lists_and_history(client: TestClient) -> None:
    lists = client.get("/v1/lists").json()
    rows = {row["dataset"]: row for row in lists["datasets"]}
    assert (
        rows["us_ofac_sdn"]["entities"] > 0 and rows["us_ofac_sdn"]["snapshot"] == lists["snapshot"]
    )
    history = client.get(f"/v1/entities/{CHEN}/history").json()
    assert history["history"][0]["dataset"] == "us_ofac_sdn"
    assert history["history"][0]["changed"] is False
    assert client.get("/v1/entities/us_ofac_sdn:0/history").status_code == 404
