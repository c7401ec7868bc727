"""A host that sends headers (Cloudflare Pages, Netlify) reads the build's `_headers` file: the
pages' Content-Security-Policy as a header, which also governs the Web Worker (a <meta> policy
cannot), and versioned runtime files cached as immutable. Served here by tools.serve the way
those hosts read the file."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import qmas_core
from site_scripts import csp
from tools import serve
from tests.browser.conftest import BASE_PATH

ANSWERS = "age=31&qualification=master&good_languages=chinese,english&work_years=6"
# A cross-origin request the worker makes itself: allowed without the header, refused with it.
FOREIGN_FETCH = """url => fetch(url, {mode: "no-cors"}).then(() => "fetched", e => "refused: " + e.message)"""


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    """Another origin (another port) with one file."""
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "x.txt").write_text("x")
    with serve.start(folder, base="/") as server:
        yield server.url + "x.txt"


def score_from_a_link(page, base_url: str):
    """Open the calculator from a deep link; the worker that answered, once the score shows."""
    page.goto(f"{base_url}calculator/#edition=criteria-2024&{ANSWERS}")
    total = page.locator("[data-testid=total]")
    expect(total).to_be_visible(timeout=120_000)
    expected = qmas_core.assess({"age": 31, "qualification": "master", "good_languages": ["chinese", "english"],
                                 "work_years": 6}, "criteria-2024")["total"]
    expect(total).to_have_attribute("data-total", str(expected))
    return next(w for w in page.workers if w.url.endswith("qmas-worker.js"))


def test_the_headers_file_carries_the_pages_policy_and_caches_versioned_files(site_dir):
    rules = dict(serve.read_headers_file(site_dir / csp.HEADERS_FILE))
    page_policy = csp.META.search((site_dir / "calculator" / "index.html").read_text("utf-8"))["policy"]
    assert dict(rules["/*"])["Content-Security-Policy"] == page_policy
    for pattern in csp.IMMUTABLE:
        assert dict(rules[pattern])["Cache-Control"] == "public, max-age=31536000, immutable"
    assert any(p.name.startswith("qmas-py-") for p in (site_dir / "assets" / "py").iterdir())


def test_the_calculator_works_and_its_worker_is_under_the_policy(browser, site_dir, elsewhere):
    with serve.start(site_dir, base=BASE_PATH, headers=True) as server:
        context = browser.new_context()
        page = context.new_page()
        responses = {}
        page.on("response", lambda r: responses.setdefault(r.url.rsplit("/", 1)[-1], r.all_headers()))
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        worker = score_from_a_link(page, server.url)
        assert "default-src 'self'" in responses["qmas-worker.js"]["content-security-policy"]
        assert responses["pyodide.asm.wasm.gz"]["cache-control"].endswith("immutable")
        assert worker.evaluate(FOREIGN_FETCH, elsewhere).startswith("refused")
        assert not errors
        context.close()


def test_without_the_header_the_same_worker_request_goes_through(browser, site_dir, elsewhere):
    """The control: on a host without headers (GitHub Pages) the worker has no policy."""
    with serve.start(site_dir, base=BASE_PATH) as server:
        context = browser.new_context()
        page = context.new_page()
        worker = score_from_a_link(page, server.url)
        assert worker.evaluate(FOREIGN_FETCH, elsewhere) == "fetched"
        context.close()
