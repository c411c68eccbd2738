"""API keys from the CLI, roles, and the limits on bodies, queries and request rates."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from clearance.service.app import create_app
from clearance.service.config import ServiceConfig
from tests.cli.test_commands import run
from tests.service.conftest import Keys

QUERY = {"q": {"schema": "Company", "properties": {"name": ["Hikvision"]}}}


def test_cli_keys_create_use_revoke(service_home: Path) -> None:
    created = run(service_home, "keys", "create", "--role", "screen", "--name", "cli-key")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("clr_") and len(key) > 40
    duplicate = run(service_home, "keys", "create", "--name", "cli-key")
    assert duplicate.returncode == 2 and "already exists" in duplicate.stderr
    listed = run(service_home, "keys", "list")
    assert "cli-key" in listed.stdout and key not in listed.stdout
    config = ServiceConfig(home=service_home)
    with TestClient(create_app(config)) as client:
        for scheme in ("ApiKey", "Bearer"):
            ok = client.post(
                "/match/default",
                json={"queries": QUERY},
                headers={"Authorization": f"{scheme} {key}"},
            )
            assert ok.status_code == 200, ok.text
        assert run(service_home, "keys", "revoke", "cli-key").returncode == 0
        revoked = client.post(
            "/match/default", json={"queries": QUERY}, headers={"Authorization": f"ApiKey {key}"}
        )
        assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert run(service_home, "keys", "revoke", "cli-key").returncode == 2
    bad_role = run(service_home, "keys", "create", "--role", "root")
    assert bad_role.returncode == 2 and "--role" in bad_role.stderr


def test_anonymous_and_roles(service_home: Path, keys: Keys) -> None:
    with TestClient(create_app(ServiceConfig(home=service_home))) as client:
        missing = client.post("/match/default", json={"queries": QUERY})
        assert missing.status_code == 401 and "API key" in missing.json()["detail"]
        assert missing.headers["WWW-Authenticate"] == "ApiKey"
        garbled = client.get("/catalog", headers={"Authorization": "Basic abc"})
        assert garbled.status_code == 401
        screen = {"Authorization": f"ApiKey {keys.screen}"}
        forbidden = client.get("/v1/audit", headers=screen)
        assert forbidden.status_code == 403 and "admin" in forbidden.json()["detail"]
        admin = client.get("/v1/audit", headers={"Authorization": f"Bearer {keys.admin}"})
        assert admin.status_code == 200 and "records" in admin.json()
        assert client.get("/healthz").status_code == 200  # probes need no key
    config = ServiceConfig(home=service_home, allow_anonymous=True)
    with TestClient(create_app(config)) as client:
        assert client.post("/match/default", json={"queries": QUERY}).status_code == 200


def test_limits(service_home: Path, tmp_path: Path) -> None:
    created = run(service_home, "keys", "create", "--name", f"limited-{tmp_path.name}")
    key = created.stdout.strip().splitlines()[-1]
    config = ServiceConfig(
        home=service_home, max_body_bytes=2000, max_queries=2, requests_per_minute=3
    )
    with TestClient(create_app(config)) as client:
        client.headers["Authorization"] = f"ApiKey {key}"
        big = client.post(
            "/match/default",
            content=b'{"queries": {"q": {"schema": "Person", "properties": {"name": ["'
            + b"a" * 3000
            + b'"]}}}}',
            headers={"Content-Type": "application/json"},
        )
        assert big.status_code == 413 and "2000 bytes" in big.json()["detail"]
        three = {f"q{i}": QUERY["q"] for i in range(3)}
        many = client.post("/match/default", json={"queries": three})
        assert many.status_code == 422 and many.json()["detail"][0]["loc"] == ["body", "queries"]
        # 3 per minute: the 422 above counted; two more pass, then 429 (a minute
        # boundary between requests starts a new window, hence up to 8 tries)
        responses = [client.get("/algorithms") for _ in range(8)]
        statuses = [r.status_code for r in responses]
        assert 429 in statuses and statuses.index(429) >= 2, statuses
        limited = responses[statuses.index(429)]
        assert int(limited.headers["Retry-After"]) >= 1 and "retry" in limited.json()["detail"]
