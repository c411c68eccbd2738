"""The report file itself: self-contained, escaped, counted right, written atomically."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from lxml import html as lxml_html

from clearance.batch.results import BatchHit
from clearance.model import Listing
from clearance.report import write_report
from clearance.report.legal import describe_listing
from tests.report.conftest import XSS_CAPTION, XSS_EXPLANATION, ReportCase


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


def test_nothing_is_loaded_from_anywhere(report: ReportCase) -> None:
    document = parse(report.path)
    for element in document.iter():
        for attribute in ("src", "href", "action", "srcset", "data", "poster"):
            value = element.get(attribute)
            assert value is None or value.startswith("#"), (element.tag, attribute, value)
    assert not document.xpath("//link | //iframe | //object | //embed | //img | //base")
    assert not document.xpath("//script[@src] | //style[contains(., '@import')]")
    policy = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy and policy[0].startswith("default-src 'none'")


def test_untrusted_text_is_escaped(report: ReportCase) -> None:
    text = report.path.read_text(encoding="utf-8")
    assert XSS_EXPLANATION not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text and "<svg onload" not in text
    document = parse(report.path)
    assert len(document.xpath("//script")) == 1  # ours, at the end of the body
    assert XSS_CAPTION in document.text_content()


def test_every_hit_is_a_row_with_its_legal_effect(report: ReportCase) -> None:
    document = parse(report.path)
    bodies = document.xpath("//table[@id='hit-table']/tbody")
    assert len(bodies) == len(report.hits)
    text = " ".join(document.text_content().split())
    for hit in report.hits:
        for listing in report.facts.listings.get(hit.entity_id or "", ()):
            assert describe_listing(listing) in text


def test_headers_have_scope_and_controls_have_labels(report: ReportCase) -> None:
    document = parse(report.path)
    assert all(th.get("scope") in {"col", "row"} for th in document.xpath("//th"))
    for control in document.xpath("//input"):
        assert document.xpath(f"//label[@for='{control.get('id')}']"), control.get("id")


def bar_counts(document: lxml_html.HtmlElement, chart: str) -> dict[str, tuple[int, int]]:
    counts = {}
    for row in document.xpath(f"//figure[@id='chart-{chart}']//table/tbody/tr"):
        label = row.xpath("string(th)")
        hits, matches = (int(c.text_content().replace(",", "")) for c in row.xpath("td"))
        counts[label] = (hits, matches)
    return counts


def test_counts_per_list_country_and_score_band(report: ReportCase) -> None:
    document = parse(report.path)
    real = [h for h in report.hits if h.entity_id]
    bands = bar_counts(document, "scores")
    assert list(bands) == ["0.9–1.0", "0.8–0.9", "0.7–0.8", "0.6–0.7", "0.5–0.6"]
    assert sum(n for n, _ in bands.values()) == len(real)
    assert sum(m for _, m in bands.values()) == sum(h.match for h in real)
    assert bands["0.9–1.0"][0] == sum(1 for h in real if (h.score or 0) >= 0.9)
    lists = bar_counts(document, "lists")
    assert lists["SDN List"][0] == sum("SDN List" in h.lists for h in real)
    countries = bar_counts(document, "countries")
    assert countries["China"][0] == sum(
        "cn" in report.facts.countries.get(h.entity_id or "", ()) for h in real
    )
    assert len(document.xpath("//figure[@class='chart']/*[local-name()='svg']")) == 3


def test_a_row_without_a_hit_is_counted_not_listed(report: ReportCase, tmp_path: Path) -> None:
    empty = BatchHit(row_number=99, row_id="99", query="Nobody Listed", columns={})
    path = tmp_path / "r.html"
    write_report(path, [*report.hits, empty], report.summary, report.facts.listings)
    document = parse(path)
    assert len(document.xpath("//table[@id='hit-table']/tbody")) == len(report.hits)
    assert "1 screened rows without a hit" in " ".join(document.text_content().split())


def test_no_hits_says_so(report: ReportCase, tmp_path: Path) -> None:
    summary = dataclasses.replace(report.summary, hits=0, matches=0, rows_with_matches=0)
    path = tmp_path / "empty.html"
    write_report(path, [], summary, {})
    assert "No hits: no screened name resembled a listed party." in path.read_text()


class Exploding(dict[str, Sequence[Listing]]):
    def get(self, *args: object, **kwargs: object) -> Iterator[Listing]:  # type: ignore[override]
        raise RuntimeError("lookup failed half-way")


def test_a_failed_write_leaves_the_old_report_whole(report: ReportCase, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("the previous report")
    with pytest.raises(RuntimeError):
        write_report(path, report.hits, report.summary, Exploding())
    assert path.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    write_report(path, report.hits, report.summary, report.facts.listings)
    assert re.search(r"<title>Screening report: ", path.read_text())


def test_a_huge_run_shows_the_top_hits_and_counts_them_all(
    report: ReportCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("clearance.report.html.MAX_TABLE_ROWS", 5)
    path = tmp_path / "top.html"
    write_report(path, report.hits, report.summary, report.facts.listings)
    document = parse(path)
    shown = document.xpath("//table[@id='hit-table']/tbody/tr[1]/td[1]/@data-value")
    assert len(shown) == 5
    best = sorted((h.score or 0.0 for h in report.hits if h.entity_id), reverse=True)[:5]
    assert [float(v) for v in shown] == best
    total = sum(1 for h in report.hits if h.entity_id)
    text = " ".join(document.text_content().split())
    assert f"The table shows the 5 highest-scoring of {total:,} hits" in text
    assert sum(n for n, _ in bar_counts(document, "scores").values()) == total
