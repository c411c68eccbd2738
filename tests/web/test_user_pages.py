"""Account management in the web UI: only admins, every change audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from clearance.accounts.users import UserStore
from clearance.service.app import create_app
from clearance.service.config import ServiceConfig
from clearance.service.deps import Services
from clearance.store.store import Store
from tests.web.conftest import WebHome, form_token, login

ADMIN = ("web.admin", "admin pass phrase long enough")


@pytest.fixture(scope="module")
def admin_client(web_home: WebHome, web_app_config: ServiceConfig) -> Iterator[TestClient]:
    with Store.open(web_home.path) as store:
        if UserStore(store.engine).by_name(ADMIN[0]) is None:
            UserStore(store.engine).create(*ADMIN, role="admin")
    with TestClient(create_app(web_app_config), base_url="https://testserver") as client:
        login(client, *ADMIN)
        yield client


def create(client: TestClient, username: str, password: str, again: str | None = None) -> str:
    page = client.get("/users").text
    answer = client.post(
        "/users",
        data={
            "csrf_token": form_token(page),
            "username": username,
            "role": "analyst",
            "password": password,
            "password_again": password if again is None else again,
        },
    )
    return f"{answer.status_code} {answer.text}"


def test_analysts_may_not_manage_accounts(web_client: TestClient) -> None:
    assert 'href="/users"' not in web_client.get("/").text
    answer = web_client.get("/users")
    assert answer.status_code == 403 and "needs an admin" in answer.text


def test_an_admin_creates_and_disables_an_account(admin_client: TestClient) -> None:
    assert 'href="/users"' in admin_client.get("/").text
    assert create(admin_client, "new.analyst", "a fresh long password").startswith("200")
    assert "new.analyst" in admin_client.get("/users").text
    with TestClient(admin_client.app, base_url="https://testserver") as newcomer:
        login(newcomer, "new.analyst", "a fresh long password")
        assert newcomer.get("/alerts", follow_redirects=False).status_code == 200
        page = admin_client.get("/users").text
        disabled = admin_client.post(
            "/users/new.analyst/disable", data={"csrf_token": form_token(page)}
        )
        assert disabled.status_code == 200 and "disabled new.analyst" in disabled.text
        assert newcomer.get("/alerts", follow_redirects=False).status_code == 303  # signed out
    services: Services = admin_client.app.state.services  # type: ignore[attr-defined]
    records, _ = services.audit.latest(2, endpoint="users")
    assert [(r.key_name, r.body["action"], r.body["user"]) for r in records] == [
        ("web.admin", "disable", "new.analyst"),
        ("web.admin", "create", "new.analyst"),
    ]


@pytest.mark.parametrize(
    ("username", "password", "again", "message"),
    [
        ("other.analyst", "a fresh long password", "a different password", "passwords differ"),
        ("bad name!", "a fresh long password", None, "username"),
        ("short.pass", "short", None, "password"),
        ("web.admin", "a fresh long password", None, "already"),
        ("x" * 300, "a fresh long password", None, "username"),
    ],
)
def test_bad_account_forms_are_refused(
    admin_client: TestClient, username: str, password: str, again: str | None, message: str
) -> None:
    answer = create(admin_client, username, password, again)
    assert answer.startswith("400") and message in answer


def test_an_admin_cannot_disable_themselves(admin_client: TestClient) -> None:
    page = admin_client.get("/users").text
    answer = admin_client.post(f"/users/{ADMIN[0]}/disable", data={"csrf_token": form_token(page)})
    assert answer.status_code == 400 and "your own account" in answer.text
