"""The browser fixture's rule when Chromium is missing: fail where it can be fixed."""

from __future__ import annotations

import os

import pytest

from tests import browser as helper


@pytest.mark.parametrize(
    ("ci", "uid", "outcome"),
    [
        ("1", 1000, pytest.fail.Exception),
        ("", 0, pytest.fail.Exception),
        ("", 1000, pytest.skip.Exception),
    ],
)
def test_missing_chromium_fails_in_ci_or_as_root_else_skips(
    monkeypatch: pytest.MonkeyPatch, ci: str, uid: int, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(os, "geteuid", lambda: uid)
    with pytest.raises(outcome, match="apt-get install -y chromium"):
        helper._missing_browser()
