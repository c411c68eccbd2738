"""The pages in Debian's Chromium against `clearance serve`: as an analyst uses them.

Screenshots of the three pages are saved to docs/screenshots/ (full page, 1280
wide) for the documentation; they are rewritten on every run.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from clearance.sources.registry import DATASETS
from tests.browser import open_page
from tests.conftest import REPO
from tests.service.conftest import Server
from tests.web.conftest import ANALYST, HOSTILE_NAME, WATCHLIST

SCREENSHOTS = REPO / "docs" / "screenshots"
NARROW = 375


def log_in(page: Page, base: str, next_path: str = "/") -> None:
    page.goto(f"{base}/login?next={next_path}")
    page.get_by_label("User name").fill(ANALYST[0])
    page.get_by_label("Password").fill(ANALYST[1])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}{next_path}")


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url}: {width} px wide in a {viewport} px window"


def every_field_has_a_label(page: Page) -> None:
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(field => field.labels.length === 0).map(field => field.outerHTML)"""
    )
    assert unlabelled == [], f"{page.url}: fields without a label: {unlabelled}"


def focus_is_visible(page: Page) -> None:
    """Tab from the top: the skip link, then the brand: each shows a focus outline."""
    page.locator("body").focus()
    for _ in range(2):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), page.evaluate("document.activeElement.outerHTML")


def search(page: Page, name: str) -> None:
    page.get_by_label("Name to screen").fill(name)
    page.get_by_role("button", name="Search").click()
    page.locator("#results table.hits, #results .notice").first.wait_for()


def test_search_then_entity_page_with_its_legal_effect(
    browser: Browser, web_server: Server
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with open_page(browser, width=1280) as watched:
        page = watched.page
        log_in(page, web_server.url)
        page.evaluate("window.clearanceMarker = 'same page'")
        search(page, "Hikvision")
        # the script sent the form without reloading the page, and the URL says what was searched
        assert page.evaluate("window.clearanceMarker") == "same page"
        assert "q=Hikvision" in page.url
        rows = page.locator("table.hits tbody tr")
        assert rows.count() >= 3
        entity_row = rows.filter(has_text="Entity List")
        assert entity_row.get_by_text("Match", exact=True).is_visible()
        assert "name score 1.00" in entity_row.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "web-search.png"), full_page=True)

        entity_row.locator("th a").click()
        page.wait_for_url("**/entity/us_trade_csl:*")
        assert page.get_by_role("heading", name="Entity List").is_visible()
        effect = page.locator(".legal-effect").first.inner_text()
        assert "licence required" in effect and "presumption of denial" in effect
        assert page.get_by_role("cell", name="Also known as").first.is_visible()
        page.screenshot(path=str(SCREENSHOTS / "web-entity.png"), full_page=True)

        page.get_by_role("link", name="Lists", exact=True).click()
        page.wait_for_url("**/lists")
        csl = DATASETS["us_trade_csl"].title
        assert page.get_by_role("heading", name=csl, exact=True).is_visible()
        held = page.locator(f"section[aria-labelledby='ds-{WATCHLIST}'] .notice").inner_text()
        assert held.startswith("Last update held back:") and "fewer than the active release" in held
        page.screenshot(path=str(SCREENSHOTS / "web-lists.png"), full_page=True)
        watched.assert_clean()


def test_pages_fit_a_narrow_phone_screen(browser: Browser, web_server: Server) -> None:
    with open_page(browser, width=NARROW, height=800) as watched:
        page = watched.page
        log_in(page, web_server.url)
        search(page, "Hikvision")
        no_sideways_scroll(page)
        every_field_has_a_label(page)
        focus_is_visible(page)
        page.locator("table.hits a").first.click()
        page.wait_for_url("**/entity/**")
        no_sideways_scroll(page)
        page.goto(f"{web_server.url}/lists")
        no_sideways_scroll(page)
        page.goto(f"{web_server.url}/entity/{WATCHLIST}:WL-A")
        no_sideways_scroll(page)
        page.get_by_role("button", name="Log out").click()
        page.wait_for_url("**/login")
        no_sideways_scroll(page)
        every_field_has_a_label(page)
        watched.assert_clean()


def test_everything_works_with_javascript_off(browser: Browser, web_server: Server) -> None:
    with open_page(browser, width=1280, javascript=False) as watched:
        page = watched.page
        log_in(page, web_server.url)
        page.get_by_label("Name to screen").fill("Hikvision")
        page.get_by_label("List").select_option(label="US Consolidated Screening List (trade.gov)")
        with page.expect_navigation():
            page.get_by_role("button", name="Search").click()
        assert "q=Hikvision" in page.url and "dataset=us_trade_csl" in page.url
        entity_row = page.locator("table.hits tbody tr").filter(has_text="Entity List")
        with page.expect_navigation():
            entity_row.locator("th a").click()
        assert "licence required" in page.locator(".legal-effect").first.inner_text()
        with page.expect_navigation():
            page.get_by_role("button", name="Log out").click()
        assert page.url.startswith(f"{web_server.url}/login")
        watched.assert_clean()


def test_a_bad_field_is_announced_next_to_it(browser: Browser, web_server: Server) -> None:
    with open_page(browser, width=NARROW) as watched:
        page = watched.page
        log_in(page, web_server.url)
        page.get_by_label("Name to screen").fill("Hikvision")
        page.get_by_label("Country").fill("Narnia")
        page.get_by_role("button", name="Search").click()
        error = page.locator("#country-error")
        error.wait_for()
        assert "'Narnia' is not a known country name" in error.inner_text()
        assert page.get_by_label("Country").get_attribute("aria-invalid") == "true"
        no_sideways_scroll(page)
        # the page answered 400 to the script's fetch; nothing failed in the page itself
        assert watched.page_errors == [] and watched.dialogs == []


def test_markup_in_listed_names_never_runs(browser: Browser, web_server: Server) -> None:
    with open_page(browser, width=1280) as watched:
        page = watched.page
        log_in(page, web_server.url)
        search(page, "Zyxelqor Trading")
        link = page.locator("table.hits a").filter(has_text="Zyxelqor")
        assert link.inner_text() == HOSTILE_NAME
        link.click()
        page.wait_for_url(f"**/entity/{WATCHLIST}:WL-A")
        assert page.get_by_role("heading", level=1).inner_text() == HOSTILE_NAME
        assert page.get_by_role("link", name="javascript:alert(1)").count() == 0
        watched.assert_clean()  # no alert() dialog, no script error
