"""The runtime is fetched on intent, never speculatively (qmas-runtime.js): a visitor on another
page who points at, focuses or touches a link to a calculator page starts the download; one who
never does downloads no Python; navigator.connection.saveData turns it off."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.calculator_driver import READY_TIMEOUT  # noqa: E402
from tests.browser.conftest import BASE_PATH, ROOT  # noqa: E402
from tools import serve  # noqa: E402

RUNTIME = re.compile(r"/assets/(javascripts/qmas-worker\.js|py/|pyodide/)")
WASM = ("pyodide.asm.wasm", "pyodide.asm.wasm.gz")  # the plain file or the build's gzipped copy
WASM_REQUEST = re.compile(r"/assets/pyodide/.*pyodide\.asm\.wasm(\.gz)?$")
SAVE_DATA = """Object.defineProperty(Navigator.prototype, "connection", {
  configurable: true, get: () => ({ saveData: true, effectiveType: "4g", addEventListener() {} }) });"""
# Long enough for a hover to count (qmas-runtime.js waits 100 ms) and a worker to ask for files.
SETTLE_MS = 1500


def runtime_requests(page_log) -> list[str]:
    return [url for url in page_log.requests if RUNTIME.search(url)]


def calculator_link(page):
    return page.locator("article a[href$='calculator/']:not([href*='link-to'])").first


def visit_without_intent(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    # Moving over and scrolling past every other link of the page.
    links = page.locator("article a[href]:not([href$='calculator/'])")
    for i in range(min(links.count(), 15)):
        link = links.nth(i)
        if link.is_visible():
            link.hover()
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(SETTLE_MS)


@pytest.mark.parametrize("path", ["", "eligibility/", "zh-Hant/", "zh-Hans/general-points-test/"])
def test_no_python_on_a_visit_that_never_moves_toward_the_calculator(page, page_log, served_site, path):
    visit_without_intent(page, served_site + path)
    assert runtime_requests(page_log) == []


@pytest.mark.parametrize("path", ["", "zh-Hant/"])
def test_pointing_at_a_calculator_link_starts_the_download(page, page_log, served_site, path):
    visit_without_intent(page, served_site + path)
    assert runtime_requests(page_log) == []
    with page.expect_request(WASM_REQUEST, timeout=READY_TIMEOUT):
        calculator_link(page).hover()


def test_focusing_a_calculator_link_with_the_keyboard_starts_the_download(page, page_log, served_site):
    page.goto(served_site)
    page.wait_for_load_state("load")
    is_calculator = "() => { const a = document.activeElement; return a instanceof HTMLAnchorElement && /\\/calculator\\/$/.test(a.href); }"
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate(is_calculator):
            break
        assert runtime_requests(page_log) == [], page.evaluate("document.activeElement.outerHTML")
    assert page.evaluate(is_calculator), "no calculator link reached with Tab"
    for _ in range(300):
        if any(url.endswith(WASM) for url in page_log.requests):
            break
        page.wait_for_timeout(100)
    assert any(url.endswith(WASM) for url in page_log.requests), runtime_requests(page_log)


def test_touching_a_calculator_link_starts_the_download(browser, served_site):
    context = browser.new_context(has_touch=True, is_mobile=True, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        wasm = []
        page.on("request", lambda request: request.url.endswith(WASM) and wasm.append(request.url))
        page.goto(served_site)
        page.wait_for_load_state("load")
        page.wait_for_timeout(SETTLE_MS)
        assert wasm == []
        calculator_link(page).dispatch_event("touchstart")
        for _ in range(300):
            if wasm:
                break
            page.wait_for_timeout(100)
        assert wasm
    finally:
        context.close()


def test_save_data_turns_intent_off_but_not_the_calculator(page, page_log, served_site):
    page.add_init_script(SAVE_DATA)
    page.goto(served_site)
    page.wait_for_load_state("load")
    link = calculator_link(page)
    link.hover()
    link.focus()
    link.dispatch_event("touchstart")
    page.wait_for_timeout(SETTLE_MS)
    assert runtime_requests(page_log) == []
    link.click()  # the calculator page itself still loads it
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)


@pytest.fixture(scope="module")
def deployed_site(tmp_path_factory):
    """Built with a site URL, as deployed: only then does Material navigate instantly (it reads
    the sitemap), the navigation the started worker survives."""
    pytest.importorskip("mkdocs", reason="mkdocs is not installed")
    site = tmp_path_factory.mktemp("deployed") / "site"
    site.mkdir()
    with serve.start(site, base=BASE_PATH, port=0) as server:
        env = {**os.environ, "QMAS_SITE_URL": server.url, "NO_MKDOCS_2_WARNING": "1"}
        result = subprocess.run([sys.executable, "-m", "site_scripts.build", "--site-dir", str(site)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
        yield server.url


def test_hover_then_click_scores_with_the_worker_already_started(page, page_log, deployed_site):
    page.goto(deployed_site)
    page.wait_for_load_state("load")
    link = calculator_link(page)
    with page.expect_request(WASM_REQUEST, timeout=READY_TIMEOUT):
        link.hover()
    page.wait_for_timeout(300)
    started = page.evaluate("import(new URL('assets/javascripts/qmas-runtime.js', __md_scope)).then((m) => m.state.startedAt)")
    assert started is not None
    link.click()
    page.wait_for_url(re.compile(r"/calculator/"))
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    # Instant navigation: the same worker, the files fetched once.
    assert page.evaluate("import(new URL('assets/javascripts/qmas-runtime.js', __md_scope)).then((m) => m.state.startedAt)") == started
    assert len([url for url in page_log.requests if url.endswith("/qmas-worker.js")]) == 1
    assert len([url for url in page_log.requests if url.endswith(WASM)]) == 1
