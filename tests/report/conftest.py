"""A store loaded from every shared list, real screenings of it, and a report of them.

Loading the lists takes about ten seconds, so the store, the screenings and the
written report are session fixtures shared by the report tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from faker import Faker

from clearance import Screener
from clearance.batch.results import BatchHit, BatchSummary
from clearance.ingest import load, update
from clearance.report import ListedFacts, listed_facts, write_report
from clearance.store.store import Store
from tests.conftest import FIXTURES

#: a hit whose every text field tries to become markup or script
XSS_EXPLANATION = "<script>alert(1)</script>"
XSS_CAPTION = '<img src=x onerror="alert(2)">Evil Caption'
XSS_QUERY = '"><svg onload=alert(3)>'


@dataclass(frozen=True)
class ReportCase:
    hits: list[BatchHit]
    summary: BatchSummary
    facts: ListedFacts
    path: Path

    @property
    def url(self) -> str:
        return self.path.as_uri()


@pytest.fixture(scope="session")
def report_home(shared_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shared list via `update --from`, plus the UFLPA page the tests keep."""
    home = tmp_path_factory.mktemp("report-home")
    store = Store.open(home)
    outcomes = update(store, from_dir=shared_lists)
    assert any(o.ok for o in outcomes), [o.message for o in outcomes]
    uflpa = load(store, "us_dhs_uflpa", [FIXTURES / "uflpa_entity_list.html"])
    assert uflpa.ok, uflpa.message
    return home


@pytest.fixture(scope="session")
def screener(report_home: Path) -> Screener:
    return Screener.open(report_home)


def listed_names(screener: Screener, per_dataset: int = 2) -> list[str]:
    """Real listed names: the first few Latin-script captions of each dataset, by id."""
    chosen: dict[str, list[str]] = {}
    for info in sorted(screener.index.entities, key=lambda e: e.id):
        names = chosen.setdefault(info.dataset, [])
        caption = info.caption
        if len(names) < per_dataset and caption.isascii() and len(caption.split()) >= 2:
            names.append(caption)
    return [name for names in chosen.values() for name in names]


def unlisted_names(count: int = 6) -> list[str]:
    faker = Faker(["en_US", "de_DE", "fr_FR"])
    faker.seed_instance(20240601)
    return [faker.name() if i % 2 else faker.company() for i in range(count)]


def screen_rows(screener: Screener, names: Sequence[str]) -> list[BatchHit]:
    """What the batch runner writes: one BatchHit per hit, rows numbered from 1."""
    rows = []
    for number, name in enumerate(names, start=1):
        for hit in screener.screen(name, limit=3):
            rows.append(
                BatchHit(
                    row_number=number,
                    row_id=f"C-{number:04d}",
                    query=name,
                    columns={"id": f"C-{number:04d}", "name": name},
                    entity_id=hit.entity_id,
                    dataset=hit.dataset,
                    schema=hit.schema,
                    lists=hit.lists,
                    caption=hit.caption,
                    matched_name=hit.matched_name,
                    score=hit.score,
                    match=hit.match,
                    explanation=hit.explanation,
                )
            )
    return rows


def summarize(
    screener: Screener, hits: Iterable[BatchHit], rows: int, threshold: float = 0.8
) -> BatchSummary:
    kept = list(hits)
    versions = {e.dataset: e.as_of or "" for e in screener.index.entities}
    return BatchSummary(
        input_path="/srv/books/counterparties.csv",
        output_path="/srv/books/counterparties-hits.csv",
        rows=rows,
        screened=rows,
        hits=len(kept),
        matches=sum(h.match for h in kept),
        rows_with_matches=len({h.row_number for h in kept if h.match}),
        errors=0,
        seconds=2.5,
        threshold=threshold,
        snapshot=screener.snapshot,
        list_versions=versions,
        started_at="2026-05-01T09:30:00Z",
    )


def hostile(hit: BatchHit) -> BatchHit:
    """A copy of a real hit whose texts carry markup and script."""
    return dataclasses.replace(
        hit,
        row_id="X-1",
        query=XSS_QUERY,
        caption=XSS_CAPTION,
        explanation=XSS_EXPLANATION,
    )


@pytest.fixture(scope="session")
def report(screener: Screener, tmp_path_factory: pytest.TempPathFactory) -> ReportCase:
    """Real screenings of listed and unlisted names (one hit made hostile), as a report."""
    names = [*listed_names(screener), "Hikvision", *unlisted_names()]
    hits = screen_rows(screener, names)
    assert any(h.match for h in hits) and any(not h.match for h in hits)
    hits.append(hostile(hits[0]))
    facts = listed_facts((h.entity_id for h in hits), screener.entity)
    summary = summarize(screener, hits, rows=len(names) + 1)
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(path, hits, summary, facts.listings, facts.countries)
    return ReportCase(hits, summary, facts, path)
