"""The read-only pages in process: real app, real store with every shared list, real login."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearance.accounts.users import UserStore
from clearance.service.app import create_app
from clearance.service.audit import AuditRecord
from clearance.service.config import ServiceConfig
from clearance.service.deps import Services
from clearance.service.web.pages import SEARCH_ENDPOINT, http_error
from clearance.sources.registry import DATASETS
from clearance.store.store import Store
from tests.web.conftest import ANALYST, WATCHLIST, WebHome, login

#: Hikvision on the BIS Entity List, as the trade.gov CSL carries it
ENTITY_LIST_HIKVISION = "us_trade_csl:f095626c9f8becc70b5948507fb6de6e443b257a"


def services(client: TestClient) -> Services:
    found: Services = client.app.state.services  # type: ignore[attr-defined]
    return found


def last_search(client: TestClient) -> AuditRecord | None:
    records, _total = services(client).audit.latest(1, endpoint=SEARCH_ENDPOINT)
    return records[0] if records else None


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert found, f"no error shown next to {field}"
    return found[1]


def test_pages_send_visitors_to_the_login_form(anonymous_client: TestClient) -> None:
    for path in ("/", "/?q=Hikvision", "/lists", f"/entity/{ENTITY_LIST_HIKVISION}"):
        answer = anonymous_client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login"), path
    login_page = anonymous_client.get("/login?next=/lists")
    assert (
        'name="csrf_token"' in login_page.text and 'name="next" value="/lists"' in login_page.text
    )
    assert 'href="/login"' in login_page.text  # the layout's "Log in" link, no user name


def test_login_page_uses_the_layout_and_shows_errors(anonymous_client: TestClient) -> None:
    form = anonymous_client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token and 'class="skip-link"' in form.text and '<html lang="en">' in form.text
    wrong = anonymous_client.post(
        "/login",
        data={"username": ANALYST[0], "password": "not the password", "csrf_token": token[1]},
    )
    assert wrong.status_code == 401
    assert 'id="login-error"' in wrong.text and "Wrong username or password." in wrong.text
    assert f'value="{ANALYST[0]}"' in wrong.text  # the user name is kept in the form


def test_every_page_carries_strict_security_headers(web_client: TestClient) -> None:
    for path in ("/", "/lists", f"/entity/{ENTITY_LIST_HIKVISION}", "/entity/nope:1"):
        headers = web_client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"


def test_layout_shows_the_user_the_menu_and_a_logout_form(web_client: TestClient) -> None:
    html = web_client.get("/lists").text
    assert f"<strong>{ANALYST[0]}</strong>" in html
    assert re.search(r'<form method="post" action="/logout"', html)
    assert re.search(r'name="csrf_token" value="[^"]+"', html)
    for label, path in (("Search", "/"), ("Lists", "/lists"), ("Alerts", "/alerts")):
        assert f'href="{path}"' in html and f">{label}</a>" in html
    assert 'href="/lists" aria-current="page"' in html
    assert re.search(r"serving snapshot \d+", html)


def test_static_files_are_served_with_their_digest(web_client: TestClient) -> None:
    html = web_client.get("/").text
    for name in ("app.css", "app.js"):
        found = re.search(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]+)"', html)
        assert found, name
        answer = web_client.get(found[1])
        assert answer.status_code == 200 and answer.content
    assert "<script>" not in html and "style=" not in html  # nothing inline for the CSP to block


def test_search_shows_scored_explained_hits_and_is_audited(web_client: TestClient) -> None:
    answer = web_client.get("/", params={"q": "Hikvision"})
    assert answer.status_code == 200
    html = answer.text
    assert f'href="/entity/{ENTITY_LIST_HIKVISION}"' in html
    row = html[html.index(ENTITY_LIST_HIKVISION) :]
    row = row[: row.index("</tr>")]
    assert "Entity List" in row and "US Consolidated Screening List" in row
    assert '<span class="badge badge-match">Match</span>' in row and "1.00" in row
    assert "name score 1.00" in row  # Hit.explanation, in words
    assert "Near miss" in html  # the FCC entry scores below the threshold
    assert re.search(r"\d+ hits for “Hikvision”", html)

    record = last_search(web_client)
    assert record is not None and record.key_name == ANALYST[0]
    assert record.body["snapshot"] == services(web_client).holder.current().snapshot_id  # type: ignore[union-attr]
    (searched,) = record.body["results"]
    assert searched["query"]["name"] == "Hikvision"
    assert ENTITY_LIST_HIKVISION in {r["id"] for r in searched["results"]}
    assert set(record.body["lists"]) >= {"us_trade_csl", "us_ofac_cons"}
    assert services(web_client).audit.verify().ok


def test_filters_narrow_the_search(web_client: TestClient) -> None:
    one_list = web_client.get("/", params={"q": "Hikvision", "dataset": "us_ofac_cons"}).text
    ids = set(re.findall(r'href="/entity/([^"]+)"', one_list))
    assert ids and all(i.startswith("us_ofac_cons:") for i in ids)
    assert '<option value="us_ofac_cons" selected>' in one_list

    vessels = web_client.get("/", params={"q": "Hikvision", "schema": "Vessel"})
    assert vessels.status_code == 200
    assert "<strong>No hits</strong> for “Hikvision”" in vessels.text
    assert '<option value="Vessel" selected>' in vessels.text

    with_country = web_client.get("/", params={"q": "Hikvision", "country": "China, CN"})
    assert with_country.status_code == 200 and ENTITY_LIST_HIKVISION in with_country.text
    record = last_search(web_client)
    assert record is not None
    assert record.body["results"][0]["query"]["countries"] == ["China", "CN"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "Hikvision\x00"}, "q", "contains control character U+0000"),
        ({"q": "x" * 501}, "q", "501 characters, at most 500 allowed"),
        ({"q": "!!!"}, "q", "has no letters or digits to compare"),
        ({"q": "", "country": "China"}, "q", "enter a name to screen"),
        ({"q": "Hikvision", "country": "Narnia"}, "country", "is not a known country name"),
        ({"q": "Hikvision", "schema": "Spaceship"}, "schema", "is not one of Person"),
        ({"q": "Hikvision", "dataset": "no_such_list"}, "dataset", "is not a loaded list"),
        ({"q": "Hikvision", "country": "c" * 201}, "country", "at most 200 allowed"),
    ],
)
def test_bad_input_is_named_next_to_its_field(
    web_client: TestClient, params: dict[str, str], field: str, message: str
) -> None:
    before = last_search(web_client)
    answer = web_client.get("/", params=params)
    assert answer.status_code == 400
    assert message in field_error(answer.text, field).replace("&#39;", "'")
    assert f'aria-describedby="{field}-error"' in answer.text or (
        f'aria-describedby="{field}-hint {field}-error"' in answer.text
    )
    assert "The search was not run" in answer.text
    after = last_search(web_client)
    assert (after.seq if after else None) == (before.seq if before else None)  # not audited


def test_every_bad_field_is_reported_at_once(web_client: TestClient) -> None:
    answer = web_client.get("/", params={"q": "x", "schema": "Foo", "country": "Narnia"})
    assert answer.status_code == 400
    for field in ("schema", "country"):
        assert field_error(answer.text, field)


def test_an_empty_form_is_the_start_page(web_client: TestClient) -> None:
    answer = web_client.get("/")
    assert answer.status_code == 200
    assert 'id="q"' in answer.text and "<table" not in answer.text
    for dataset in ("us_ofac_sdn", "us_trade_csl", WATCHLIST):
        assert f'<option value="{dataset}">' in answer.text
    assert f">{DATASETS['us_ofac_sdn'].title}</option>" in answer.text


def test_markup_in_a_listed_name_is_shown_as_text(web_client: TestClient) -> None:
    html = web_client.get("/", params={"q": "Zyxelqor Trading"}).text
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; Zyxelqor Trading" in html
    assert "<script>alert" not in html
    entity = web_client.get(f"/entity/{WATCHLIST}:WL-A").text
    assert "&lt;script&gt;alert(" in entity and "<script>alert" not in entity
    assert "&lt;b&gt;bold&lt;/b&gt; remark" in entity and "<b>bold</b>" not in entity
    assert 'href="javascript:' not in entity and "javascript:alert(1)" in entity  # as text only


def test_entity_page_shows_listing_legal_effect_names_and_history(web_client: TestClient) -> None:
    answer = web_client.get(f"/entity/{ENTITY_LIST_HIKVISION}")
    assert answer.status_code == 200
    html = answer.text
    assert "<h1>Hangzhou Hikvision Digital Technology Co., Ltd.</h1>" in html
    assert "<h3>Entity List</h3>" in html and "US Commerce BIS" in html
    effect = re.search(r'<p class="legal-effect"><strong>Legal effect:</strong> ([^<]+)</p>', html)
    assert effect and "licence required" in effect[1] and "presumption of denial" in effect[1]
    assert "<dt>Listed on</dt><dd>2019-10-09</dd>" in html
    assert "<dt>Federal Register</dt><dd>84 FR 54002; 85 FR 44159</dd>" in html
    assert re.search(r"<td>Hikvision</td>\s*<td>Also known as</td>\s*<td>Latin</td>", html)
    assert "<strong>China</strong>" in html  # countries by name, with their role
    assert "Qianmo Road" in html  # addresses
    assert "<strong>Added</strong>" in html  # history
    assert "No longer listed" not in html


def test_entity_page_shows_identifiers_and_remarks(web_client: TestClient) -> None:
    html = web_client.get("/entity/us_ofac_cons:30946").text
    assert "<td>Unified Social Credit Code</td>" in html and "91330000733796106P" in html
    assert "<td>ISIN</td>" in html and "CNE100000PM8" in html
    assert "Target Type Public Company" in html  # remarks
    assert "the party is not blocked as such" in html  # the non-SDN list's legal effect
    assert 'href="https://sanctionslistservice.ofac.treas.gov/"' in html  # source link


def test_entity_history_across_releases(web_client: TestClient, web_home: WebHome) -> None:
    changed = web_client.get(f"/entity/{WATCHLIST}:WL-A").text
    assert re.search(r"<strong>Changed</strong>: [^<]*names", changed)
    assert "<strong>Added</strong>" in changed

    removed = web_client.get(f"/entity/{WATCHLIST}:WL-B")
    assert removed.status_code == 200
    assert "No longer listed." in removed.text and "<strong>Removed</strong>" in removed.text
    assert "Quorvatine Balthasar Imre" in removed.text  # the last version the lists held

    added = web_client.get(f"/entity/{WATCHLIST}:WL-G").text
    assert "<strong>Added</strong>" in added and "<strong>Removed</strong>" not in added
    # the held-back release changed nothing users saw
    with Store.open(web_home.path) as store:
        held = [r for r in store.releases(WATCHLIST) if r.status == "held"]
    assert held and all(r.id not in added for r in held)


@pytest.mark.parametrize("entity_id", ["nope:1", "us_ofac_sdn:999999999", "%3Cscript%3E"])
def test_unknown_entity_is_a_404_page(web_client: TestClient, entity_id: str) -> None:
    answer = web_client.get(f"/entity/{entity_id}")
    assert answer.status_code == 404
    assert "<h1>No such listed entity</h1>" in answer.text
    assert "Search for the party by name" in answer.text
    assert "<script>" not in answer.text


def test_lists_page_shows_versions_counts_and_held_releases(
    web_client: TestClient, web_home: WebHome
) -> None:
    html = web_client.get("/lists").text
    with Store.open(web_home.path) as store:
        snapshot = store.active_snapshot()
        assert snapshot is not None
        for dataset, release_id in snapshot.releases.items():
            release = store.release(release_id)
            title = DATASETS[dataset].title if dataset in DATASETS else dataset
            assert title in html
            assert f"<code>{release_id}</code>" in html
            assert f"{release.entity_count:,}" in html
        held = [r for r in store.releases(WATCHLIST) if r.status == "held"]
    assert len(held) == 1
    section = html[html.index(f'id="ds-{WATCHLIST}"') :]
    assert "<strong>Last update held back:</strong>" in section
    assert held[0].id in section and str(escape(web_home.held_reason)) in section
    assert '<span class="badge badge-held">Held back</span>' in section
    assert "The version above is still served." in section
    assert "UFLPA Entity List" in html[html.index("Not loaded") :]


@pytest.fixture
def empty_client(tmp_path: Path) -> TestClient:
    with Store.open(tmp_path) as store:
        UserStore(store.engine).create(*ANALYST)
    client = TestClient(create_app(ServiceConfig(home=tmp_path)), base_url="https://testserver")
    return client


def test_pages_say_when_no_lists_are_loaded(empty_client: TestClient) -> None:
    with empty_client as client:
        login(client, *ANALYST)
        search = client.get("/", params={"q": "Hikvision"})
        assert search.status_code == 503 and "No lists are loaded yet" in search.text
        entity = client.get(f"/entity/{ENTITY_LIST_HIKVISION}")
        assert entity.status_code == 503 and "clearance update" in entity.text
        lists = client.get("/lists")
        assert lists.status_code == 200 and "No lists are loaded yet" in lists.text


def test_http_errors_are_pages_for_browsers_and_json_for_apis(
    web_app_config: ServiceConfig,
) -> None:
    app = create_app(web_app_config)
    app.add_exception_handler(StarletteHTTPException, http_error)  # as app.py registers it
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    with TestClient(app, base_url="https://testserver") as client:
        page = client.get("/no/such/page", headers=browser)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert (
            "<h1>Page not found</h1>" in page.text
            and "There is no page at /no/such/page" in page.text
        )
        assert page.headers["x-frame-options"] == "DENY"
        api = client.get("/no/such/page", headers={"Accept": "application/json"})
        assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
        unauthorised = client.get("/v1/lists", headers=browser)  # an API route, no key
        assert unauthorised.status_code == 401 and "an API key is required" in unauthorised.text
        assert unauthorised.headers["www-authenticate"] == "ApiKey"
