"""When the calculator's Python cannot run, the visitor is told so, plainly, and loses nothing.

Each test breaks one thing in the browser (Playwright routing, a browser without WebAssembly,
a worker that dies) and checks what the visitor sees: the calculator's own message
(site_scripts/calculator_strings.toml: error_fatal / error_python, in the page's language)
with a "Try again" button, the form and the URL fragment as they were, the rest of the page
working, and no endless "Loading": a stalled start or a silent worker ends in that message,
and the button really starts a new worker that then scores.

The runtime's time-outs are shortened for the tests through window.qmasRuntimeOptions (see
qmas-runtime.js); the memory snapshot and the service worker are off, as they are not tested
here (tests/browser/test_worker.py and test_runtime_cache.py are about them).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 90_000
FRAGMENT = "#edition=criteria-2024&age=30&work_years=6"
OPTIONS = {"snapshot": False, "serviceWorker": False, "loadStallMs": 90_000, "replyTimeoutMs": 5000}


def strings(lang: str) -> dict[str, str]:
    table = tomllib.loads((ROOT / "site_scripts/calculator_strings.toml").read_text("utf-8"))["strings"]
    return {key: value[lang] for key, value in table.items() if isinstance(value, dict) and lang in value}


def lead(template: str) -> str:
    """The fixed words before the message: what the visitor reads first."""
    return template.split("{message}")[0]


@pytest.fixture
def manifest(site_dir: Path) -> dict:
    path = site_dir / "assets/py/manifest.json"
    if not path.is_file():
        pytest.skip("no assets/py/manifest.json: build the site first")
    return json.loads(path.read_text("utf-8"))


def prepare(page, options=None):
    page.add_init_script(f"window.qmasRuntimeOptions = {json.dumps({**OPTIONS, **(options or {})})};")


def calculator_url(served_site: str, lang: str = "en") -> str:
    return served_site + ("" if lang == "en" else lang + "/") + "calculator/" + FRAGMENT


def problem(page):
    return page.get_by_test_id("problem")


def retry_button(page, lang: str = "en"):
    return page.locator("#qmas-output button", has_text=strings(lang)["retry"])


def press(button):
    """Activate a button from the keyboard: a mouse click right after scrolling can miss it
    while the calculator's pinned summary is still re-laying out the page."""
    button.focus()
    button.press("Enter")


def assert_answers_kept(page):
    expect(page.locator("#q-age")).to_have_value("30")
    expect(page.locator("#q-work_years")).to_have_value("6")
    expect(page.locator("input[name=edition][value='criteria-2024']")).to_be_checked()
    fragment = page.evaluate("() => location.hash")
    for part in ("edition=criteria-2024", "age=30", "work_years=6"):
        assert part in fragment, fragment


def assert_scores(page):
    expect(page.get_by_test_id("total")).to_be_visible(timeout=READY_TIMEOUT)
    fragment = page.evaluate("() => location.hash")
    expect(page.locator("#qmas-output")).to_have_attribute("data-fragment", fragment, timeout=READY_TIMEOUT)
    expect(problem(page)).to_have_count(0)


def test_without_webassembly_the_visitor_is_told_in_their_language(browser, served_site, site_dir):
    # A browser whose JavaScript engine runs without a JIT and so without WebAssembly, as in
    # Edge's enhanced security mode or Safari's Lockdown Mode. (V8's --noexpose_wasm no longer
    # removes WebAssembly in this Chromium.)
    no_wasm = browser.browser_type.launch(**_launch_options("--js-flags=--jitless"))
    try:
        page = no_wasm.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        prepare(page)
        lang = "zh-Hant" if (site_dir / "zh-Hant/calculator/index.html").is_file() else "en"
        page.goto(calculator_url(served_site, lang))
        expect(problem(page)).to_contain_text(lead(strings(lang)["error_fatal"]), timeout=READY_TIMEOUT)
        expect(problem(page)).to_contain_text("WebAssembly")
        expect(retry_button(page, lang)).to_be_visible()
        assert_answers_kept(page)
        # The status line (read out by screen readers) says the same.
        expect(page.locator("#qmas-status")).to_contain_text(lead(strings(lang)["error_fatal"]))
        # Trying again fails the same way, without breaking anything.
        press(retry_button(page, lang))
        expect(problem(page)).to_contain_text("WebAssembly", timeout=READY_TIMEOUT)
        assert_answers_kept(page)
        # The rest of the site works: the page itself, and the next page.
        expect(page.locator("h1").first).to_be_visible()
        page.locator("a.md-footer__link--prev, a.md-footer__link--next").first.click()
        expect(page.locator("h1").first).to_be_visible()
        assert "/calculator/" not in page.url
        assert errors == [], errors
    finally:
        no_wasm.close()


def _launch_options(*extra: str) -> dict:
    from tools import browser as browser_setup

    options = browser_setup.launch_options()
    options["args"] = list(options["args"]) + list(extra)
    return options


def _truncated(site_dir: Path, relative: str, keep: int) -> bytes:
    return (site_dir / relative).read_bytes()[:keep]


@pytest.mark.parametrize("broken", ["wasm 404", "wasm truncated", "bundle truncated", "loader 404"])
def test_missing_or_damaged_runtime_files_give_a_clear_message(page, served_site, site_dir, manifest, broken):
    runtime = "assets/" + manifest["pyodide"]["dir"].replace("../", "")
    if broken == "wasm 404":
        page.route("**/pyodide.asm.wasm.gz", lambda route: route.fulfill(status=404, body="not here"))
        words = "pyodide.asm.wasm.gz could not be loaded: HTTP 404"
    elif broken == "wasm truncated":
        body = _truncated(site_dir, runtime + "pyodide.asm.wasm.gz", 200_000)
        page.route("**/pyodide.asm.wasm.gz", lambda route: route.fulfill(body=body, content_type="application/gzip"))
        words = "pyodide.asm.wasm.gz could not be loaded"
    elif broken == "bundle truncated":
        if "bundle" not in manifest:
            pytest.skip("no bundle in this build")
        body = _truncated(site_dir, "assets/py/" + manifest["bundle"]["file"], 1000)
        page.route("**/" + manifest["bundle"]["file"], lambda route: route.fulfill(body=body, content_type="application/zip"))
        words = manifest["bundle"]["file"] + " could not be loaded: it is damaged"
    else:
        page.route("**/pyodide.mjs", lambda route: route.fulfill(status=404, body="not here"))
        words = "pyodide.mjs could not be loaded: HTTP 404"
    prepare(page)
    page.goto(calculator_url(served_site))
    expect(problem(page)).to_contain_text(lead(strings("en")["error_fatal"]), timeout=READY_TIMEOUT)
    expect(problem(page)).to_contain_text(words)
    assert_answers_kept(page)
    if broken == "wasm truncated":
        # The files come back: "Try again" starts a new worker, which loads and scores.
        page.unroute("**/pyodide.asm.wasm.gz")
        press(retry_button(page))
        assert_scores(page)
        assert_answers_kept(page)


def test_a_stalled_start_times_out_and_try_again_really_restarts(page, served_site, manifest):
    held = []
    page.route("**/assets/py/manifest.json", lambda route: held.append(route))  # never answered
    prepare(page, {"loadStallMs": 1500})
    page.goto(calculator_url(served_site))
    expect(page.locator("#qmas-status")).to_contain_text(strings("en")["loading"].split("…")[0])
    expect(problem(page)).to_contain_text("loading took too long", timeout=READY_TIMEOUT)
    assert_answers_kept(page)
    page.unroute("**/assets/py/manifest.json")
    page.evaluate("() => { window.qmasRuntimeOptions.loadStallMs = 90000; }")  # a slow CI start is no stall
    press(retry_button(page))
    assert_scores(page)


# The worker, wrapped so that it closes itself (silently: no error event) after its first result.
# The page posts its first request as soon as the worker starts: what arrives while the real
# worker is being imported is held and passed on, as the real worker (no top-level await) would
# have received it.
DYING_WORKER = """
const post = self.postMessage.bind(self);
let results = 0;
self.postMessage = (message, ...rest) => {
  post(message, ...rest);
  if (message && message.type === "result" && ++results === 1) self.close();
};
const early = [];
const hold = (event) => early.push(event.data);
self.addEventListener("message", hold);
await import(new URL("qmas-worker.js?real", import.meta.url));
self.removeEventListener("message", hold);
early.forEach((data) => self.dispatchEvent(new MessageEvent("message", { data })));
"""


def test_a_worker_that_dies_mid_session_is_noticed_and_restarted(page, served_site, manifest):
    page.route("**/assets/javascripts/qmas-worker.js",
               lambda route: route.fulfill(body=DYING_WORKER, content_type="text/javascript"))
    prepare(page, {"replyTimeoutMs": 1500})
    page.goto(calculator_url(served_site))
    assert_scores(page)
    page.locator("#q-age").fill("31")  # the worker is gone: no reply will ever come
    expect(problem(page)).to_contain_text(lead(strings("en")["error_fatal"]), timeout=READY_TIMEOUT)
    expect(problem(page)).to_contain_text("stopped answering")
    expect(page.locator("#q-age")).to_have_value("31")
    assert "age=31" in page.evaluate("() => location.hash")
    page.unroute("**/assets/javascripts/qmas-worker.js")
    press(retry_button(page))
    assert_scores(page)  # the new worker scores the answers as they are now (age 31)
    assert "age=31" in page.locator("#qmas-output").get_attribute("data-fragment")


# The worker, wrapped so that the first request it is sent is lost: the page's first request,
# sent while the worker loads, before its "ready".
# Static imports, evaluated in order: the losing listener comes first, and the real worker's is
# in place before any message is delivered (the page posts the manifest at once).
LOSING_WORKER = """
import "./qmas-losing-listener.js";
import "./qmas-worker.js?real";
"""
LOSING_LISTENER = """
let lost = false;
self.addEventListener("message", (event) => {
  if (!lost && event.data && event.data.type === "assess") {
    lost = true;
    event.stopImmediatePropagation();
  }
});
"""


def test_a_request_lost_while_the_worker_loads_is_noticed(page, served_site, manifest):
    page.route("**/assets/javascripts/qmas-worker.js",
               lambda route: route.fulfill(body=LOSING_WORKER, content_type="text/javascript"))
    page.route("**/assets/javascripts/qmas-losing-listener.js",
               lambda route: route.fulfill(body=LOSING_LISTENER, content_type="text/javascript"))
    prepare(page, {"replyTimeoutMs": 1500})
    page.goto(calculator_url(served_site))
    # Its reply is due from "ready" on: no endless wait for a score that will never come.
    expect(problem(page)).to_contain_text("stopped answering", timeout=READY_TIMEOUT)
    assert_answers_kept(page)
    page.unroute("**/assets/javascripts/qmas-worker.js")
    press(retry_button(page))
    assert_scores(page)


def test_a_worker_terminated_under_the_page_is_noticed(page, served_site):
    prepare(page, {"replyTimeoutMs": 3_000})  # a dead worker sends no event: the reply time-out tells
    # The page's workers, so the test can stop one as a crash would (the runtime keeps its own).
    page.add_init_script("""(() => {
      const Real = window.Worker;
      window.Worker = class extends Real {
        constructor(url, ...rest) {
          super(url, ...rest);
          if (String(url).includes("qmas-worker.js")) (window.qmasWorkers = window.qmasWorkers || []).push(this);
        }
      };
    })()""")
    page.goto(calculator_url(served_site))
    assert_scores(page)
    page.evaluate("() => window.qmasWorkers[0].terminate()")
    page.locator("#q-work_years").fill("7")
    expect(problem(page)).to_contain_text("stopped", timeout=15_000)
    press(retry_button(page))
    assert_scores(page)
    assert "work_years=7" in page.locator("#qmas-output").get_attribute("data-fragment")


# qmas_core.browser replaced by one that fails for age 99 (the original kept as _browser_real).
FAILING_BROWSER_PY = '''
import json
from ._browser_real import EXTRAS, find_universities_json, report
from ._browser_real import assess_json as _assess_json

def assess_json(request):
    if (json.loads(request).get("answers") or {}).get("age") == 99:
        raise ZeroDivisionError("the test's core fails on age 99")
    return _assess_json(request)
'''


def bundle_zip(site_dir: Path, manifest: dict) -> bytes:
    """The bundle's zip, whether it is served gzipped as a whole or not."""
    data = (site_dir / "assets/py" / manifest["bundle"]["file"]).read_bytes()
    return gzip.decompress(data) if manifest["bundle"].get("encoding") == "gzip" else data


def failing_bundle(site_dir: Path, manifest: dict) -> bytes:
    original = bundle_zip(site_dir, manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "qmas_core/browser.pyc":
                zout.writestr("qmas_core/_browser_real.pyc", data)
            else:
                zout.writestr(info, data)
        zout.writestr("qmas_core/browser.py", FAILING_BROWSER_PY)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["zh-Hans"])
def test_a_python_exception_in_the_core_is_shown_and_the_page_recovers(page, served_site, site_dir, manifest, lang):
    if "bundle" not in manifest:
        pytest.skip("no bundle in this build")
    if not (site_dir / lang / "calculator/index.html").is_file():
        lang = "en"
    body = failing_bundle(site_dir, manifest)
    changed = {**manifest, "bundle": {**manifest["bundle"], "file": "qmas-py-failing.zip", "size": len(body), "encoding": None,
                                      "sha256": hashlib.sha256(body).hexdigest()}}
    page.route("**/assets/py/manifest.json", lambda route: route.fulfill(json=changed))
    page.route("**/assets/py/qmas-py-failing.zip", lambda route: route.fulfill(body=body, content_type="application/zip"))
    prepare(page)
    page.goto(calculator_url(served_site, lang).replace("age=30", "age=99"))
    expect(problem(page)).to_contain_text(lead(strings(lang)["error_python"]), timeout=READY_TIMEOUT)
    expect(problem(page)).to_contain_text("ZeroDivisionError: the test's core fails on age 99")
    expect(retry_button(page, lang)).to_be_visible()
    expect(page.locator("#q-age")).to_have_value("99")
    assert "age=99" in page.evaluate("() => location.hash")
    press(retry_button(page, lang))  # the same answers: the same failure, nothing else breaks
    expect(problem(page)).to_contain_text("ZeroDivisionError", timeout=READY_TIMEOUT)
    page.locator("#q-age").fill("30")  # other answers score as usual, with the same worker
    assert_scores(page)
    assert_answers_kept(page)
