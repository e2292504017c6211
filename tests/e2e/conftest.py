"""Browser tests: Playwright driving Debian's Chromium (headless) against a real daphne server.

One server serves the whole package (``tests/liveserver.py``): its own SQLite file, the debug API
open (``DJANGO_DEBUG=1``), seeds allowed, every game delay at 2 % of the real one (display pauses
of 0.1–0.14 s, bots moving in 10–30 ms, a redeal window of 0.6 s) so that a game goes fast but a
person can still click, and no idle timeout (``LIAPTUI_IDLE_SECONDS=0``): the game waits for the
page as long as the test needs.

Without /usr/bin/chromium the tests are skipped with the reason, except under ``CI=true`` where
that is a failure. Playwright's own browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from tests.ci import in_ci
from tests.liveserver import ROOT, Server, Servers

from .table import DESKTOP

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVER_ENV = {
    "DJANGO_DEBUG": "1",
    "LIAPTUI_TIME_SCALE": "0.02",
    "LIAPTUI_IDLE_SECONDS": "0",
    "LIAPTUI_ALLOW_SEED": "1",
}
#: Playwright's wait for any single element or condition (a whole game has its own limit).
ACTION_TIMEOUT_MS = 10_000
SCREENSHOTS = ROOT / "docs" / "screenshots"


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install chromium fonts-thai-tlwg fonts-wqy-zenhei)"
    if in_ci():
        pytest.fail(f"{reason} (under CI a missing browser is a failure)", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="package")
def e2e_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    _require_chromium()
    group = Servers(tmp_path_factory.mktemp("e2e"), env=SERVER_ENV)
    try:
        yield group
    finally:
        group.stop_all()


@pytest.fixture(scope="package")
def e2e_server(e2e_servers: Servers) -> Server:
    return e2e_servers.start()


# Fixture names differ from pytest-playwright's (a developer may have that plugin installed; this
# suite does not use it).
@pytest.fixture(scope="package")
def pw_driver() -> Iterator[Playwright]:
    _require_chromium()
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def chromium(pw_driver: Playwright) -> Iterator[Browser]:
    browser = pw_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed  # type: ignore[attr-defined]
    return report


@pytest.fixture
def open_context(
    request: pytest.FixtureRequest, chromium: Browser, e2e_server: Server, tmp_path: Path
) -> Iterator[Callable[..., BrowserContext]]:
    """Opens browser contexts (one person each: own cookies, so own session and seat) on the
    live server (or the ``base_url`` given) at a desktop size; all are closed when the test
    ends. When the test failed, every open page is saved as a picture in the test's tmp_path
    and the server's log is shown."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("base_url", e2e_server.base)
        context = chromium.new_context(**options)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        return context

    try:
        yield make
    finally:
        if getattr(request.node, "e2e_failed", False):
            for i, page in enumerate(p for c in contexts for p in c.pages):
                try:
                    page.screenshot(path=tmp_path / f"failed-{i}.png", full_page=True)
                except Exception as error:  # a picture is only a help
                    print(f"no picture of {page.url}: {error}")
            print(f"pages at the failure: {tmp_path}/failed-*.png")
            print(f"server log (tail):\n{e2e_server.output()}")
        for context in contexts:
            context.close()


@pytest.fixture(scope="package")
def screenshots() -> Path:
    """docs/screenshots/, rewritten by the tests that take the README's pictures."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
