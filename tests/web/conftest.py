"""A home with every shared list plus a small watchlist with a history, an analyst
account, and the app over it: in process (TestClient) and as `clearance serve`.

The watchlist is loaded three times so that pages have something real to show:
an entity added, one changed, one removed, and a last release held back because
it shrank. One of its names carries markup, to prove it is shown as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from clearance import Screener
from clearance.accounts.users import UserStore
from clearance.ingest import load
from clearance.service.app import create_app
from clearance.service.config import ServiceConfig
from clearance.store.store import Store
from tests.conftest import loaded_home
from tests.service.conftest import Server, start_server

WATCHLIST = "web_watchlist"
HOSTILE_NAME = "<script>alert('pwned')</script> Zyxelqor Trading"
ANALYST = ("ana.lyst", "correct horse battery staple")
HEADER = "id,name,schema,aliases,country,list,program,listed_on,remarks,source_url\n"
ROWS = {
    "A": f'WL-A,"{HOSTILE_NAME}",Company,,cn,Refused parties,KYC,2023-04-17,'
    '"<b>bold</b> remark",javascript:alert(1)\n',
    "A2": f'WL-A,"{HOSTILE_NAME}",Company,Zyxelqor Ltd,cn,Refused parties,KYC,2023-04-17,'
    '"<b>bold</b> remark",javascript:alert(1)\n',
    "B": "WL-B,Quorvatine Balthasar Imre,Person,,hu,Refused parties,KYC,2022-01-02,,\n",
    "C": "WL-C,Veltrano Shipping Pte,Company,,sg,Refused parties,KYC,2021-05-06,,"
    "https://intranet.example.com/cases/1\n",
    "D": "WL-D,Ostrevik Holdings,Company,,cy,Refused parties,KYC,2021-05-06,,\n",
    "E": "WL-E,Palomir Logistics,Company,,ae,Refused parties,KYC,2021-05-06,,\n",
    "F": "WL-F,Trevanne Minerals,Company,,za,Refused parties,KYC,2021-05-06,,\n",
    "G": "WL-G,Hollowmere Exports,Company,,tr,Refused parties,KYC,2024-02-03,,\n",
}
#: the three releases: A changes, B goes, G comes; the third shrank and is held back
RELEASES = (
    ("A", "B", "C", "D", "E", "F"),
    ("A2", "C", "D", "E", "F", "G"),
    ("A2",),
)


@dataclass(frozen=True)
class WebHome:
    path: Path
    held_reason: str


def _write_watchlist(directory: Path, rows: tuple[str, ...]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "watchlist.csv"
    path.write_text(HEADER + "".join(ROWS[r] for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def web_home(shared_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    home = loaded_home("web-home", shared_lists, tmp_path_factory)
    files = tmp_path_factory.mktemp("web-watchlist")
    held = ""
    with Store.open(home) as store:
        for number, rows in enumerate(RELEASES, 1):
            outcome = load(store, WATCHLIST, [_write_watchlist(files / str(number), rows)])
            expected = "held" if number == len(RELEASES) else "activated"
            assert outcome.status == expected, outcome.message
            if outcome.status == "held":
                assert outcome.release is not None and outcome.release.reason
                held = outcome.release.reason
        UserStore(store.engine).create(*ANALYST, role="analyst")
    Screener.open(home)  # build the new snapshot's index once, before any worker starts
    return WebHome(home, held)


def form_token(html: str) -> str:
    """The CSRF token a page's forms carry (the hidden `csrf_token` field)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found[1]


def login(client: httpx.Client | TestClient, username: str, password: str) -> None:
    """Log in through the real form: its CSRF token, its cookie, the 303 back."""
    form = client.get("/login")
    assert form.status_code == 200, form.text
    token = form_token(form.text)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


@pytest.fixture(scope="session")
def web_app_config(web_home: WebHome) -> ServiceConfig:
    return ServiceConfig(home=web_home.path, requests_per_minute=100_000)


@pytest.fixture(scope="session")
def web_client(web_app_config: ServiceConfig) -> Iterator[TestClient]:
    """Logged in as the analyst. https, because the session cookie is Secure."""
    with TestClient(create_app(web_app_config), base_url="https://testserver") as client:
        login(client, *ANALYST)
        yield client


@pytest.fixture
def anonymous_client(web_app_config: ServiceConfig) -> Iterator[TestClient]:
    with TestClient(create_app(web_app_config), base_url="https://testserver") as client:
        yield client


@pytest.fixture(scope="session")
def web_server(web_home: WebHome) -> Iterator[Server]:
    """`clearance serve` on 127.0.0.1, as a user starts it."""
    running = start_server(web_home.path, "--rate", "100000")
    yield running
    running.stop()
