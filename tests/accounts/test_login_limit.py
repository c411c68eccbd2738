"""The login limit against both backends, including attempts from several processes at once."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from sqlalchemy import create_engine

from clearance.accounts.login_limit import LoginLimiter
from clearance.store.store import Store

T0 = 1_800_000_000.0 + 10  # ten seconds into a minute


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def test_sixth_failure_refused_with_the_wait(any_store: Store) -> None:
    clock = Clock()
    limiter = LoginLimiter(any_store.engine, clock=clock)
    for _ in range(5):
        assert not limiter.charge("192.0.2.1", "alice").refused
    refused = limiter.charge("192.0.2.1", "alice")
    assert refused.refused and refused.wait == 15 * 60 - 10
    clock.now += 100
    assert limiter.charge("192.0.2.1", "alice").wait == 15 * 60 - 110  # not extended
    clock.now = T0 - 10 + 15 * 60  # the minute of the first failures has left the window
    assert not limiter.charge("192.0.2.1", "alice").refused


def test_limits_per_address_and_per_username(any_store: Store) -> None:
    limiter = LoginLimiter(any_store.engine, clock=Clock())
    for n in range(5):
        assert not limiter.charge("192.0.2.1", f"user{n}").refused
    assert limiter.charge("192.0.2.1", "someone-else").refused  # one address, many names
    for n in range(5):
        assert not limiter.charge(f"198.51.100.{n}", "bob").refused
    assert limiter.charge("203.0.113.9", "BOB").refused  # one name, many addresses
    assert not limiter.charge("203.0.113.9", "carol").refused


def test_window_slides_by_minute(any_store: Store) -> None:
    clock = Clock()
    limiter = LoginLimiter(any_store.engine, clock=clock)
    for _ in range(3):
        limiter.charge("192.0.2.1", "alice")
    clock.now += 5 * 60
    for _ in range(2):
        limiter.charge("192.0.2.1", "alice")
    refused = limiter.charge("192.0.2.1", "alice")
    # two more minutes-old failures must leave: the first three go at T0's minute + 15
    assert refused.wait == 15 * 60 - 10 - 5 * 60
    clock.now = T0 - 10 + 15 * 60
    assert not limiter.charge("192.0.2.1", "alice").refused  # 2 + this one
    assert not limiter.charge("192.0.2.1", "alice").refused
    assert not limiter.charge("192.0.2.1", "alice").refused
    assert limiter.charge("192.0.2.1", "alice").refused


def test_success_refunds_the_attempt_and_forgets_the_names_failures(any_store: Store) -> None:
    limiter = LoginLimiter(any_store.engine, clock=Clock())
    for _ in range(4):
        limiter.charge("192.0.2.1", "alice")
    limiter.succeeded(limiter.charge("192.0.2.1", "alice"))
    # the address keeps its 4 failures, the name has none
    assert not limiter.charge("192.0.2.1", "alice").refused
    assert limiter.charge("192.0.2.1", "alice").refused
    for n in range(4):
        assert not limiter.charge(f"198.51.100.{n}", "alice").refused


def _charge_in_another_process(url: str, attempts: int) -> list[bool]:
    engine = create_engine(url)
    limiter = LoginLimiter(engine)
    try:
        return [not limiter.charge("192.0.2.7", "mallory").refused for _ in range(attempts)]
    finally:
        engine.dispose()


def test_processes_attempting_at_once_share_one_limit(any_store: Store) -> None:
    url = any_store.engine.url.render_as_string(hide_password=False)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(4, mp_context=spawn) as pool:
        results = list(pool.map(_charge_in_another_process, [url] * 4, [3] * 4))
    assert sum(sum(accepted) for accepted in results) == 5
