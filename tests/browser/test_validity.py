"""The site as deployed: valid HTML, links and anchors that resolve, a sitemap of every page,
and Material's instant navigation working under the Content-Security-Policy.

One build, as it should be deployed: with ``QMAS_SITE_URL`` set, here to the address of a
local server that then serves it under /qmas/. Without a site URL MkDocs writes an empty
sitemap (the sitemap protocol needs absolute URLs, so relative ones would only make it
invalid), Material's instant navigation stays off (it reads the sitemap), and the error page
(404.html, served at any depth) links its assets from the server root, which breaks under a
sub-path such as /qmas/: the deploy must set it.

* The Nu Html Checker (vnu.jar from the npm package ``vnu-jar``, a devDependency; needs Java
  17+) checks every HTML document of the build: no error and no warning. The few messages
  filtered out are listed in FALSE_POSITIVES, each with its reason.
* Every ``href`` and ``src`` that stays on the site (relative, or under the site URL) points at
  a file of the build, and every ``#anchor`` at an element with that id; the search indexes'
  locations and the sitemap's alternates too. Deep links into the calculator
  (``calculator/#edition=…&age=…``) carry answers, not anchors: their keys must be the
  calculator's.
* The sitemap lists every page of the build, in every language, and nothing else.
* Served at its URL, Material navigates without reloading the page (instant navigation
  re-inserts each page's inline scripts: the policy's hashes must cover all of them), with no
  CSP violation, and the calculator works after it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

import qmas_core
from tools import serve
from tests.browser.site_pages import CSP_CONSOLE_WORDS, CSP_RECORDER, csp_violations, html_files, page_paths, wait_for_result

ROOT = Path(__file__).resolve().parents[2]
BASE_PATH = "/qmas/"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ANSWER_KEYS = {q["key"] for q in qmas_core.questions("en")} | {"edition", "lang"}

# Messages of the checker that are not errors in our pages, each with the reason.
FALSE_POSITIVES = [
    # Material's own drawer and search toggles (<input class="md-toggle" type="checkbox"
    # autocomplete="off">, in base.html outside any block) carry autocomplete="off" on purpose:
    # Firefox would otherwise restore a checked toggle on back/forward navigation and reopen
    # the drawer or the search. The attribute does nothing else on a checkbox.
    (re.compile(r"^Attribute “autocomplete” is only allowed when the input type is"),
     re.compile(r'class="md-toggle"')),
    # The checker counts <script type="application/json"> (Material's __config, the
    # calculator's strings) as inline script under the CSP; a data block never runs.
    (re.compile(r"^Inline script violates Content Security Policy"), re.compile(r'type="application/json"')),
    # Checked from disk, a page's origin is file:, which 'self' never matches; served, these
    # same-site URLs (relative or under /qmas/) are 'self'. The browser tests check the policy.
    (re.compile(r"^Resource violates Content Security Policy \(meta tag\): external \w+ “(?![a-z]+:|//)[^”]*” "
                r"blocked by “(script|style)-src” directive"), None),
]


def java() -> str | None:
    return shutil.which("java")


def missing(message: str):
    if os.environ.get("QMAS_REQUIRE_SITE"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Deployed:
    site: Path
    url: str  # the site URL it was built with, where it is served


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The site built as for deployment, with a site URL: the local server's, which serves it."""
    pytest.importorskip("mkdocs", reason="mkdocs is not installed")
    site = tmp_path_factory.mktemp("deployed") / "site"
    site.mkdir()
    with serve.start(site, base=BASE_PATH, port=0) as server:  # serves the folder once it is built
        env = {**os.environ, "QMAS_SITE_URL": server.url, "NO_MKDOCS_2_WARNING": "1"}
        result = subprocess.run([sys.executable, "-m", "site_scripts.build", "--site-dir", str(site)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
        yield Deployed(site, server.url)


# --------------------------------------------------------------------------- the validator


def false_positive(message: dict) -> bool:
    for text, extract in FALSE_POSITIVES:
        if text.search(message.get("message", "")) and (extract is None or extract.search(message.get("extract", ""))):
            return True
    return False


def test_every_page_is_valid_html(deployed):
    site = deployed.site
    if not VNU_JAR.is_file():
        missing(f"no {VNU_JAR.relative_to(ROOT)}: run `npm ci` (package.json devDependency vnu-jar)")
    if not java():
        missing("no Java: the Nu Html Checker needs Java 17+ (apt-get install default-jre-headless)")
    documents = html_files(site)
    result = subprocess.run([java(), "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
                             *map(str, documents)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    # Errors and warnings count; plain information ("info" without subType) does not.
    counted = [m for m in messages if m["type"] != "info" or m.get("subType") == "warning"]
    real = [m for m in counted if not false_positive(m)]
    shown = [f"{urlsplit(m.get('url', '')).path.removeprefix(str(site))}:{m.get('lastLine')}: "
             f"{m['type']}/{m.get('subType', '')}: {m['message']} [{m.get('extract', '').strip()[:120]}]" for m in real]
    assert shown == [], f"{len(real)} of {len(counted)} messages are not known false positives"
    assert len(documents) >= len(page_paths(site)) + 1  # every page and 404.html were checked


# --------------------------------------------------------------------------- links and anchors


class Links(HTMLParser):
    """The ids, and the URLs in href and src, of one document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key) is not None:
                self.urls.append((tag, attrs[key]))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text("utf-8"))
    return links


def page_url(deployed: Deployed, document: Path) -> str:
    relative = document.relative_to(deployed.site).as_posix()
    return urljoin(deployed.url, relative.removesuffix("index.html"))


def origin(url: str) -> str:
    return "{0.scheme}://{0.netloc}".format(urlsplit(url))


def local_target(deployed: Deployed, url: str) -> tuple[Path, str] | None:
    """The file an absolute URL of the site names, and its fragment; None if it is not ours."""
    site, parts = deployed.site, urlsplit(url)
    if origin(url) != origin(deployed.url):
        return None
    path = unquote(parts.path)
    if not path.startswith(BASE_PATH):
        return site / "__outside_the_site__", parts.fragment
    target = site / path[len(BASE_PATH):]
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


class Checker:
    def __init__(self, deployed: Deployed):
        self.deployed, self.site = deployed, deployed.site
        self.ids: dict[Path, set[str]] = {}
        self.broken: list[str] = []
        self.checked = {"links": 0, "anchors": 0, "deep links": 0, "external": 0}

    def ids_of(self, target: Path) -> set[str]:
        if target not in self.ids:
            self.ids[target] = parse(target).ids if target.suffix == ".html" else set()
        return self.ids[target]

    def check(self, where: str, base: str, url: str) -> None:
        if urlsplit(url).scheme in ("mailto", "tel", "data"):
            return
        absolute = urljoin(base, url)
        found = local_target(self.deployed, absolute)
        if found is None:
            self.checked["external"] += 1
            return
        target, fragment = found
        self.checked["links"] += 1
        if not target.is_file():
            self.broken.append(f"{where}: {url} -> no {target.relative_to(self.site) if self.site in target.parents else target}")
            return
        if not fragment:
            return
        if "=" in fragment:  # the calculator's answers, not an anchor
            self.checked["deep links"] += 1
            keys = {unquote(part.split("=", 1)[0]) for part in fragment.split("&") if part}
            if not keys <= ANSWER_KEYS or "qmas-calculator" not in self.ids_of(target):
                self.broken.append(f"{where}: {url} -> not a calculator link ({sorted(keys - ANSWER_KEYS)})")
            return
        self.checked["anchors"] += 1
        if unquote(fragment) not in self.ids_of(target):
            self.broken.append(f"{where}: {url} -> no id {fragment!r} in {target.relative_to(self.site)}")


def test_internal_links_and_anchors_resolve(deployed):
    site, checker = deployed.site, Checker(deployed)
    for document in html_files(site):
        where = document.relative_to(site).as_posix()
        base = page_url(deployed, document)
        for tag, url in parse(document).urls:
            if url in ("", "#"):
                continue
            checker.check(where, base, url)
    # Material's search results link to the locations in each language's search index.
    indexes = sorted(site.rglob("search_index.json"))
    assert indexes
    for index in indexes:
        base = page_url(deployed, index.parent.parent / "index.html")
        for doc in json.loads(index.read_text("utf-8"))["docs"]:
            checker.check(index.relative_to(site).as_posix(), base, doc["location"] or "./")
    assert checker.broken == []
    assert checker.checked["links"] > 100 and checker.checked["anchors"] > 50, checker.checked


# --------------------------------------------------------------------------- the sitemap


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_urls(path: Path) -> tuple[list[str], list[str]]:
    tree = ET.parse(path)
    locs = [loc.text.strip() for loc in tree.iterfind("s:url/s:loc", NS)]
    alternates = [link.get("href") for link in tree.iterfind("s:url/x:link", NS)]
    return locs, alternates


def test_sitemap_lists_every_page(deployed):
    locs, alternates = sitemap_urls(deployed.site / "sitemap.xml")
    assert len(locs) == len(set(locs)), "a page is listed twice"
    assert all(loc.startswith(deployed.url) for loc in locs), "the sitemap's URLs are absolute, under the site URL"
    listed = {loc[len(deployed.url):] for loc in locs}
    assert listed == set(page_paths(deployed.site))
    checker = Checker(deployed)
    for url in locs + alternates:
        checker.check("sitemap.xml", deployed.url, url)
    assert checker.broken == []


# --------------------------------------------------------------------------- instant navigation


def test_instant_navigation_works_under_the_policy(browser, deployed):
    from playwright.sync_api import expect

    from tests.browser.calculator_driver import READY_TIMEOUT, fill_answers, shown_result

    context = browser.new_context()
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    documents, console, errors = [], [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: r.resource_type == "document" and documents.append(r.url))
    page.on("console", lambda m: any(w in m.text for w in CSP_CONSOLE_WORDS) and console.append(m.text))
    try:
        page.goto(deployed.url)
        visited = []
        for name in ("eligibility/", "talent-list/", "calculator/", "sources/", "calculator/"):
            link = page.locator(f".md-nav--primary a.md-nav__link[href$='{name}']").first
            link.click()
            # The calculator writes its answers into the fragment once its worker exists.
            expect(page).to_have_url(re.compile(re.escape(deployed.url + name) + "(#.*)?$"))
            visited.append(name)
        assert documents == [deployed.url], f"pages were reloaded, not navigated instantly: {documents}"
        wait_for_result(page, errors, READY_TIMEOUT)
        fill_answers(page, "criteria-2024", {"age": 30, "work_years": 6})
        assert shown_result(page)["total"] == 2
        assert csp_violations(page) == [] and console == []
    finally:
        context.close()
