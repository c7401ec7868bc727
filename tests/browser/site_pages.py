"""The pages of a built site, and what the trust tests record while walking them.

``page_paths(site_dir)`` lists every HTML page the build wrote, as paths under the site's
base ("" for the home page, "calculator/", "zh-Hant/calculator/" …): read from the folder,
so a page added later (a translation, a new guide) is walked without touching the tests.

``CSP_RECORDER`` is an init script (``context.add_init_script``) that keeps every
``securitypolicyviolation`` event of a document on ``window.__qmasCsp``. Init scripts are
injected by the browser's DevTools protocol, so the page's own CSP does not block them;
``page.evaluate`` (a function, not a string for ``wait_for_function``) reads them back.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

# Folders of the build that hold no page a visitor reads.
NOT_PAGES = ("assets/", "search/", "stylesheets/", "__tests__/")
# Console messages Chromium prints for a blocked resource or script.
CSP_CONSOLE_WORDS = ("Content Security Policy", "Content-Security-Policy")

CSP_RECORDER = """
(() => {
  window.__qmasCsp = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__qmasCsp.push({
      directive: event.effectiveDirective || event.violatedDirective,
      blocked: event.blockedURI,
      source: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
    });
  }, true);
})();
"""


def page_paths(site_dir: Path) -> list[str]:
    """Every ``index.html`` page of the build, as a URL path relative to the site's base."""
    paths = []
    for index in sorted(site_dir.rglob("index.html")):
        relative = index.parent.relative_to(site_dir).as_posix()
        path = "" if relative == "." else relative + "/"
        if not path.startswith(NOT_PAGES):
            paths.append(path)
    return paths


def html_files(site_dir: Path) -> list[Path]:
    """Every HTML document of the build: the pages and the error page (404.html)."""
    pages = [site_dir / p / "index.html" for p in page_paths(site_dir)]
    return pages + sorted(p for p in site_dir.glob("*.html") if p.name != "index.html")


def origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def is_foreign(url: str, base_url: str) -> bool:
    """A request to any origin but the site's own (data: and blob: stay in the page)."""
    if urlsplit(url).scheme in ("data", "blob", "about"):
        return False
    return origin(url) != origin(base_url)


def csp_violations(page) -> list[dict]:
    """What ``CSP_RECORDER`` saw in the page's current document."""
    return page.evaluate("() => window.__qmasCsp || []")


def wait_for_result(page, errors: list, timeout_ms: float) -> None:
    """Wait for the calculator's result, but stop at once on a script error or a CSP refusal:
    then no result will come (instead of waiting out the whole timeout)."""
    total = page.get_by_test_id("total")
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if errors or total.is_visible():
            break
        if csp_violations(page):
            break
        page.wait_for_timeout(100)
    assert errors == [], f"the page broke: {errors}"
    assert csp_violations(page) == [], "the policy refused something"
    assert total.is_visible(), "no result"
