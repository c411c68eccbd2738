"""The W3C Reconciliation Service API 0.2 at /reconcile/{dataset}, as OpenRefine uses it.

Every answer is checked against the JSON schemas published with the 0.2
specification (copied, with their licence, in reconciliation_schemas/0.2/).
The property-proposal answer has no published 0.2 schema; PROPOSE_SCHEMA
encodes what the 0.2 text says of it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from faker import Faker
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from lxml import html
from referencing import Registry
from referencing.jsonschema import DRAFT7

from clearance import Screener
from clearance.ingest import load
from clearance.report.legal import describe_listing
from clearance.service.app import create_app
from clearance.service.audit import AuditLog
from clearance.service.config import ServiceConfig
from clearance.store.store import Store
from tests.service.conftest import Keys, Server

SCHEMAS = Path(__file__).parent / "reconciliation_schemas" / "0.2"
CHEN = "us_ofac_sdn:29220"  # CHEN, Quanguo: SDN List, GLOMAG, born 1955
HIKVISION = "us_ofac_cons:30946"
#: 0.2 §"Data Extension Property Proposals": properties (id, name), the type asked, the limit
PROPOSE_SCHEMA = {
    "type": "object",
    "properties": {
        "properties": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "name": {"type": "string", "minLength": 1},
                },
                "required": ["id", "name"],
            },
        },
        "type": {"type": "string"},
        "limit": {"type": "number"},
    },
    "required": ["properties", "type"],
}


@cache
def _registry() -> Registry[Any]:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], DRAFT7.create_resource(schema)))
    return Registry().with_resources(resources)


def validate(schema_name: str, instance: Any) -> None:
    """Raise unless `instance` conforms to the spec's schema (Draft 7, as the spec's CI uses)."""
    schema = json.loads((SCHEMAS / f"{schema_name}.json").read_text(encoding="utf-8"))
    Draft7Validator(schema, registry=_registry()).validate(instance)


def test_the_spec_schemas_are_valid_and_not_vacuous() -> None:
    for path in SCHEMAS.glob("*.json"):
        Draft7Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))
    Draft7Validator.check_schema(PROPOSE_SCHEMA)
    # the spec's own invalid examples are refused: a result without `result`, a bad view URL
    with pytest.raises(ValidationError):
        validate("reconciliation-result-batch", {"q0": {"candidates": []}})
    with pytest.raises(ValidationError):
        validate("manifest", {**_MINIMAL, "view": {"url": "https://example.com/entity"}})
    with pytest.raises(ValidationError):
        validate("suggest-types-response", {"result": [{"id": "Person"}]})  # type.json: name


_MINIMAL = {"versions": ["0.2"], "name": "x", "identifierSpace": "x", "schemaSpace": "x"}


def _follow(template: str, **params: str) -> str:
    """A URL from the manifest with parameters added, as OpenRefine's jQuery adds them."""
    if not params:
        return template
    joiner = "&" if "?" in template else "?"
    return template + joiner + "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())


def _local(url: str) -> str:
    """The path and query of a URL the app announced (TestClient speaks to the app itself)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _queries(**queries: dict[str, Any]) -> str:
    return json.dumps(queries)


def test_manifest(client: TestClient) -> None:
    response = client.get("/reconcile/default")
    assert response.status_code == 200, response.text
    manifest = response.json()
    validate("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {
        "Person",
        "Organization",
        "Company",
        "Vessel",
        "Aircraft",
        "LegalEntity",
    }
    assert manifest["view"]["url"].endswith("/entities/{{id}}")
    assert manifest["batchSize"] == 100
    assert response.headers["access-control-allow-origin"] == "*"
    # every URL the manifest announces answers, as a client builds it
    view = manifest["view"]["url"].replace("{{id}}", quote(CHEN, safe=""))
    assert client.get(_local(view)).json()["id"] == CHEN
    preview = manifest["preview"]["url"].replace("{{id}}", quote(CHEN, safe=""))
    assert "CHEN, Quanguo" in client.get(_local(preview)).text
    for kind, schema in (
        ("entity", "suggest-entities-response"),
        ("type", "suggest-types-response"),
        ("property", "suggest-properties-response"),
    ):
        service = manifest["suggest"][kind]
        url = _follow(service["service_url"] + service["service_path"], prefix="ch")
        answer = client.get(_local(url))
        assert answer.status_code == 200, (kind, answer.text)
        validate(schema, answer.json())
    propose = manifest["extend"]["propose_properties"]
    url = _follow(propose["service_url"] + propose["service_path"], type="Person")
    assert client.get(_local(url)).status_code == 200
    for dataset in ("sanctions", "export_controls", "us_ofac_sdn"):
        other = client.get(f"/reconcile/{dataset}")
        assert other.status_code == 200
        validate("manifest", other.json())
    missing = client.get("/reconcile/no_such_list")
    assert missing.status_code == 404 and "no_such_list" in missing.json()["detail"]


def test_single_query_finds_the_listed_entity(client: TestClient) -> None:
    queries = _queries(q0={"query": "Chen Quanguo", "type": "Person"})
    response = client.get("/reconcile/default", params={"queries": queries})
    assert response.status_code == 200, response.text
    batch = response.json()
    validate("reconciliation-result-batch", batch)
    results = batch["q0"]["result"]
    top = results[0]
    assert top["id"] in (CHEN, "us_trade_csl:29220")  # the same party on the SDN list and CSL
    assert CHEN in [r["id"] for r in results]
    chen = next(r for r in results if r["id"] == CHEN)
    assert chen["name"] == "CHEN, Quanguo" and chen["match"] is True
    assert chen["score"] >= 90 and chen["type"] == [{"id": "Person", "name": "Person"}]
    assert chen["features"] == [
        {"id": "clearance_score", "value": pytest.approx(chen["score"] / 100)}
    ]
    assert "SDN List" in chen["description"] and "as" in chen["description"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_properties_change_the_score(client: TestClient) -> None:
    def score(*properties: dict[str, Any]) -> tuple[float, bool]:
        query = {"query": "Chen Quangou", "type": "Person", "properties": list(properties)}
        response = client.post("/reconcile/default", data={"queries": _queries(q=query)})
        assert response.status_code == 200, response.text
        validate("reconciliation-result-batch", response.json())
        chen = next(r for r in response.json()["q"]["result"] if r["id"] == CHEN)
        return chen["score"], chen["match"]

    alone = score()
    agreeing = score({"pid": "birthDate", "v": "1955"})
    conflicting = score({"pid": "birthDate", "v": 1990})  # numbers are read as text
    assert agreeing[0] > alone[0] > conflicting[0]
    assert agreeing[1] and alone[1] and not conflicting[1]
    # a reconciled country (an entity value) and a list of values are accepted
    country = score(
        {"pid": "nationality", "v": {"id": "Q148", "name": "China"}},
        {"pid": "country", "v": ["cn", "China"]},
    )
    assert country[0] >= alone[0]


def test_type_narrows_the_search(client: TestClient) -> None:
    queries = _queries(
        org={"query": "Hikvision", "type": "Organization"},
        person={"query": "Hikvision", "type": "Person"},
        any_type={"query": "Hikvision", "type": ["Person", "Vessel"], "limit": 2},
    )
    batch = client.get("/reconcile/default", params={"queries": queries}).json()
    validate("reconciliation-result-batch", batch)
    assert HIKVISION in [r["id"] for r in batch["org"]["result"]]
    assert all(
        t["id"] in ("Person", "LegalEntity") for r in batch["person"]["result"] for t in r["type"]
    )
    assert len(batch["any_type"]["result"]) <= 2


def test_batch_over_a_real_server_as_openrefine_sends_it(server: Server, keys: Keys) -> None:
    """POST form data to a uvicorn worker, the key in the service URL (OpenRefine sends no
    headers); listed names match, invented ones do not."""
    fake = Faker("en_US")
    fake.seed_instance(20240501)
    invented = {f"f{i}": {"query": fake.name(), "type": "Person"} for i in range(6)}
    batch = {
        "chen": {"query": "CHEN Quanguo", "type": "Person", "limit": 3},
        "hik": {"query": "Hangzhou Hikvision Digital Technology Co., Ltd."},
        **invented,
    }
    url = f"{server.url}/reconcile/default?api_key={keys.screen}"
    response = httpx.post(url, data={"queries": json.dumps(batch)}, timeout=30)
    assert response.status_code == 200, response.text
    answer = response.json()
    validate("reconciliation-result-batch", answer)
    assert set(answer) == set(batch)
    assert CHEN in [r["id"] for r in answer["chen"]["result"] if r["match"]]
    assert len(answer["chen"]["result"]) <= 3
    assert HIKVISION in [r["id"] for r in answer["hik"]["result"] if r["match"]]
    for key in invented:
        assert not [r for r in answer[key]["result"] if r["match"]], (batch[key], answer[key])
    # the manifest over the same URL carries the key on to the URLs it announces
    manifest = httpx.get(url, timeout=30).json()
    validate("manifest", manifest)
    suggest = manifest["suggest"]["entity"]
    found = httpx.get(
        _follow(suggest["service_url"] + suggest["service_path"], prefix="hikvision"), timeout=30
    )
    assert found.status_code == 200 and HIKVISION in [s["id"] for s in found.json()["result"]]
    assert httpx.post(f"{server.url}/reconcile/default", data={"queries": "{}"}).status_code == 401


def test_keys_and_the_audit_log(client: TestClient, service_home: Path, keys: Keys) -> None:
    queries = _queries(q0={"query": "Chen Quanguo"}, q1={"query": "Hikvision", "type": "Company"})
    answer = client.post("/reconcile/sanctions", data={"queries": queries}).json()
    with Store.open(service_home) as store:
        record = list(AuditLog(store.engine).records())[-1]
    assert record.endpoint == "POST /reconcile/sanctions" and record.key_name == "tests-screen"
    assert isinstance(record.body["snapshot"], int) and record.body["lists"]
    for key in ("q0", "q1"):
        logged = [(r["id"], r["score"], r["match"]) for r in record.body["results"][key]["results"]]
        returned = [(r["id"], r["features"][0]["value"], r["match"]) for r in answer[key]["result"]]
        assert logged == returned and logged
    logged_query = record.body["results"]["q1"]["query"]
    assert logged_query == {"query": "Hikvision", "type": "Company", "limit": 5, "properties": []}
    # no key, a wrong key, a key in the URL
    no_key = client.get("/reconcile/default", headers={"Authorization": ""})
    assert no_key.status_code == 401 and "API key" in no_key.json()["detail"]
    wrong = client.get("/reconcile/default?api_key=clr_wrong", headers={"Authorization": ""})
    assert wrong.status_code == 401
    in_url = client.get(f"/reconcile/default?api_key={keys.screen}", headers={"Authorization": ""})
    assert in_url.status_code == 200
    assert f"api_key={keys.screen}" in in_url.json()["suggest"]["entity"]["service_path"]


def test_anonymous_screenings_are_logged_when_allowed(service_home: Path) -> None:
    config = ServiceConfig(home=service_home, allow_anonymous=True, requests_per_minute=100_000)
    with TestClient(create_app(config)) as anonymous:
        response = anonymous.get(
            "/reconcile/us_ofac_sdn", params={"queries": _queries(q={"query": "Chen Quanguo"})}
        )
        assert response.status_code == 200
        assert "api_key" not in anonymous.get("/reconcile/default").json()["preview"]["url"]
    with Store.open(service_home) as store:
        record = list(AuditLog(store.engine).records())[-1]
    assert record.endpoint == "GET /reconcile/us_ofac_sdn" and record.key_name == "anonymous"


HOSTILE = '<script>alert("pwned")</script> Trading & Sons'
HOSTILE_ALIAS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_client(tmp_path: Path) -> Iterator[TestClient]:
    """A store with one user watchlist whose names and list are markup."""
    watchlist = tmp_path / "watchlist.csv"
    with watchlist.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["id", "name", "schema", "aliases", "country", "list", "listed_on", "remarks"]
        )
        writer.writerow(
            [
                "WL-1",
                HOSTILE,
                "Company",
                HOSTILE_ALIAS,
                "ae",
                "<b>Refused</b> counterparties",
                "2023-04-17",
                "</dd><script>x()</script>",
            ]
        )
    home = tmp_path / "home"
    home.mkdir()
    with Store.open(home) as store:
        outcome = load(store, "my_watchlist", [watchlist])
    assert outcome.status == "activated", outcome.message
    config = ServiceConfig(home=home, allow_anonymous=True, requests_per_minute=100_000)
    with TestClient(create_app(config)) as test_client:
        yield test_client


def test_preview_shows_markup_as_text(hostile_client: TestClient) -> None:
    batch = hostile_client.get(
        "/reconcile/default", params={"queries": _queries(q={"query": HOSTILE})}
    ).json()
    validate("reconciliation-result-batch", batch)
    candidate = batch["q"]["result"][0]
    assert candidate["id"] == "my_watchlist:WL-1" and candidate["name"] == HOSTILE
    response = hostile_client.get("/reconcile/default/preview", params={"id": candidate["id"]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page
    tree = html.fromstring(page)
    assert tree.xpath("//script") == [] and tree.xpath("//img") == []
    assert tree.findtext(".//h1") == HOSTILE  # shown, as text, exactly
    assert HOSTILE_ALIAS in tree.text_content()
    assert "<b>Refused</b> counterparties" in tree.text_content()
    assert "2023-04-17" in tree.text_content()


def test_preview_of_a_listed_entity(client: TestClient, service_home: Path) -> None:
    response = client.get("/reconcile/default/preview", params={"id": CHEN})
    assert response.status_code == 200
    text = html.fromstring(response.text).text_content()
    chen = Screener.open(service_home).entity(CHEN)
    assert chen is not None
    assert "CHEN, Quanguo" in text and "1955" in text and "China" in text
    assert describe_listing(chen.listings[0]) in text
    assert client.get("/reconcile/export_controls/preview", params={"id": CHEN}).status_code == 404
    assert client.get("/reconcile/default/preview", params={"id": "nope:1"}).status_code == 404


SUGGEST_SCHEMAS = {
    "entity": "suggest-entities-response",
    "type": "suggest-types-response",
    "property": "suggest-properties-response",
}


def test_suggest(client: TestClient) -> None:
    def suggest(kind: str, **params: Any) -> list[dict[str, Any]]:
        response = client.get(f"/reconcile/default/suggest/{kind}", params=params)
        assert response.status_code == 200, response.text
        validate(SUGGEST_SCHEMAS[kind], response.json())
        result: list[dict[str, Any]] = response.json()["result"]
        return result

    hikv = suggest("entity", prefix="hikv")
    assert HIKVISION in [s["id"] for s in hikv]
    assert all("hikvision" in (s["name"] + s["description"]).lower() for s in hikv)
    assert suggest("entity", prefix="Chen Qua")[0]["id"] in (CHEN, "us_trade_csl:29220")
    assert suggest("entity", prefix=CHEN)[0]["id"] == CHEN  # an id typed or pasted
    assert suggest("entity", prefix="")[:1] == []
    first_two = [s["id"] for s in suggest("entity", prefix="hikv", limit=2)]
    second = [s["id"] for s in suggest("entity", prefix="hikv", limit=1, cursor=1)]
    assert len(first_two) == 2 and second == first_two[1:]
    assert [t["id"] for t in suggest("type", prefix="ves")] == ["Vessel"]
    assert len(suggest("type")) == 6
    birth = {p["id"] for p in suggest("property", prefix="birth")}
    assert {"birthDate", "birthPlace", "birthCountry"} <= birth
    assert "legal_effect" in {p["id"] for p in suggest("property", prefix="legal")}


def test_extend(client: TestClient, service_home: Path) -> None:
    response = client.get("/reconcile/default/extend/propose", params={"type": "Person"})
    assert response.status_code == 200
    proposal = response.json()
    Draft7Validator(PROPOSE_SCHEMA).validate(proposal)
    ids = [p["id"] for p in proposal["properties"]]
    assert proposal["type"] == "Person"
    assert {"birthDate", "nationality", "idNumber", "program", "listed_on", "authority"} <= set(ids)
    assert "legal_effect" in ids and "imoNumber" not in ids
    vessel = client.get("/reconcile/default/extend/propose", params={"type": "Vessel", "limit": 3})
    Draft7Validator(PROPOSE_SCHEMA).validate(vessel.json())
    assert vessel.json()["limit"] == 3 and len(vessel.json()["properties"]) == 3
    untyped = client.get("/reconcile/default/extend/propose", params={"type": ""}).json()
    assert {"imoNumber", "birthDate"} <= {p["id"] for p in untyped["properties"]}

    query = {
        "ids": [CHEN, HIKVISION, "nope:1"],
        "properties": [
            {"id": "birthDate"},
            {"id": "program"},
            {"id": "lists"},
            {"id": "authority"},
            {"id": "legal_effect"},
            {"id": "birthCountry", "settings": {"render": "code"}},
            {"id": "country", "settings": {"limit": "1"}},
            {"id": "listed_on"},
        ],
    }
    validate("data-extension-query", query)
    response = client.post("/reconcile/default", data={"extend": json.dumps(query)})
    assert response.status_code == 200, response.text
    extension = response.json()
    validate("data-extension-response", extension)
    assert [m["id"] for m in extension["meta"]] == [p["id"] for p in query["properties"]]
    chen = extension["rows"][CHEN]
    entity = Screener.open(service_home).entity(CHEN)
    assert entity is not None
    assert chen["birthDate"] == [{"str": "1955"}] and chen["program"] == [{"str": "GLOMAG"}]
    assert chen["lists"] == [{"str": "SDN List"}]
    assert chen["authority"] == [{"str": "US Treasury OFAC"}]
    assert chen["legal_effect"] == [{"str": describe_listing(entity.listings[0])}]
    assert chen["birthCountry"] == [{"str": "cn"}] and chen["country"] == [{"str": "China"}]
    assert extension["rows"][HIKVISION]["program"]
    assert all(values == [] for values in extension["rows"]["nope:1"].values())
    # GET works too, and an entity outside the dataset has no values there
    outside = client.get("/reconcile/export_controls", params={"extend": json.dumps(query)}).json()
    validate("data-extension-response", outside)
    assert outside["rows"][CHEN]["birthDate"] == []


@pytest.mark.parametrize(
    ("params", "loc", "words"),
    [
        ({"queries": '{"q0": {"query": "Chen"'}, ["query", "queries"], "Invalid JSON"),
        ({"queries": "[1, 2]"}, ["query", "queries"], "object"),
        ({"queries": '{"q": {"qurey": "x"}}'}, ["query", "queries", "q", "qurey"], "Extra"),
        ({"queries": '{"q": {"type": "Person"}}'}, ["query", "queries", "q", "query"], "name"),
        ({"queries": '{"q": {"query": "x", "limit": 0}}'}, ["query", "queries", "q", "limit"], "1"),
        (
            {"queries": '{"q": {"query": "Chen", "type": "Planet"}}'},
            ["query", "queries", "q", "type"],
            "Planet",
        ),
        (
            {"queries": '{"q": {"query": "Chen", "properties": [{"pid": "shoe", "v": "9"}]}}'},
            ["query", "queries", "q", "properties", 0, "pid"],
            "shoe",
        ),
        (
            {"queries": '{"q": {"query": "C", "properties": [{"pid": "country", "v": "Narnia"}]}}'},
            ["query", "queries", "q", "properties", 0, "v"],
            "Narnia",
        ),
        (
            {
                "queries": '{"q": {"query": "C", "properties": '
                '[{"pid": "birthDate", "v": "1955-02-30"}]}}'
            },
            ["query", "queries", "q", "properties", 0, "v"],
            "birthDate",
        ),
        ({"queries": '{"q": {"query": "!!!"}}'}, ["query", "queries", "q", "query"], "letters"),
        ({"extend": "{nope"}, ["query", "extend"], "Invalid JSON"),
        (
            {"extend": '{"ids": ["a:1"], "properties": [{"id": "shoeSize"}]}'},
            ["query", "extend", "properties", 0, "id"],
            "shoeSize",
        ),
        (
            {
                "extend": '{"ids": [], "properties": '
                '[{"id": "program", "settings": {"limit": "x"}}]}'
            },
            ["query", "extend", "properties", 0, "settings", "limit"],
            "whole number",
        ),
        ({"queries": "{}", "extend": "{}"}, ["query"], "not both"),
    ],
)
def test_bad_input_is_named(
    client: TestClient, params: dict[str, str], loc: list[Any], words: str
) -> None:
    response = client.get("/reconcile/default", params=params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc and words in detail["msg"], detail


def test_bad_posts(client: TestClient) -> None:
    too_many = {f"q{i}": {"query": "Chen"} for i in range(101)}
    response = client.post("/reconcile/default", data={"queries": json.dumps(too_many)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "queries"]
    assert "at most 100" in response.json()["detail"][0]["msg"]
    empty = client.post("/reconcile/default", data={})
    assert empty.status_code == 422 and "queries" in empty.json()["detail"][0]["msg"]
    malformed = client.post("/reconcile/default", data={"queries": "{oops"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body", "queries"]
    as_json = client.post("/reconcile/default", json={"queries": {}})
    assert as_json.status_code == 415 and "x-www-form-urlencoded" in as_json.json()["detail"]
    assert client.post("/reconcile/default", data={"queries": "{}"}).json() == {}
