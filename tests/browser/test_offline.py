"""The site offline after one visit, and installable.

On a copy of the built site served under a sub-path with "no-cache" (every request reaches the
server, as after GitHub Pages' ten minutes):

* one visit to a calculator deep link scores; the service worker (scope: the site root) is
  active and has kept the runtime; a second page is visited;
* with the network off, a new page opens the deep link and scores the same total; the page
  visited before opens; the offline note is shown (a polite live region) and goes when back
  online;
* a new build (a shell file changed) installs a new sw.js whose caches replace the old ones;
* Chromium finds nothing that stops installing the site (CDP Page.getInstallabilityErrors).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import qmas_core

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from playwright.sync_api import expect  # noqa: E402

from site_scripts import wheel  # noqa: E402
from tools import serve  # noqa: E402

from tests.browser.calculator_driver import READY_TIMEOUT  # noqa: E402
from tests.browser.conftest import BASE_PATH  # noqa: E402
from tools import browser as browser_setup  # noqa: E402

ANSWERS = {"age": 30, "qualification": "master", "work_years": 6}
LINK = "calculator/#edition=criteria-2024&age=30&qualification=master&work_years=6"
EXPECTED_TOTAL = str(qmas_core.assess(ANSWERS, "criteria-2024")["total"])
OTHER_PAGE = "zh-Hant/eligibility/"
NOTE = ".qmas-offline[role=status]"

# The runtime module's promise of what was done for the next visit ({serviceWorker, snapshot}).
EXTRAS_JS = """async () => (await import(new URL("qmas-runtime.js",
  new URL("assets/javascripts/calculator.js", __md_scope)))).state.extras"""
CACHES_JS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search);
  }
  return out;
}"""


def sw_config(site: Path) -> dict:
    """The CONFIG the build wrote into sw.js."""
    text = (site / "sw.js").read_text("utf-8")
    return json.loads(text.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])


def offline_text(lang: str) -> str:
    from site_scripts.tables import site_strings

    return site_strings(lang)["offline_note"]


@pytest.fixture
def site_copy(site_dir: Path, tmp_path: Path) -> Path:
    if not (site_dir / "sw.js").is_file() or not (site_dir / "manifest.webmanifest").is_file():
        pytest.skip("the built site has no sw.js or no web app manifest")
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    return copy


def note_problems(page) -> list[str]:
    """axe's violations with the note shown, page-level scroll at 360 px, the note on paper."""
    from tests.browser.test_a11y import Axe

    problems = [f"axe: {v['id']}" for v in Axe().run(page)]
    page.set_viewport_size({"width": 360, "height": 700})
    if page.evaluate("document.documentElement.scrollWidth") > 360:
        problems.append("wider than 360 px")
    page.emulate_media(media="print")
    if page.locator(NOTE).is_visible():
        problems.append("printed")
    page.emulate_media(media="screen")
    return problems


def score(page, url: str) -> str:
    page.goto(url)
    total = page.get_by_test_id("total")
    expect(total).to_have_attribute("data-total", EXPECTED_TOTAL, timeout=READY_TIMEOUT)
    return total.get_attribute("data-total")


def test_the_calculator_and_visited_pages_work_offline_after_one_visit(browser, site_copy: Path):
    context = browser.new_context()
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(f"{error.page.url if error.page else None}: {error.error}"))
    with serve.start(site_copy, base=BASE_PATH, cache_control="no-cache") as server:
        page = context.new_page()
        online_total = score(page, server.url + LINK)
        extras = page.evaluate(EXTRAS_JS)
        assert extras["serviceWorker"] is True, extras
        scope = page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r && r.scope)")
        assert scope == server.url  # the site root, under the sub-path
        expect(page.locator(NOTE)).to_be_empty()
        page.goto(server.url + OTHER_PAGE)  # controlled now: kept as visited
        expect(page.locator("h1")).to_be_visible()
        other_heading = page.locator("h1").inner_text()
        page.close()

        context.set_offline(True)
        page = context.new_page()
        assert score(page, server.url + LINK) == online_total
        note = page.locator(NOTE)
        expect(note).to_have_text(offline_text("en"))
        expect(note).to_be_visible()
        page.goto(server.url + OTHER_PAGE)
        expect(page.locator("h1")).to_have_text(other_heading)
        expect(page.locator(NOTE)).to_have_text(offline_text("zh-Hant"))
        assert note_problems(page) == []
        # A page never visited is not there (no fake copy of another page).
        with pytest.raises(Exception):
            page.goto(server.url + "zh-Hans/sources/")
        page.close()

        # Back online: the note goes.
        page = context.new_page()
        page.goto(server.url + OTHER_PAGE)
        expect(page.locator(NOTE)).to_have_text(offline_text("zh-Hant"))
        context.set_offline(False)
        expect(page.locator(NOTE)).to_be_empty()
        page.close()
    context.close()
    assert errors == []


def test_a_new_build_replaces_the_old_caches(browser, site_copy: Path):
    context = browser.new_context()
    with serve.start(site_copy, base=BASE_PATH, cache_control="no-cache") as server:
        page = context.new_page()
        score(page, server.url + LINK)
        assert page.evaluate(EXTRAS_JS)["serviceWorker"] is True
        before = page.evaluate(CACHES_JS)
        old_site = [name for name in before if name.startswith("qmas-site-")]
        assert len(old_site) == 1, before
        assert f"{BASE_PATH}stylesheets/extra.css" in before[old_site[0]]
        assert f"{BASE_PATH}calculator/" in before[old_site[0]]  # the page, without its #answers

        # A new build: one of the shell's files changes, so does sw.js.
        extra = site_copy / "stylesheets/extra.css"
        extra.write_text(extra.read_text("utf-8") + "\n/* a new build */\n", "utf-8")
        manifest = json.loads((site_copy / "assets/py/manifest.json").read_text("utf-8"))
        wheel.write_service_worker(site_copy, manifest)
        new_site = "qmas-site-" + sw_config(site_copy)["site"]
        page.goto(server.url)  # a navigation: the browser checks sw.js
        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        for _ in range(600):  # the new worker installs, activates and deletes the old caches
            after = page.evaluate(CACHES_JS)
            if old_site[0] not in after:
                break
            page.wait_for_timeout(100)
        new = [name for name in after if name.startswith("qmas-site-")]
        assert new != old_site and len(new) == 1, after
        assert new == [new_site]
        # The runtime is the same build's: its cache stays.
        assert [n for n in after if n.startswith("qmas-runtime-")] == [n for n in before if n.startswith("qmas-runtime-")]
        cached_css = page.evaluate("""async (url) => (await (await caches.match(url)).text())""",
                                   server.url + "stylesheets/extra.css")
        assert cached_css.endswith("/* a new build */\n")
        page.close()
    context.close()


def installability_errors(browser, url: str, profile: Path) -> list[str]:
    """What Chromium says stops installing the site from `url`. A plain context is incognito
    (its one error would be "in-incognito"): a profile on disk is needed."""
    context = browser.browser_type.launch_persistent_context(profile, **browser_setup.launch_options())
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        reply = context.new_cdp_session(page).send("Page.getInstallabilityErrors")
        return [error["errorId"] for error in reply["installabilityErrors"]]
    finally:
        context.close()


@pytest.mark.parametrize("path", ["calculator/", "zh-Hant/", "zh-Hans/eligibility/"])
def test_the_site_is_installable(browser, site_copy: Path, tmp_path: Path, path: str):
    for lang in ("", "zh-Hant/", "zh-Hans/"):
        app = json.loads((site_copy / lang / "manifest.webmanifest").read_text("utf-8"))
        assert app["display"] == "standalone" and app["start_url"] == "calculator/"
        assert app["scope"] == ("../" if lang else "./")  # the whole site, relative: a sub-path works
    with serve.start(site_copy, base=BASE_PATH) as server:
        assert installability_errors(browser, server.url + path, tmp_path / "profile") == []
        # Without the manifest link the same check fails: the manifest is what makes it installable.
        page_file = site_copy / path / "index.html"
        html = page_file.read_text("utf-8")
        page_file.write_text(html.replace('<link rel="manifest"', '<link rel="x-not-manifest"'), "utf-8")
        assert "no-manifest" in installability_errors(browser, server.url + path, tmp_path / "profile2")
