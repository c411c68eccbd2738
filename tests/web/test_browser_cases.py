"""Alerts, decisions, batch uploads and the audit trail in Debian's Chromium, end to end.

Against `clearance serve` in its own process, as an analyst uses them; the
screenshots under docs/screenshots/ are rewritten on every run.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from clearance.accounts.users import UserStore
from clearance.cases import Cases
from clearance.store.store import Store
from tests.browser import open_page
from tests.service.conftest import Server
from tests.web.conftest import WebHome
from tests.web.test_browser import (
    NARROW,
    SCREENSHOTS,
    log_in,
    no_sideways_scroll,
    search,
)


def open_alert_of_first_match(page: Page) -> int:
    link = page.locator("#results a.alert-link").first
    link.click()
    page.wait_for_url(re.compile(r"/alerts/\d+$"))
    found = re.search(r"/alerts/(\d+)$", page.url)
    assert found
    return int(found[1])


def test_deciding_an_alert_clears_it_everywhere(
    browser: Browser, web_server: Server, web_home: WebHome
) -> None:
    base = web_server.url
    party = "CloudWalk Technology"
    with open_page(browser) as watched, Store.open(web_home.path) as store:
        page = watched.page
        log_in(page, base)
        search(page, party)
        alert_id = open_alert_of_first_match(page)
        expect(page.get_by_role("heading", level=1)).to_contain_text(party)
        page.screenshot(path=str(SCREENSHOTS / "web-alert.png"), full_page=True)

        page.goto(f"{base}/alerts")
        expect(page.locator(f'a[href="/alerts/{alert_id}"]')).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "web-alerts.png"), full_page=True)

        page.goto(f"{base}/alerts/{alert_id}")
        page.get_by_label("False positive").check()
        page.get_by_label("Reason").fill(
            "Our counterparty is a different company (registry no. 42)"
        )
        page.get_by_role("button", name="Record decision").click()
        expect(page.get_by_role("status")).to_contain_text("Recorded")

        page.goto(f"{base}/alerts")
        expect(page.locator(f'a[href="/alerts/{alert_id}"]')).to_have_count(0)

        page.goto(f"{base}/audit")
        row = page.locator("table.audit tr", has_text=f"alert #{alert_id}")
        expect(row.first).to_contain_text("registry no. 42")
        page.screenshot(path=str(SCREENSHOTS / "web-audit.png"), full_page=True)

        cases = Cases(store)
        open_before = cases.count("open")
        page.goto(base + "/")
        search(page, party)
        expect(page.locator(f'#results a[href="/alerts/{alert_id}"]')).to_be_visible()
        expect(page.locator("#results")).to_contain_text("false positive")
        assert cases.count("open") == open_before  # the re-screen raised no new alert
        assert cases.alert(alert_id).status == "closed"
        watched.assert_clean()


def test_upload_a_book_then_open_its_report(
    browser: Browser, web_server: Server, tmp_path: Path
) -> None:
    book = tmp_path / "counterparties.csv"
    book.write_text(
        "ref,company,country\nA-1,Hikvision,CN\nA-2,Quiet Meadow Bakery,GB\n"
        "A-3,Dahua Technology,CN\n",
        encoding="utf-8",
    )
    base = web_server.url
    with open_page(browser) as watched:
        page = watched.page
        log_in(page, base, "/batch")
        page.get_by_label("File of counterparties").set_input_files(str(book))
        page.get_by_role("button", name="Upload and screen").click()
        page.wait_for_url(re.compile(r"/batch/[0-9a-f]{16}$"))
        expect(page.locator(".job-progress")).to_contain_text("Done.", timeout=120_000)
        expect(page.locator(".job-progress")).to_contain_text("3 rows screened")
        page.screenshot(path=str(SCREENSHOTS / "web-batch-job.png"), full_page=True)
        job = page.url
        page.get_by_role("link", name="open the report").click()
        page.wait_for_url(job + "/report.html")
        expect(page.locator("#hit-table")).to_contain_text("HIKVISION")
        page.goto(f"{base}/batch")
        expect(page.locator("table.jobs")).to_contain_text("counterparties.csv")
        page.screenshot(path=str(SCREENSHOTS / "web-batch.png"), full_page=True)
        watched.assert_clean()


def test_a_form_without_its_csrf_token_is_refused(
    browser: Browser, web_server: Server, web_home: WebHome
) -> None:
    base = web_server.url
    with open_page(browser) as watched, Store.open(web_home.path) as store:
        page = watched.page
        log_in(page, base)
        search(page, "Xiamen Meiya Pico Information")
        alert_id = open_alert_of_first_match(page)
        page.get_by_label("True match").check()
        page.get_by_label("Reason").fill("forged")
        page.evaluate("document.querySelector('.decision-form [name=csrf_token]').remove()")
        page.get_by_role("button", name="Record decision").click()
        expect(page.locator("main")).to_contain_text("CSRF")
        assert Cases(store).alert(alert_id).status == "open"


def test_login_logout_and_the_case_pages_at_phone_width(
    browser: Browser, web_server: Server
) -> None:
    base = web_server.url
    with open_page(browser, width=NARROW) as watched:
        page = watched.page
        page.goto(f"{base}/alerts")
        page.wait_for_url(re.compile(r"/login"))
        page.screenshot(path=str(SCREENSHOTS / "web-login.png"), full_page=True)
        log_in(page, base, "/alerts")
        for path in ("/alerts", "/alerts?status=closed", "/batch", "/audit"):
            page.goto(base + path)
            no_sideways_scroll(page)
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url(re.compile(r"/login"))
        page.goto(f"{base}/alerts")
        page.wait_for_url(re.compile(r"/login"))  # the session is gone
        watched.assert_clean()


def test_an_admin_manages_accounts(browser: Browser, web_server: Server, web_home: WebHome) -> None:
    admin = ("browser.admin", "an admin pass phrase here")
    with Store.open(web_home.path) as store:
        users = UserStore(store.engine)
        if users.by_name(admin[0]) is None:
            users.create(*admin, role="admin")
    base = web_server.url
    with open_page(browser) as watched:
        page = watched.page
        page.goto(f"{base}/login?next=/users")
        page.get_by_label("User name").fill(admin[0])
        page.get_by_label("Password").fill(admin[1])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/users")
        page.get_by_label("User name").fill("browser.newcomer")
        page.get_by_label("Password", exact=True).fill("a newcomer's long password")
        page.get_by_label("Password again").fill("a newcomer's long password")
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("status")).to_contain_text("created browser.newcomer")
        expect(page.locator("table.users")).to_contain_text("browser.newcomer")
        page.screenshot(path=str(SCREENSHOTS / "web-users.png"), full_page=True)
        page.set_viewport_size({"width": NARROW, "height": 900})
        no_sideways_scroll(page)
        watched.assert_clean()
