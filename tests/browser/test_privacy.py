"""Privacy and the Content-Security-Policy, seen from the browser: one walk through every page.

One browser context visits every page of the built site (read from the build folder, so new
pages are walked too) and uses it as a visitor would: the search, the Talent List filter, the
calculator with a result and with an error, the colour-scheme toggle. Every request the pages
and their workers make is recorded on the context (``context.on("request")`` sees pages,
dedicated workers and service workers; Chromium's own background traffic is not a page's and
never reaches these events). Then:

* no request leaves the site's origin (no CDN, font service, analytics or beacon);
* no cookie: ``document.cookie`` is empty on every page and the context holds none;
* what a visitor types (a distinctive income, the search words) is in no request's URL or body;
* no request carries a Referer (``<meta name="referrer" content="no-referrer">``);
* no page reports a CSP violation, as an event (``securitypolicyviolation``, recorded by an init
  script) or in the console, and the calculator works under the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, shown_result
from tests.browser.site_pages import CSP_CONSOLE_WORDS, CSP_RECORDER, csp_violations, is_foreign, page_paths

MARKER_INCOME = 7654321  # typed into the calculator; must appear in no request
SEARCH_QUERY = "income"  # a word of the pages, in no file's name


@dataclass
class Walk:
    pages: list[str] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    cookies: dict[str, str] = field(default_factory=dict)  # page -> document.cookie
    context_cookies: list = field(default_factory=list)
    csp: dict[str, list] = field(default_factory=dict)  # page -> violations
    csp_console: list[str] = field(default_factory=list)
    done: set[str] = field(default_factory=set)  # what the walk did, for the tests to check

    def record(self, request) -> None:
        try:
            body = request.post_data or ""
        except Exception:  # a binary body is not text; it is still not the marker
            body = ""
        self.requests.append({"url": request.url, "method": request.method, "type": request.resource_type,
                              "body": body, "referer": request.headers.get("referer")})


def use_search(page) -> None:
    """Open the search, type a query, wait for results and follow the first one."""
    query = page.locator("input.md-search__input")
    query.click()  # in the header on a desktop-wide window
    expect(query).to_be_focused()
    query.press_sequentially(SEARCH_QUERY, delay=20)  # typed: Material may miss a first fill()
    first = page.locator(".md-search-result__item a").first
    expect(first).to_be_visible(timeout=15_000)
    with page.expect_navigation():
        first.click()


def use_talent_filter(page) -> None:
    box = page.locator("[data-qmas-talent-filter]:visible").first
    select = box.locator("[data-qmas-segment]")
    select.select_option(index=1)
    box.locator("[data-qmas-query]").fill("engineer")
    box.locator("[data-qmas-query]").press("Enter")  # the form never submits (form-action 'none')
    expect(box.locator("[data-qmas-status]")).to_contain_text("Showing")


def use_calculator(page) -> None:
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    fill_answers(page, "criteria-2024", {"age": 30, "work_years": 6, "annual_income_hkd": MARKER_INCOME})
    result = shown_result(page)
    assert result["factors"], result  # a result under the CSP
    page.locator("#q-age").press("Enter")
    fill_answers(page, "criteria-2024", {"age": 30, "work_years": 3, "international_years": 5})
    expect(page.get_by_test_id("errors")).to_be_visible(timeout=READY_TIMEOUT)


def toggle_palette(page) -> None:
    body = page.locator("body")
    before = body.get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    expect(body).not_to_have_attribute("data-md-color-scheme", before)


@pytest.fixture(scope="module")
def walk(browser, served_site, site_dir):
    context = browser.new_context()
    context.add_init_script(CSP_RECORDER)
    seen = Walk()
    context.on("request", seen.record)
    page = context.new_page()
    page.on("console", lambda m: any(w in m.text for w in CSP_CONSOLE_WORDS)
            and seen.csp_console.append(f"{m.text} ({m.location.get('url', '')})"))

    def note(path: str) -> None:
        seen.cookies[path] = page.evaluate("() => document.cookie")
        seen.csp.setdefault(path, []).extend(csp_violations(page))

    for path in page_paths(site_dir):
        page.goto(served_site + path)
        seen.pages.append(path)
        # Each tool is used once, on the first page that has it (the other languages' and the
        # embed page's copies run the same scripts; visiting them still starts their worker).
        if "talent filter" not in seen.done and page.locator("[data-qmas-talent-filter]").count():
            use_talent_filter(page)
            seen.done.add("talent filter")
        if "calculator" not in seen.done and page.locator("#qmas-calculator").count():
            use_calculator(page)
            seen.done.add("calculator")
        if path == "":
            toggle_palette(page)
            seen.done.add("palette")
            note(path)
            use_search(page)  # ends on another page
            seen.done.add("search")
            note("(search result) " + page.url.removeprefix(served_site))
            continue
        note(path)
    seen.context_cookies = context.cookies()
    yield seen
    context.close()


def test_walk_covered_the_site(walk, site_dir):
    assert walk.pages == page_paths(site_dir)
    assert {"", "calculator/", "talent-list/"} <= set(walk.pages)
    assert walk.done == {"talent filter", "calculator", "palette", "search"}
    # The pages' workers were seen too: the calculator's Pyodide files and the search index.
    paths = [urlsplit(r["url"]).path for r in walk.requests]
    assert any(p.endswith((".wasm", ".wasm.gz")) for p in paths), "the calculator worker's requests were not recorded"
    assert any(p.endswith("search_index.json") for p in paths)


def test_no_request_leaves_the_site(walk, served_site):
    foreign = sorted({r["url"] for r in walk.requests if is_foreign(r["url"], served_site)})
    assert foreign == [], f"{len(foreign)} third-party requests out of {len(walk.requests)}"


def test_no_cookies(walk):
    assert {page: cookie for page, cookie in walk.cookies.items() if cookie} == {}
    assert walk.context_cookies == []


def test_what_is_typed_is_never_sent(walk):
    marker = str(MARKER_INCOME)
    leaked = [r for r in walk.requests if marker in r["url"] or marker in r["body"]]
    assert leaked == []
    assert {r["method"] for r in walk.requests} <= {"GET", "HEAD"}  # a static site: nothing is posted


def test_search_words_are_never_sent(walk):
    """Material's search.highlight put the words in the result's address (?h=income)."""
    assert "search" in walk.done
    leaked = [r["url"] for r in walk.requests if SEARCH_QUERY in r["url"].lower() or SEARCH_QUERY in r["body"].lower()]
    assert leaked == []


def test_no_referer_is_sent_by_the_pages(walk):
    # The pages follow their no-referrer policy. A worker fetches under its own (default)
    # policy, so the Pyodide files it loads name the worker script as referrer: same origin
    # only (checked above), and the fragment with the answers is never part of a referrer.
    from_pages = [r for r in walk.requests if r["referer"] and not r["referer"].endswith((".js", ".mjs"))]
    assert from_pages == []
    assert not [r for r in walk.requests if r["referer"] and "#" in r["referer"]]


def test_no_csp_violation_on_any_page(walk):
    assert {page: v for page, v in walk.csp.items() if v} == {}
    assert walk.csp_console == []
