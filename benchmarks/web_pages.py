"""What the web UI and the cases add to a screening, measured in one process on one core.

    .venv/bin/python benchmarks/web_pages.py --home HOME [--queries 300]

HOME holds every shared list (`clearance --home HOME update --from ../shared/data/lists`);
the benchmark adds its own analyst, alerts and decisions to it, so use a scratch home.
In the same process, over the same names (listed names and unlisted Faker names), it
times: `Screener.screen` alone; `POST /v1/screen` (auth, audit record, suppression check,
alerts); the search page `GET /?q=` (the same plus the page); then the alert pages: the
queue, one alert, and recording a decision (each decision with its audit record). The
app runs in process (Starlette's TestClient), so these are server-side costs without
the network; benchmarks/serve_load.py measures the HTTP path.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from fastapi.testclient import TestClient

import common
from clearance import Screener
from clearance.accounts.users import UserStore
from clearance.cases import Cases
from clearance.index.build import EntityInfo
from clearance.service.app import create_app
from clearance.service.auth import KeyStore
from clearance.service.config import ServiceConfig
from clearance.store.store import Store

SEED = 20261127
ANALYST = ("bench.analyst", "benchmark pass phrase")


def queries(screener: Screener, count: int) -> list[str]:
    """Half listed names (so matches raise alerts), half unlisted Faker names."""
    rng = random.Random(SEED)
    caption = EntityInfo._fields.index("caption")
    captions = sorted({row[caption] for row in screener.index.entities.rows})
    listed = rng.sample(captions, count // 2)
    unlisted = common.unlisted_names(count - len(listed), SEED, lambda _name: False)
    names = listed + unlisted
    rng.shuffle(names)
    return names


def log_in(client: TestClient) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    answer = client.post(
        "/login",
        data={"username": ANALYST[0], "password": ANALYST[1], "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def row(label: str, latency: common.Latency) -> list[object]:
    return [
        label,
        latency.count,
        f"{latency.per_second:,.0f}",
        f"{latency.p50 * 1000:.1f}",
        f"{latency.p99 * 1000:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    core = common.pin_to_one_core()
    print(common.describe_machine(core))
    with Store.open(args.home) as store:
        if UserStore(store.engine).by_name(ANALYST[0]) is None:
            UserStore(store.engine).create(*ANALYST)
        _info, key = KeyStore(store.engine).create("screen", None)
    config = ServiceConfig(home=args.home, requests_per_minute=10**9)
    with TestClient(create_app(config), base_url="https://testserver") as client:
        served = client.app.state.services.holder.current()  # type: ignore[attr-defined]
        screener = served.screener
        names = queries(screener, args.queries)
        _, bare = common.timed(screener.screen, names)
        headers = {"Authorization": f"ApiKey {key}"}

        def api(name: str) -> int:
            return client.post(
                "/v1/screen", json={"parties": [{"name": name}]}, headers=headers
            ).status_code

        api_codes, api_seconds = common.timed(api, names)
        log_in(client)
        page_codes, page_seconds = common.timed(
            lambda name: client.get("/", params={"q": name}).status_code, names
        )
        assert set(api_codes) == {200} and set(page_codes) == {200}, (
            api_codes,
            page_codes,
        )
        cases = Cases(client.app.state.services.store)  # type: ignore[attr-defined]
        raised = cases.count("open")
        alerts = cases.queue(limit=200)
        _, queue_seconds = common.timed(lambda _i: client.get("/alerts"), range(50))
        _, alert_seconds = common.timed(lambda a: client.get(f"/alerts/{a.id}"), alerts)
        page = client.get("/alerts").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        token = token or re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
        assert token

        def decide(alert: object) -> int:
            return client.post(
                f"/alerts/{alert.id}/decide",  # type: ignore[attr-defined]
                data={
                    "csrf_token": token[1],  # type: ignore[index]
                    "version": str(alert.version),  # type: ignore[attr-defined]
                    "decision": "false_positive",
                    "reason": "benchmark decision",
                },
                follow_redirects=False,
            ).status_code

        decided, decide_seconds = common.timed(decide, alerts)
        assert set(decided) <= {303}, decided
    print(
        common.format_table(
            ["what", "n", "per s", "p50 ms", "p99 ms"],
            [
                row("Screener.screen (no web, no cases)", common.Latency.of(bare)),
                row(
                    "POST /v1/screen (auth, audit, cases)",
                    common.Latency.of(api_seconds),
                ),
                row("GET /?q= search page", common.Latency.of(page_seconds)),
                row("GET /alerts (queue page)", common.Latency.of(queue_seconds)),
                row("GET /alerts/{id}", common.Latency.of(alert_seconds)),
                row(
                    "POST /alerts/{id}/decide (+ audit)",
                    common.Latency.of(decide_seconds),
                ),
            ],
        )
    )
    print(
        f"open alerts after the searches: {raised:,} (the {len(alerts)} oldest decided); "
        f"peak RSS {common.peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    sys.exit(main())
