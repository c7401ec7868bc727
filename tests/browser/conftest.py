"""Browser fixtures for tests of the built site.

These fixtures build nothing: they serve an already built site, the folder in
$QMAS_SITE_DIR or else site/, at http://127.0.0.1:<free port>/qmas/, with this
folder's fixtures/ (test pages) mounted at /qmas/__tests__/.

    browser      session-wide headless Chromium (Debian's when present, else
                 Playwright's own; see tools/browser.py)
    page         a fresh browser context and page per test; what it saw is in
                 the ``page_log`` fixture
    page_log     console errors, page errors, failed requests, every request URL
    site_dir     the built site folder (skips the test if there is none)
    served_site  the base URL of the running server, ending in /qmas/
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import browser as browser_setup  # noqa: E402
from tools import serve  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE_PATH = "/qmas/"
FIXTURES_PATH = BASE_PATH + "__tests__/"


@dataclass
class PageLog:
    """What a page (and its workers) did, for assertions after the fact."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests to any origin but the one serving ``base_url``."""
        own = urlsplit(base_url)
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
                foreign.append(url)
        return foreign

    def problems(self) -> list[str]:
        """Console errors, uncaught page errors and failed requests, in one list."""
        return (
            [f"console: {m}" for m in self.console_errors]
            + [f"pageerror: {m}" for m in self.page_errors]
            + [f"request: {m}" for m in self.failed_requests]
        )


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        options = browser_setup.launch_options()
        try:
            chromium = playwright.chromium.launch(**options)
        except sync_api.Error as e:
            pytest.fail(
                f"cannot start Chromium ({options.get('executable_path', 'Playwright bundled')}): "
                f"{e}\nInstall Debian's (apt-get install chromium) or Playwright's "
                "(python -m playwright install chromium), or set QMAS_CHROMIUM."
            )
        yield chromium
        chromium.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log):
    context = browser.new_context()
    page = context.new_page()
    # Page events include the page's dedicated workers (their console and fetches).
    page.on("request", lambda request: page_log.requests.append(request.url))
    page.on(
        "console",
        lambda message: message.type == "error"
        and page_log.console_errors.append(f"{message.text} ({message.location.get('url', '')})"),
    )
    page.on("pageerror", lambda error: page_log.page_errors.append(str(error)))
    page.on(
        "requestfailed",
        lambda request: page_log.failed_requests.append(f"{request.url}: {request.failure}"),
    )
    page.on(
        "response",
        lambda response: response.status >= 400
        and page_log.failed_requests.append(f"{response.url}: HTTP {response.status}"),
    )
    yield page
    context.close()


@pytest.fixture(scope="session")
def site_dir() -> Path:
    folder = Path(os.environ.get("QMAS_SITE_DIR") or ROOT / "site").resolve()
    if not folder.is_dir():
        message = f"no built site at {folder}: build it first (make build), or set QMAS_SITE_DIR"
        if os.environ.get("QMAS_REQUIRE_SITE"):  # `make test` sets it: a missing build is a failure
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def served_site(site_dir) -> str:
    with serve.start(site_dir, base=BASE_PATH, port=0, mounts={FIXTURES_PATH: FIXTURES}) as server:
        yield server.url
