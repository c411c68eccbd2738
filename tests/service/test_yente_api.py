"""The yente-compatible routes on the real app, store and index (in process)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

CHEN = "us_ofac_sdn:29220"
HIKVISION = "us_ofac_cons:30946"


def match(client: TestClient, dataset: str, queries: dict[str, Any], **params: Any) -> Any:
    response = client.post(f"/match/{dataset}", json={"queries": queries}, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_match_person_with_birth_date_and_nationality(client: TestClient) -> None:
    body = match(
        client,
        "default",
        {
            "q1": {
                "schema": "Person",
                "properties": {
                    "name": ["Chen Quanguo"],
                    "birthDate": ["1955"],
                    "nationality": ["cn"],
                },
            },
            "q2": {"schema": "Company", "properties": {"name": "Hikvision"}},
        },
    )
    assert body["limit"] == 5
    first = body["responses"]["q1"]
    assert first["status"] == 200
    top = first["results"][0]
    assert top["id"] == CHEN and top["schema"] == "Person" and top["match"] is True
    assert 0.8 <= top["score"] <= 1.0
    assert "Chen" in top["properties"]["name"][0] or "CHEN" in top["caption"].upper()
    assert top["datasets"] == ["us_ofac_sdn"] and top["first_seen"] and top["last_seen"]
    assert top["explanations"]["clearance-v1"]["detail"]
    assert first["total"] == {"value": len(first["results"]), "relation": "eq"}
    assert first["query"]["properties"]["birthDate"] == ["1955"]
    assert body["responses"]["q2"]["results"][0]["id"] == HIKVISION


def test_match_parameters(client: TestClient) -> None:
    query = {"q": {"schema": "Company", "properties": {"name": ["Hikvision"]}}}
    assert match(client, "sanctions", query)["responses"]["q"]["results"][0]["id"] == HIKVISION
    # the same party through the export-control collection comes from the CSL, not OFAC
    exports = match(client, "export_controls", query)["responses"]["q"]["results"]
    assert exports and all(r["datasets"] != ["us_ofac_cons"] for r in exports)
    one = match(client, "us_ofac_cons", query, limit=1)
    assert one["limit"] == 1 and len(one["responses"]["q"]["results"]) == 1
    high = match(client, "default", query, threshold=1.0)["responses"]["q"]["results"]
    assert high and not any(r["match"] and r["score"] < 1.0 for r in high)
    skipped = match(client, "default", query, exclude_entity_ids=[HIKVISION])
    assert HIKVISION not in [r["id"] for r in skipped["responses"]["q"]["results"]]
    without = match(client, "default", query, exclude_dataset=["us_ofac_cons"])
    assert all(r["datasets"] != ["us_ofac_cons"] for r in without["responses"]["q"]["results"])
    only = match(client, "default", query, include_dataset=["us_ofac_cons"])
    assert {r["datasets"][0] for r in only["responses"]["q"]["results"]} == {"us_ofac_cons"}
    companies = match(client, "default", query, exclude_schema=["Company"])
    assert all(r["schema"] != "Company" for r in companies["responses"]["q"]["results"])
    future = match(client, "default", query, changed_since="2999-01-01T00:00:00")
    assert future["responses"]["q"]["results"] == []


def test_match_bad_input_names_the_field(client: TestClient) -> None:
    response = client.post("/match/default", json={"queries": {"a": {"schema": "Person"}}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "properties"
    response = client.post(
        "/match/default",
        json={"queries": {"a": {"schema": "Person", "properties": {"birthDate": ["1955"]}}}},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "queries", "a", "properties", "name"]
    response = client.post(
        "/match/default",
        json={
            "queries": {
                "a": {"schema": "Person", "properties": {"name": "X Y", "birthDate": "1955-13"}}
            }
        },
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "birthDate"
    assert "real date" in response.json()["detail"][0]["msg"]
    response = client.post(
        "/match/default", json={"queries": {"a": {"schema": "Address", "properties": {}}}}
    )
    assert response.status_code == 422 and "schema" in response.json()["detail"][0]["loc"]
    missing = client.post("/match/nowhere", json={"queries": {}})
    assert missing.status_code == 404 and "nowhere" in missing.json()["detail"]
    algorithm = client.post("/match/default", json={"queries": {}}, params={"algorithm": "x"})
    assert algorithm.status_code == 422 and algorithm.json()["detail"][0]["loc"] == [
        "query",
        "algorithm",
    ]


def test_search_entities_catalog_algorithms(client: TestClient) -> None:
    found = client.get("/search/default", params={"q": "Hikvision", "limit": 3})
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["results"][0]["id"] == HIKVISION and body["limit"] == 3 and body["offset"] == 0
    assert body["total"]["value"] >= len(body["results"])
    assert body["facets"]["datasets"]["values"]
    listing = client.get("/search/us_ofac_sdn", params={"limit": 2, "offset": 2}).json()
    assert len(listing["results"]) == 2 and listing["total"]["value"] > 100
    assert all(r["datasets"] == ["us_ofac_sdn"] for r in listing["results"])
    persons = client.get("/search/us_ofac_sdn", params={"schema": "Person", "limit": 5}).json()
    assert {r["schema"] for r in persons["results"]} == {"Person"}

    entity = client.get(f"/entities/{CHEN}")
    assert entity.status_code == 200
    data = entity.json()
    assert data["id"] == CHEN and data["target"] is True
    sanctions = data["properties"]["sanctions"]
    assert sanctions[0]["schema"] == "Sanction" and "OFAC" in sanctions[0]["caption"]
    flat = client.get(f"/entities/{CHEN}", params={"nested": "false"}).json()
    assert "sanctions" not in flat["properties"]
    assert client.get("/entities/us_ofac_sdn:0").status_code == 404

    catalog = client.get("/catalog").json()
    by_name = {d["name"]: d for d in catalog["datasets"]}
    assert by_name["us_ofac_sdn"]["load"] is True and by_name["us_ofac_sdn"]["entity_count"] > 0
    assert "us_ofac_sdn" in by_name["sanctions"]["children"]
    assert "us_trade_csl" in by_name["export_controls"]["children"]
    assert set(by_name["default"]["children"]) >= {"us_ofac_sdn", "us_trade_csl"}
    algorithms = client.get("/algorithms").json()
    assert algorithms["best"] == algorithms["default"] == algorithms["algorithms"][0]["name"]


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}"} <= set(paths)
