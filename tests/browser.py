"""A real browser for tests: Debian's Chromium driven by Playwright's Python API.

Pages the project produces (the HTML batch report, the web UI) are tested in a
real browser, so layout, script errors and escaping are checked where users see
them. Playwright's own browser download is never used: it needs network access
at test time and pins a build the distribution does not patch. `scripts/test`
installs Debian's `chromium` package when it runs as root with apt-get.

Use it from a conftest.py with ``from tests.browser import browser  # noqa: F401``
(or add "tests.browser" to ``pytest_plugins`` in tests/conftest.py), then::

    def test_x(browser: Browser) -> None:
        with open_page(browser, url, width=375) as watched:
            ...
            watched.assert_clean()  # no console errors, no uncaught exceptions

When /usr/bin/chromium is missing the `browser` fixture fails with how to install
it, so CI and root runs (which can install it) never pass silently; a developer
without root outside CI gets a skip instead, as they cannot fix it themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright

#: Debian's Chromium; CLEARANCE_CHROMIUM points elsewhere (another distribution's build)
CHROMIUM = Path(os.environ.get("CLEARANCE_CHROMIUM", "/usr/bin/chromium"))
#: no sandbox (containers run as root), and nothing that talks to the network on its own
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
INSTALL_HINT = (
    "run ./scripts/test as root (it installs Debian's chromium), or "
    "`sudo apt-get install -y chromium`; set CLEARANCE_CHROMIUM to use another build"
)


def _missing_browser() -> None:
    message = f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}"
    in_ci = bool(os.environ.get("CI"))
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if in_ci or is_root:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole session; each test opens its own context."""
    if not CHROMIUM.exists():
        _missing_browser()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class WatchedPage:
    """A page with everything that went wrong on it recorded, to assert at the end."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)  # alert()/confirm(): script that ran

    def assert_clean(self) -> None:
        assert self.page_errors == [], f"uncaught errors: {self.page_errors}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"


@contextmanager
def open_page(
    browser: Browser,
    url: str | None = None,
    *,
    width: int = 1280,
    height: int = 900,
    javascript: bool = True,
) -> Iterator[WatchedPage]:
    """A fresh context (no shared cookies or storage) and page, closed afterwards."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        watched = WatchedPage(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watched.console_errors.append(message.text)

        def on_dialog(dialog: Dialog) -> None:
            watched.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
        page.on("dialog", on_dialog)
        if url is not None:
            page.goto(url)
        yield watched
    finally:
        context.close()
