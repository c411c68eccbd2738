"""The batch report in a real Chromium: what a compliance officer sees and clicks."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from clearance.report.legal import describe_listing
from tests.browser import open_page
from tests.report.conftest import XSS_CAPTION, XSS_EXPLANATION, ReportCase

HITS = "#hit-table > tbody"


def visible_hits(page: Page) -> int:
    return int(page.locator(f"{HITS}:not([hidden])").count())


def column_values(page: Page, column: int) -> list[float]:
    values = page.eval_on_selector_all(
        HITS, f"(bodies) => bodies.map(b => b.rows[0].cells[{column}].dataset.value)"
    )
    return [float(v) for v in values]


def test_the_report_opens_clean_and_shows_every_hit(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url) as watched:
        page = watched.page
        assert page.locator(HITS).count() == len(report.hits)
        known = next(h for h in report.hits if h.match and h.caption and h.caption.isascii())
        assert page.get_by_text(known.caption or "", exact=True).first.is_visible()
        assert page.get_by_role("status").inner_text() == (
            f"Showing {len(report.hits)} of {len(report.hits)} hits"
        )
        watched.assert_clean()


def test_sorting_by_score_and_row(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url) as watched:
        page = watched.page
        scores = column_values(page, 0)
        assert scores == sorted(scores, reverse=True)  # server-side order
        score_header = page.get_by_role("columnheader", name="Score")
        assert score_header.get_attribute("aria-sort") == "descending"
        page.get_by_role("button", name="Score").click()
        assert score_header.get_attribute("aria-sort") == "ascending"
        assert column_values(page, 0) == sorted(scores)
        page.get_by_role("button", name="Score").click()
        assert column_values(page, 0) == sorted(scores, reverse=True)
        page.get_by_role("button", name="Row").click()
        rows = column_values(page, 2)
        assert rows == sorted(rows) and rows != column_values(page, 0)
        assert score_header.get_attribute("aria-sort") == "none"
        page.get_by_role("button", name="Screened name").click()
        names = page.eval_on_selector_all(HITS, "(b) => b.map(x => x.rows[0].cells[3].textContent)")
        assert names[0].strip().lower() <= names[-1].strip().lower()
        watched.assert_clean()


def test_filter_box_and_matches_only(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url) as watched:
        page = watched.page
        total = len(report.hits)
        target = next(h for h in report.hits if h.match)
        expected = sum(1 for h in report.hits if h.entity_id == target.entity_id)
        search = page.get_by_label("Filter hits")
        search.fill(target.entity_id or "")
        assert visible_hits(page) == expected
        assert page.get_by_role("status").inner_text() == f"Showing {expected} of {total} hits"
        search.fill("zzqx no such text")
        assert visible_hits(page) == 0
        search.fill("")
        assert visible_hits(page) == total

        page.get_by_label("Matches only").check()
        matches = sum(h.match for h in report.hits)
        assert 0 < matches < total
        assert visible_hits(page) == matches
        shown = page.eval_on_selector_all(
            f"{HITS}:not([hidden])", "(b) => b.map(x => x.dataset.match)"
        )
        assert set(shown) == {"1"}
        page.get_by_label("Matches only").uncheck()
        assert visible_hits(page) == total
        watched.assert_clean()


def test_legal_effect_and_charts_are_shown(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url) as watched:
        page = watched.page
        sdn = next(h for h in report.hits if "SDN List" in h.lists and h.match)
        listing = report.facts.listings[sdn.entity_id or ""][0]
        effect = page.get_by_text(describe_listing(listing), exact=True).first
        assert effect.is_visible()
        charts = page.locator("figure.chart svg")
        assert charts.count() == 3
        for index in range(3):
            chart = charts.nth(index)
            assert chart.is_visible()
            assert chart.locator("rect.hits").count() >= 1
            assert chart.bounding_box()["height"] > 20  # type: ignore[index]
        bars = page.locator("#chart-lists svg g.bar title").all_text_contents()
        assert any(t.startswith("SDN List: ") for t in bars)
        watched.assert_clean()


def test_hostile_text_is_shown_not_run(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url) as watched:
        page = watched.page
        assert page.get_by_text(XSS_EXPLANATION, exact=True).is_visible()
        assert page.get_by_text(XSS_CAPTION, exact=True).is_visible()
        assert page.locator("#hit-table img, #hit-table svg, #hit-table script").count() == 0
        page.get_by_label("Filter hits").fill("alert(1)")  # filtering must not inject either
        assert visible_hits(page) == 1
        watched.assert_clean()  # includes: no alert() dialog opened


def test_phone_width_has_no_page_overflow(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url, width=375, height=812) as watched:
        page = watched.page
        widths = page.evaluate(
            "() => ({page: document.documentElement.scrollWidth,"
            " body: document.body.scrollWidth, view: window.innerWidth})"
        )
        assert widths["page"] <= widths["view"] == 375, widths
        assert widths["body"] <= 375, widths
        assert page.get_by_label("Filter hits").is_visible()
        effect = page.locator(f"{HITS} .effect li").first
        box = effect.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
        watched.assert_clean()


def test_without_javascript_the_table_is_complete(browser: Browser, report: ReportCase) -> None:
    with open_page(browser, report.url, javascript=False) as watched:
        page = watched.page
        assert page.locator(HITS).count() == len(report.hits)
        assert not page.locator("#controls").is_visible()  # no controls that cannot work
        assert page.locator("#hit-table thead button").count() == 0
        assert page.locator("figure.chart svg").count() == 3
        watched.assert_clean()
