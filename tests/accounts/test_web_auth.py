"""Logging in through HTTP: a small app with the login routes, one page that needs a user,
one admin page and one CSRF-protected form post, on a real store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from httpx import Response

from clearance.accounts.users import User, UserStore
from clearance.service import web_auth
from clearance.service.web_auth import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    LoginRequired,
    csrf_token,
    login_required_handler,
    require_admin,
    require_user,
    verify_csrf,
)
from clearance.store.store import Store

PASSWORD = "a sufficiently long secret"


def make_app(store: Store) -> FastAPI:
    app = FastAPI()
    app.state.services = SimpleNamespace(store=store, holder=SimpleNamespace(current=lambda: None))
    app.add_exception_handler(LoginRequired, login_required_handler)
    app.include_router(web_auth.router)

    @app.get("/private")
    def private(request: Request, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
        return {"user": user.username, "csrf": csrf_token(request)}

    @app.get("/admin")
    def admin(user: Annotated[User, Depends(require_admin)]) -> dict[str, Any]:
        return {"admin": user.username}

    @app.post("/action", dependencies=[Depends(verify_csrf)])
    def action(user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
        return {"done_by": user.username}

    return app


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "home") as opened:
        users = UserStore(opened.engine)
        users.create("alice", PASSWORD)
        users.create("root", PASSWORD, "admin")
        yield opened


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    # https: the session cookie is Secure, and httpx (like a browser) sends it only over TLS
    with TestClient(
        make_app(store), base_url="https://testserver", follow_redirects=False
    ) as test_client:
        yield test_client


def form_token(page: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def log_in(
    client: TestClient, username: str = "alice", password: str = PASSWORD, next_path: str = "/"
) -> Response:
    token = form_token(client.get("/login"))
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": next_path},
    )


def set_cookies(response: Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def test_login_sets_a_secure_httponly_cookie_and_goes_next(client: TestClient) -> None:
    assert client.get("/private").status_code == 303
    page = client.get("/login?next=/private")
    assert page.status_code == 200 and 'name="password"' in page.text
    csrf_cookie = set_cookies(page)[CSRF_COOKIE]
    assert "HttpOnly" in csrf_cookie and "Secure" in csrf_cookie

    answer = log_in(client, next_path="/private?tab=open")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/private?tab=open"
    cookie = set_cookies(answer)[SESSION_COOKIE]
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert attribute in cookie
    assert client.get("/private").json()["user"] == "alice"
    assert client.get("/login").headers["location"] == "/"  # already logged in


def test_unauthenticated_page_redirects_to_login_and_back(client: TestClient) -> None:
    answer = client.get("/private?q=huawei&country=cn")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/private%3Fq%3Dhuawei%26country%3Dcn"
    page = client.get(answer.headers["location"])
    assert 'name="next" value="/private?q=huawei&amp;country=cn"' in page.text
    token = form_token(page)
    done = client.post(
        "/login",
        data={
            "username": "alice",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/private?q=huawei&country=cn",
        },
    )
    assert done.headers["location"] == "/private?q=huawei&country=cn"


def test_wrong_password_and_unknown_user_get_the_same_401(client: TestClient) -> None:
    wrong = log_in(client, password="not the password")
    unknown = log_in(client, username="nobody")
    for answer in (wrong, unknown):
        assert answer.status_code == 401
        assert "Wrong username or password." in answer.text
        assert SESSION_COOKIE not in set_cookies(answer)
    assert client.get("/private").status_code == 303


def test_sixth_failure_is_refused_with_429_even_with_the_right_password(
    client: TestClient,
) -> None:
    for _ in range(5):
        assert log_in(client, password="not the password").status_code == 401
    refused = log_in(client, password="not the password")
    assert refused.status_code == 429
    wait = int(refused.headers["retry-after"])
    assert 0 < wait <= 15 * 60
    assert "Too many failed logins. Try again in" in refused.text
    assert log_in(client).status_code == 429
    assert client.get("/private").status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\r\nLocation: https://evil.example",
    ],
)
def test_no_open_redirect(client: TestClient, target: str) -> None:
    answer = log_in(client, next_path=target)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    page = client.get("/login", params={"next": target})
    assert page.headers["location"] == "/"


def test_posts_without_the_csrf_token_are_refused(client: TestClient) -> None:
    login_form_token = form_token(client.get("/login"))
    assert log_in(client).status_code == 303
    token = client.get("/private").json()["csrf"]

    missing = client.post("/action", data={})
    assert missing.status_code == 403 and "no CSRF token" in missing.json()["detail"]
    wrong = client.post("/action", data={"csrf_token": "x" * 43})
    assert wrong.status_code == 403 and "does not match your session" in wrong.json()["detail"]
    assert client.post("/action", data={"csrf_token": token}).json() == {"done_by": "alice"}
    assert client.post("/action", headers={"X-CSRF-Token": token}).status_code == 200
    # once logged in, only the session's own token counts, not the login form's
    assert client.post("/action", data={"csrf_token": login_form_token}).status_code == 403


def test_the_login_form_itself_is_csrf_protected(client: TestClient) -> None:
    page = client.get("/login")
    fields = {"username": "alice", "password": PASSWORD, "next": "/"}
    assert client.post("/login", data=fields).status_code == 403
    forged = client.post("/login", data={**fields, "csrf_token": "0" * 64})
    assert forged.status_code == 403 and "login form expired" in forged.text
    # the token is bound to this browser's nonce cookie: another browser cannot use it
    with TestClient(client.app, base_url="https://testserver", follow_redirects=False) as other:
        stolen = other.post("/login", data={**fields, "csrf_token": form_token(page)})
        assert stolen.status_code == 403
    assert client.post("/login", data={**fields, "csrf_token": form_token(page)}).status_code == 303


def test_logout_ends_the_session(client: TestClient) -> None:
    log_in(client)
    token = client.get("/private").json()["csrf"]
    session = client.cookies[SESSION_COOKIE]
    assert client.post("/logout").status_code == 403  # CSRF-checked
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert 'clearance_session=""' in set_cookies(out)[SESSION_COOKIE]
    assert client.get("/private").status_code == 303
    client.cookies.set(SESSION_COOKIE, session)  # a copy kept by whoever had the cookie
    assert client.get("/private").status_code == 303


def test_login_rotates_the_session(client: TestClient) -> None:
    stale_form = form_token(client.get("/login"))  # a second tab with the login form
    log_in(client)
    first = client.cookies[SESSION_COOKIE]
    fields = {"username": "root", "password": PASSWORD, "csrf_token": stale_form}
    assert client.post("/login", data=fields).status_code == 303
    second = client.cookies[SESSION_COOKIE]
    assert client.get("/private").json()["user"] == "root"
    assert first != second
    client.cookies.set(SESSION_COOKIE, first)
    assert client.get("/private").status_code == 303


def test_over_long_fields_get_400_with_a_message(client: TestClient) -> None:
    long_name = log_in(client, username="a" * 81)
    assert long_name.status_code == 400 and "longer than 80 characters" in long_name.text
    long_password = log_in(client, password="p" * 1025)
    assert long_password.status_code == 400 and "longer than 1024 characters" in long_password.text
    empty = log_in(client, password="")
    assert empty.status_code == 400


def test_admin_pages_refuse_analysts(client: TestClient) -> None:
    assert client.get("/admin").status_code == 303
    log_in(client)
    refused = client.get("/admin")
    assert refused.status_code == 403 and "needs an admin" in refused.json()["detail"]
    client.cookies.clear()
    log_in(client, username="root")
    assert client.get("/admin").json() == {"admin": "root"}


def test_disabling_a_user_ends_their_session(client: TestClient, store: Store) -> None:
    log_in(client)
    assert client.get("/private").status_code == 200
    UserStore(store.engine).disable("alice")
    answer = client.get("/private")
    assert answer.status_code == 303 and SESSION_COOKIE in set_cookies(answer)  # cleared
    assert log_in(client).status_code == 401


def test_insecure_cookies_only_when_asked(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_SERVE_INSECURE_COOKIES", "1")
    cookie = set_cookies(log_in(client))[SESSION_COOKIE]
    assert "HttpOnly" in cookie and "Secure" not in cookie


def test_login_page_without_the_web_ui_templates(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "clearance.service.web.templating", None)  # import fails
    page = client.get("/login?next=/private")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert '<label for="password">' in page.text and 'value="/private"' in page.text
    assert log_in(client, password="wrong password!").status_code == 401
    assert log_in(client, next_path="/private").headers["location"] == "/private"
