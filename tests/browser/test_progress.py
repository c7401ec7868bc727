"""The runtime's download, shown while it lasts (calculator/progress.js), with the real worker.

The runtime files are held back by Playwright's routing (which also sees the worker's fetches)
and released one at a time, so each step of the bar can be looked at: no timing is involved."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("playwright.sync_api")

from playwright.sync_api import expect  # noqa: E402

from tests.browser.calculator_driver import READY_TIMEOUT  # noqa: E402

RUNTIME_FILE = re.compile(r"/assets/(pyodide/[^/]+/|py/qmas-py-)")
# Every "progress" message the page's workers post, every text of the polite status line and
# every value of the bar, as they happen.
RECORD = """
window.__progress = [];
window.__said = [];
window.__bar = [];
window.__barShown = false;
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (event) => {
      if (event.data && event.data.type === "progress") window.__progress.push(event.data);
    });
  }
};
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("qmas-status");
  const box = document.getElementById("qmas-progress");
  if (!status || !box) return;
  new MutationObserver(() => window.__said.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  const bar = box.querySelector("progress");
  new MutationObserver(() => {
    if (!box.hidden) window.__barShown = true;
    if (bar.hasAttribute("value")) window.__bar.push([Number(bar.value), Number(bar.max)]);
  }).observe(box, { attributes: true, subtree: true });
});
"""


class Held:
    """The runtime files' requests, answered only when released (by file name, in order)."""

    def __init__(self, context):
        self.routes = []
        self.free = False
        context.route(RUNTIME_FILE, self._hold)

    def _hold(self, route):
        if self.free:
            route.continue_()
        else:
            self.routes.append(route)

    def names(self):
        return [route.request.url.rsplit("/", 1)[-1] for route in self.routes]

    def wait_for(self, page, count):
        for _ in range(1200):
            if len(self.routes) >= count:
                break
            page.wait_for_timeout(50)
        assert len(self.routes) >= count, self.names()
        # The worker reports bytes at most every 100 ms from when it asked for the files:
        # bytes released sooner would wait for the next ones to be reported.
        page.wait_for_timeout(300)

    def release(self, page, name):
        for _ in range(200):
            matching = [r for r in self.routes if r.request.url.rsplit("/", 1)[-1].startswith(name)]
            if matching:
                break
            page.wait_for_timeout(50)
        assert matching, f"{name} was never requested (held: {self.names()})"
        for route in matching:
            self.routes.remove(route)
            route.continue_()

    def release_all(self):
        self.free = True
        while self.routes:
            self.routes.pop(0).continue_()


def manifest_total(site_dir) -> int:
    manifest = json.loads((site_dir / "assets" / "py" / "manifest.json").read_text("utf-8"))
    files = manifest["pyodide"]["files"]
    wasm = "pyodide.asm.wasm.gz" if "pyodide.asm.wasm.gz" in files else "pyodide.asm.wasm"  # the copy the worker fetches
    return manifest["bundle"]["size"] + sum(files[name]["size"] for name in (wasm, "pyodide.mjs", "pyodide.asm.mjs"))


def bar_value(page) -> float:
    return page.evaluate("Number(document.getElementById('qmas-progress-bar').value)")


@pytest.mark.parametrize("lang_prefix, downloading, starting", [
    ("", "Downloading the calculator", "Starting the calculator"),
    ("zh-Hant/", "正在下載計算器", "正在啟動計算器"),
])
def test_the_bar_grows_with_the_bytes_and_the_form_stays_usable(page, served_site, site_dir, lang_prefix, downloading, starting):
    total = manifest_total(site_dir)
    held = Held(page.context)
    page.add_init_script(RECORD)
    page.goto(f"{served_site}{lang_prefix}calculator/")
    box = page.locator("#qmas-progress")
    bar = page.locator("#qmas-progress-bar")

    # Answers typed while nothing has arrived yet.
    page.locator("#q-age").fill("32")

    held.wait_for(page, 4)
    held.release(page, "pyodide.mjs")
    expect(box).to_be_visible(timeout=READY_TIMEOUT)
    expect(bar).to_have_attribute("max", str(total))
    expect(box).to_contain_text(downloading)
    expect(bar).to_have_accessible_name(re.compile(r"\S"))
    values = [bar_value(page)]
    # The bar's sentence is on screen; the status line (polite, role=status) speaks it.
    expect(page.locator("#qmas-status")).to_have_attribute("role", "status")
    expect(page.locator("#qmas-status")).to_contain_text(downloading)

    for name in ("qmas-py-", "pyodide.asm.mjs"):
        held.release(page, name)
        page.wait_for_function("(before) => Number(document.getElementById('qmas-progress-bar').value) > before",
                               arg=values[-1], timeout=READY_TIMEOUT)
        values.append(bar_value(page))
        percent = round(100 * values[-1] / total)
        text = box.inner_text()
        assert re.search(rf"{percent}\s?%", text), (text, percent)
    assert values == sorted(values) and len(set(values)) == 3, values

    held.release_all()
    expect(page.locator("#qmas-progress")).to_be_hidden(timeout=READY_TIMEOUT)
    # The answers typed while loading are the ones scored.
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    page.wait_for_function("() => document.getElementById('qmas-output').dataset.fragment === document.getElementById('qmas-form').dataset.fragment")
    assert "age=32" in page.evaluate("document.getElementById('qmas-output').dataset.fragment")
    assert page.locator("#q-age").input_value() == "32"

    progress = page.evaluate("window.__progress")
    said = page.evaluate("window.__said")
    bars = page.evaluate("window.__bar")
    downloads = [m for m in progress if m["stage"] == "downloading"]
    # The totals are the manifest's, and what arrives never passes them (no 120%).
    assert downloads and all(m["total"] == total and 0 <= m["received"] <= total for m in downloads), downloads
    assert downloads[-1]["received"] == total
    assert all(0 <= value <= maximum == total for value, maximum in bars), bars
    # The bar moved at each step; the polite status line spoke far less often.
    spoken = [text for text in said if downloading in text]
    assert 1 <= len(spoken) < len(downloads), (spoken, len(downloads))
    assert any(starting in text for text in said), said
    assert len(bars) >= len(downloads) - 1


def test_no_bar_on_a_repeat_visit(browser, served_site):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{served_site}calculator/#edition=criteria-2024&age=32")
        expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
        # What the first visit stored for the next (the service worker's copy, a snapshot).
        page.wait_for_function("async () => { const { state } = await import(new URL('assets/javascripts/qmas-runtime.js', __md_scope)); await state.extras; return true; }",
                               timeout=READY_TIMEOUT)
        page.close()

        page = context.new_page()
        page.add_init_script(RECORD)
        page.goto(f"{served_site}calculator/#edition=criteria-2024&age=33")
        expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
        assert page.evaluate("window.__barShown") is False
        expect(page.locator("#qmas-progress")).to_be_hidden()
    finally:
        context.close()


def test_a_bar_on_the_first_calculator_visit_after_other_pages(page, served_site):
    """The service worker, installed by another page, has made its runtime cache but kept no
    Python in it: the files still come from the network, and the bar shows."""
    page.goto(served_site)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)", timeout=READY_TIMEOUT)
    held = Held(page.context)
    page.add_init_script(RECORD)
    page.goto(f"{served_site}calculator/")
    held.wait_for(page, 4)
    held.release(page, "pyodide.mjs")
    expect(page.locator("#qmas-progress")).to_be_visible(timeout=READY_TIMEOUT)
    held.release_all()
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    expect(page.locator("#qmas-progress")).to_be_hidden()
