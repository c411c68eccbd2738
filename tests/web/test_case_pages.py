"""Alerts, decisions, batch uploads and the audit trail through the web UI, in process.

Real app, real store with every shared list, real login through the form, and
the batch job run by its own process as in production.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from clearance.accounts.users import UserStore
from clearance.cases import Cases
from clearance.service.app import create_app
from clearance.service.config import ServiceConfig
from clearance.service.deps import Services
from clearance.store.store import Store
from tests.web.conftest import ANALYST, WebHome, form_token, login

SECOND_ANALYST = ("second.analyst", "another long pass phrase")


def services(client: TestClient) -> Services:
    found: Services = client.app.state.services
    return found


def search_alert(client: TestClient, name: str) -> int:
    """Screen `name` in the search page; the id of the alert its best match raised."""
    page = client.get("/", params={"q": name})
    assert page.status_code == 200, page.text
    found = re.search(r'href="/alerts/(\d+)"', page.text)
    assert found, f"searching {name!r} raised no alert"
    return int(found[1])


def version_of(client: TestClient, alert_id: int) -> str:
    page = client.get(f"/alerts/{alert_id}")
    found = re.search(r'name="version" value="(\d+)"', page.text)
    assert found, page.text
    return found[1]


def decide(
    client: TestClient, alert_id: int, decision: str, reason: str, version: str | None = None
) -> httpx.Response:
    page = client.get(f"/alerts/{alert_id}")
    return client.post(
        f"/alerts/{alert_id}/decide",
        data={
            "csrf_token": form_token(page.text),
            "version": version or version_of(client, alert_id),
            "decision": decision,
            "reason": reason,
        },
        follow_redirects=False,
    )


@pytest.fixture(scope="module")
def second_analyst(web_home: WebHome) -> tuple[str, str]:
    with Store.open(web_home.path) as store:
        users = UserStore(store.engine)
        if users.by_name(SECOND_ANALYST[0]) is None:
            users.create(*SECOND_ANALYST)
    return SECOND_ANALYST


@pytest.fixture
def four_eyes_clients(
    web_app_config: ServiceConfig, second_analyst: tuple[str, str]
) -> Iterator[tuple[TestClient, TestClient]]:
    config = ServiceConfig(home=web_app_config.home, requests_per_minute=100_000, four_eyes=True)
    with (
        TestClient(create_app(config), base_url="https://testserver") as first,
        TestClient(create_app(config), base_url="https://testserver") as second,
    ):
        login(first, *ANALYST)
        login(second, *second_analyst)
        yield first, second


def test_a_false_positive_leaves_the_queue_is_audited_and_stays_cleared(
    web_client: TestClient,
) -> None:
    alert_id = search_alert(web_client, "Hangzhou Hikvision Digital Technology")
    queue = web_client.get("/alerts")
    assert f'href="/alerts/{alert_id}"' in queue.text
    answer = decide(web_client, alert_id, "false_positive", "our supplier is a different Hikvision")
    assert answer.status_code == 303
    assert f'href="/alerts/{alert_id}"' not in web_client.get("/alerts").text
    assert f'href="/alerts/{alert_id}"' in web_client.get("/alerts?status=closed").text
    detail = web_client.get(f"/alerts/{alert_id}").text
    assert "our supplier is a different Hikvision" in detail and "False positive" in detail
    trail = web_client.get("/audit", params={"endpoint": "decision"}).text
    assert f"alert #{alert_id}" in trail and "our supplier is a different Hikvision" in trail
    # the same party screened again: no new alert, the hit shown as cleared
    cases = Cases(services(web_client).store)
    open_before = cases.count("open")
    again = web_client.get("/", params={"q": "Hangzhou Hikvision Digital Technology"})
    assert f'href="/alerts/{alert_id}"' in again.text  # the decided alert, not a new one
    assert cases.count("open") == open_before
    assert "false positive" in again.text.lower()
    assert services(web_client).audit.verify().ok


def test_two_analysts_deciding_at_once_decide_once(
    web_client: TestClient, four_eyes_clients: tuple[TestClient, TestClient]
) -> None:
    _first, second = four_eyes_clients
    alert_id = search_alert(web_client, "Zhejiang Dahua Technology")
    seen = version_of(web_client, alert_id)
    won = decide(web_client, alert_id, "true_match", "same company", seen)
    assert won.status_code == 303
    lost = decide(second, alert_id, "false_positive", "different company", seen)
    assert lost.status_code == 409
    assert "Nothing was decided" in lost.text
    decisions = Cases(services(web_client).store).decisions(alert_id)
    assert [(d.decision, d.analyst) for d in decisions] == [("true_match", "ana.lyst")]


def test_four_eyes_needs_a_second_analyst(
    four_eyes_clients: tuple[TestClient, TestClient],
) -> None:
    first, second = four_eyes_clients
    alert_id = search_alert(first, "Beijing Megvii Technology")
    assert decide(first, alert_id, "true_match", "listed by BIS").status_code == 303
    own = first.get(f"/alerts/{alert_id}").text
    assert "waiting for a second analyst" in own and "another analyst must confirm" in own
    assert f"/alerts/{alert_id}/confirm" not in own  # the proposer is offered no confirm
    page = second.get(f"/alerts/{alert_id}").text
    confirmed = second.post(
        f"/alerts/{alert_id}/confirm",
        data={"csrf_token": form_token(page), "version": version_of(second, alert_id)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    assert Cases(services(first).store).alert(alert_id).status == "closed"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"decision": "false_positive", "reason": ""}, "Give a reason"),
        ({"decision": "maybe", "reason": "x"}, "Choose a decision"),
        ({"decision": "false_positive", "reason": "x" * 2001}, "at most 2,000"),
        ({"decision": "false_positive", "reason": "x", "version": ""}, "missing the alert"),
    ],
)
def test_bad_decisions_are_refused_with_a_message(
    web_client: TestClient, form: dict[str, str], message: str
) -> None:
    alert_id = search_alert(web_client, "SenseTime Group Limited")
    page = web_client.get(f"/alerts/{alert_id}").text
    data = {"csrf_token": form_token(page), "version": version_of(web_client, alert_id), **form}
    answer = web_client.post(f"/alerts/{alert_id}/decide", data=data)
    assert answer.status_code == 400 and message in answer.text
    assert Cases(services(web_client).store).alert(alert_id).status == "open"


def test_a_decision_on_a_missing_alert_is_a_clear_404(web_client: TestClient) -> None:
    page = web_client.get("/alerts").text
    answer = web_client.post(
        "/alerts/99999999/decide",
        data={
            "csrf_token": form_token(page),
            "version": "1",
            "decision": "true_match",
            "reason": "x",
        },
    )
    assert answer.status_code == 404 and "no longer exists" in answer.text


def test_forms_without_their_csrf_token_are_refused(web_client: TestClient) -> None:
    alert_id = search_alert(web_client, "iFlytek Co., Ltd.")
    answer = web_client.post(
        f"/alerts/{alert_id}/decide",
        data={"version": "1", "decision": "false_positive", "reason": "no token"},
    )
    assert answer.status_code == 403
    upload = web_client.post("/batch", files={"file": ("book.csv", b"name\nAcme\n", "text/csv")})
    assert upload.status_code == 403
    assert Cases(services(web_client).store).alert(alert_id).status == "open"


def _upload(client: TestClient, name: str, content: bytes) -> httpx.Response:
    page = client.get("/batch").text
    return client.post(
        "/batch",
        data={"csrf_token": form_token(page)},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("book.exe", b"MZ\x90\x00", "unknown file type"),
        ("book.csv", b"", "the file is empty"),
        ("book.csv", b"colour,size\nred,4\n", "book.csv"),
        ("book.xlsx", b"not a zip at all", "book.xlsx"),
    ],
)
def test_bad_uploads_are_refused_on_the_page(
    web_client: TestClient, name: str, content: bytes, message: str
) -> None:
    jobs_before = web_client.get("/batch").text.count('href="/batch/')
    answer = _upload(web_client, name, content)
    assert answer.status_code == 400, answer.text
    assert message in answer.text
    assert 'role="alert"' in answer.text
    assert web_client.get("/batch").text.count('href="/batch/') == jobs_before


def test_an_upload_over_the_limit_is_refused(web_app_config: ServiceConfig) -> None:
    config = ServiceConfig(home=web_app_config.home, max_upload_bytes=2048)
    with TestClient(create_app(config), base_url="https://testserver") as client:
        login(client, *ANALYST)
        page = client.get("/batch").text
        answer = client.post(
            "/batch",
            data={"csrf_token": form_token(page)},
            files={"file": ("big.csv", b"name\n" + b"Acme Trading\n" * 1000, "text/csv")},
            headers={"Accept": "text/html"},
        )
    assert answer.status_code == 413 and "Upload too large" in answer.text


def wait_for_job(client: TestClient, location: str, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(location).text
        if 'http-equiv="refresh"' not in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{location} did not finish in {seconds} s")


def test_an_uploaded_book_is_screened_with_progress_results_report_and_alerts(
    web_client: TestClient,
) -> None:
    book = "id,name,country\n1,Hikvision Digital Technology,CN\n2,Jane Q. Nobody,GB\n"
    book += "".join(f"{i},Unlisted Trading Partner {i},DE\n" for i in range(3, 40))
    answer = _upload(web_client, "suppliers.csv", book.encode("utf-8"))
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    page = wait_for_job(web_client, location)
    assert "Done." in page and "39 rows screened" in page, page
    results = web_client.get(location + "/results.csv")
    assert results.status_code == 200 and "attachment" in results.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(results.text)))
    assert "1" in {r["id"] for r in rows}
    report = web_client.get(location + "/report.html")
    assert report.status_code == 200 and "sandbox" in report.headers["content-security-policy"]
    assert "Hikvision" in report.text
    listed = web_client.get("/batch").text
    assert "suppliers.csv" in listed
    batch_alerts = [
        a for a in Cases(services(web_client).store).queue(limit=500) if a.source == "batch"
    ]
    assert any("suppliers.csv" in a.source_ref for a in batch_alerts)
