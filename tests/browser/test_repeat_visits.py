"""Repeat visits: the service worker keeps the versioned runtime and bundle, the memory snapshot
starts the next visit, and a new deploy replaces both cleanly.

On a copy of the built site, served with "no-cache" (every request reaches the server):

1. a first visit scores, then stores the runtime files in the service worker's cache
   (``qmas-runtime-<key>``) and a memory snapshot (``qmas-snapshot-<key>``);
2. with the bundle and the wasm deleted from the server, a second visit still scores, from the
   snapshot: both came from the service worker's cache;
3. a new deploy (the bundle under a new name, a new manifest key, a new sw.js, as a rebuild
   makes them): the next visit scores with the new bundle and replaces the old caches, so only
   the new key's runtime and snapshot are left; the visit after that starts from the new snapshot.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import qmas_core

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from playwright.sync_api import expect  # noqa: E402

from site_scripts import wheel  # noqa: E402
from tools import serve  # noqa: E402

from tests.browser.calculator_driver import READY_TIMEOUT  # noqa: E402
from tests.browser.conftest import FIXTURES  # noqa: E402

LINK = "calculator/#edition=criteria-2024&age=30&qualification=master&work_years=6"
EXPECTED_TOTAL = str(qmas_core.assess({"age": 30, "qualification": "master", "work_years": 6}, "criteria-2024")["total"])


@pytest.fixture
def site_copy(site_dir: Path, tmp_path: Path) -> Path:
    manifest = json.loads((site_dir / "assets/py/manifest.json").read_text(encoding="utf-8"))
    if "bundle" not in manifest or not (site_dir / "sw.js").is_file():
        pytest.skip("the built site has no bundle or no sw.js")
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    return copy


# The runtime module's read-only state, imported into the page (the instance the calculator uses).
RUNTIME_STATE = """async (key) => (await import(new URL("qmas-runtime.js",
  new URL("assets/javascripts/calculator.js", __md_scope)))).state[key]"""


def visit(context, url: str) -> dict:
    """Open the calculator, wait for the score and for what it does afterwards (service
    worker, snapshot); return the runtime's ready message, the extras and the cache names."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url + LINK)
    expect(page.get_by_test_id("total")).to_have_attribute("data-total", EXPECTED_TOTAL, timeout=READY_TIMEOUT)
    extras = page.evaluate(RUNTIME_STATE, "extras")
    info = page.evaluate(RUNTIME_STATE, "info")
    caches = page.evaluate("""async () => {
      const out = {};
      for (const name of await caches.keys()) {
        out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
      }
      return out;
    }""")
    page.close()
    assert errors == []
    return {"info": info, "extras": extras, "caches": caches}


def runtime_caches(visit_result: dict) -> list[str]:
    """The runtime's and the snapshot's caches (the site's pages and files have their own:
    tests/browser/test_offline.py)."""
    return [name for name in visit_result["caches"] if not name.startswith("qmas-site-")]


def test_repeat_visits_and_a_new_deploy(browser, site_copy: Path):
    py = site_copy / "assets/py"
    manifest = json.loads((py / "manifest.json").read_text(encoding="utf-8"))
    old_key, old_bundle = manifest["cache"], manifest["bundle"]["file"]
    wasm = site_copy / "assets/py" / manifest["pyodide"]["dir"] / "pyodide.asm.wasm"
    context = browser.new_context()
    with serve.start(site_copy, base="/qmas/", cache_control="no-cache") as server:
        # 1. First visit: the score, then the runtime cached and a snapshot stored.
        first = visit(context, server.url)
        assert first["info"]["snapshot"] == "none"
        assert first["extras"]["serviceWorker"] is True
        assert first["extras"]["snapshot"]["stored"] is True, first["extras"]
        assert set(runtime_caches(first)) == {f"qmas-runtime-{old_key}", f"qmas-snapshot-{old_key}"}
        cached = first["caches"][f"qmas-runtime-{old_key}"]
        assert f"/qmas/assets/py/{old_bundle}" in cached
        assert any(path.endswith("/pyodide.asm.wasm") for path in cached)

        # 2. The server loses the bundle and the wasm: the cache has them.
        bundle_bytes = (py / old_bundle).read_bytes()
        (py / old_bundle).unlink()
        wasm_bytes = wasm.read_bytes()
        wasm.unlink()
        second = visit(context, server.url)
        assert second["info"]["snapshot"] == "used"
        assert second["info"]["bundle"] == old_bundle
        wasm.write_bytes(wasm_bytes)

        # 3. A new deploy: a new bundle name and key, a new sw.js.
        new_bundle = old_bundle.replace("qmas-py-", "qmas-py-new")
        (py / new_bundle).write_bytes(bundle_bytes)
        manifest["bundle"]["file"] = new_bundle
        manifest["cache"] = new_key = "f" * 16
        (py / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        wheel.write_service_worker(site_copy, manifest)
        third = visit(context, server.url)
        assert third["info"]["snapshot"] == "none"  # the old snapshot is for another build
        assert third["info"]["bundle"] == new_bundle
        assert third["extras"]["snapshot"]["stored"] is True, third["extras"]
        assert set(runtime_caches(third)) == {f"qmas-runtime-{new_key}", f"qmas-snapshot-{new_key}"}, third["caches"]
        assert len([name for name in third["caches"] if name.startswith("qmas-site-")]) == 1, third["caches"]
        assert f"/qmas/assets/py/{new_bundle}" in third["caches"][f"qmas-runtime-{new_key}"]

        fourth = visit(context, server.url)
        assert fourth["info"]["snapshot"] == "used"
        assert fourth["info"]["bundle"] == new_bundle
    context.close()


# --------------------------------------------------------------------------- a damaged cache
#
# The service worker's cache holds each runtime file; a copy damaged there (by a disk error, an
# extension, a script of this origin) must not break every later visit: the next worker
# checks what it loads, evicts what fails, fetches it again and puts the good copy back. The
# worker probe (tests/browser/fixtures) starts workers without the calculator page around them.

PROBE = "__tests__/worker_probe.html"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "bundle")
DAMAGE = ("truncated", "flipped bytes", "empty", "a 404 stored")
REQUEST = {"answers": {"age": 30, "qualification": "master", "work_years": 6}, "edition": "criteria-2024", "lang": "en"}

# Replaces the cached copy of `url` in sw.js's cache (`name`) by a damaged one.
DAMAGE_JS = """async ({name, url, damage}) => {
  const cache = await caches.open(name);
  const hit = await cache.match(url);
  if (!hit) return "not cached";
  const headers = hit.headers;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  let body = bytes, status = 200;
  if (damage === "truncated") body = bytes.slice(0, bytes.length >> 1);
  else if (damage === "flipped bytes") {
    body = bytes.slice();
    const at = bytes.length >> 1;
    for (let i = at; i < at + 64; i++) body[i] ^= 0xff;
  } else if (damage === "empty") body = new Uint8Array(0);
  else if (damage === "a 404 stored") { body = new TextEncoder().encode("not here"); status = 404; }
  else if (damage === "code added") body = new Uint8Array([...bytes, ...new TextEncoder().encode(
    '\\nfetch(new URL("/qmas/__poisoned__", self.location.href));\\n')]);
  await cache.put(url, new Response(body, {status, headers}));
  return "damaged";
}"""

# The sha256 of the copy in sw.js's cache (null when it has none).
CACHED_SHA256_JS = """async ({name, url}) => {
  const hit = await (await caches.open(name)).match(url);
  if (!hit) return null;
  const digest = await crypto.subtle.digest("SHA-256", await hit.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}"""

REGISTER_JS = """async (base) => {
  const registration = await navigator.serviceWorker.register(base + "sw.js", {scope: base});
  const worker = registration.installing || registration.waiting || registration.active;
  if (worker.state !== "activated") {
    await new Promise((resolve, reject) => worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
      if (worker.state === "redundant") reject(new Error("the service worker did not install"));
    }));
  }
  // What the calculator asks after its first result: every runtime file kept.
  return await new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    registration.active.postMessage({type: "keep-runtime"}, [channel.port2]);
  });
}"""


class CachedSite:
    """A copy of the built site on a server of its own, and a browser context whose service
    worker has cached the runtime."""

    def __init__(self, browser, site: Path, server, sw_body: str | None = None):
        self.site, self.server, self.url = site, server, server.url
        self.manifest = json.loads((site / "assets/py/manifest.json").read_text(encoding="utf-8"))
        self.cache = f"qmas-runtime-{self.manifest['cache']}"
        self.context = browser.new_context()
        if sw_body is not None:
            self.context.route("**/qmas/sw.js", lambda route: route.fulfill(body=sw_body, content_type="text/javascript"))
        page = self.context.new_page()
        page.goto(self.url + PROBE)
        page.evaluate(REGISTER_JS, urlsplit(self.url).path)
        # What the service worker's install cached, before any worker asks for anything.
        self.installed = {name: page.evaluate(CACHED_SHA256_JS, {"name": self.cache, "url": self.file_url(name)})
                          for name in RUNTIME_FILES}
        page.close()

    def path(self, name: str) -> Path:
        if name == "bundle":
            return self.site / "assets/py" / self.manifest["bundle"]["file"]
        return (self.site / "assets/py" / self.manifest["pyodide"]["dir"] / name).resolve()

    def file_url(self, name: str) -> str:
        return self.url + self.path(name).relative_to(self.site).as_posix()

    def good_sha256(self, name: str) -> str:
        return hashlib.sha256(self.path(name).read_bytes()).hexdigest()

    def open_probe(self, requests: list | None = None):
        """A new probe page: a new worker. Returns (page, status text once settled)."""
        page = self.context.new_page()
        if requests is not None:
            page.on("request", lambda request: requests.append(request.url))
        page.goto(self.url + PROBE)
        expect(page.locator("#status")).not_to_have_text("loading", timeout=READY_TIMEOUT)
        return page, page.locator("#status").inner_text()


@pytest.fixture(scope="module")
def cached_site(browser, site_dir: Path, tmp_path_factory):
    manifest = json.loads((site_dir / "assets/py/manifest.json").read_text(encoding="utf-8"))
    if "bundle" not in manifest or not (site_dir / "sw.js").is_file():
        pytest.skip("the built site has no bundle or no sw.js")
    copy = tmp_path_factory.mktemp("cached") / "site"
    shutil.copytree(site_dir, copy)
    with serve.start(copy, base="/qmas/", mounts={"/qmas/__tests__/": FIXTURES}, cache_control="no-cache") as server:
        site = CachedSite(browser, copy, server)
        yield site
        site.context.close()


def scores(page) -> None:
    reply = page.evaluate("(request) => qmasProbe.assess(request)", REQUEST)
    assert reply["type"] == "result", reply
    assert str(reply["result"]["total"]) == EXPECTED_TOTAL


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("name", RUNTIME_FILES)
def test_a_damaged_cached_runtime_file_repairs_itself(cached_site: CachedSite, name: str, damage: str):
    site = cached_site
    url = site.file_url(name)
    page, status = site.open_probe()
    assert status == "ready", status
    assert page.evaluate(CACHED_SHA256_JS, {"name": site.cache, "url": url}) == site.good_sha256(name)
    assert page.evaluate(DAMAGE_JS, {"name": site.cache, "url": url, "damage": damage}) == "damaged"
    page.close()
    # The next worker notices, fetches the file again, scores, and the cache holds a good copy.
    page, status = site.open_probe()
    assert status == "ready", status
    scores(page)
    assert page.evaluate(CACHED_SHA256_JS, {"name": site.cache, "url": url}) == site.good_sha256(name)
    page.close()


@pytest.mark.parametrize("name", ["pyodide.mjs", "pyodide.asm.mjs"])
def test_a_cached_script_with_code_added_never_runs(cached_site: CachedSite, name: str):
    site = cached_site
    url = site.file_url(name)
    page, _ = site.open_probe()
    assert page.evaluate(DAMAGE_JS, {"name": site.cache, "url": url, "damage": "code added"}) == "damaged"
    page.close()
    requests: list[str] = []
    page, status = site.open_probe(requests)
    assert status == "ready", status
    scores(page)
    assert not [u for u in requests if "__poisoned__" in u], requests
    assert page.evaluate(CACHED_SHA256_JS, {"name": site.cache, "url": url}) == site.good_sha256(name)
    page.close()


def test_damaged_everywhere_is_reported_and_a_new_worker_recovers(cached_site: CachedSite):
    """Damaged in the cache and on the server: the worker says which file; once the server has
    it right again, a new worker (what "Try again" starts) loads it, not the bad copy."""
    site = cached_site
    name = "pyodide.asm.mjs"
    url, path = site.file_url(name), site.path(name)
    good = path.read_bytes()
    page, _ = site.open_probe()
    page.evaluate(DAMAGE_JS, {"name": site.cache, "url": url, "damage": "truncated"})
    page.close()
    path.write_bytes(good[: len(good) // 2])
    try:
        page, status = site.open_probe()
        assert status.startswith("fatal:") and f"{name} could not be loaded: it is damaged" in status, status
        page.close()
    finally:
        path.write_bytes(good)
    page, status = site.open_probe()
    assert status == "ready", status
    scores(page)
    assert page.evaluate(CACHED_SHA256_JS, {"name": site.cache, "url": url}) == site.good_sha256(name)
    page.close()


def test_the_service_worker_caches_only_verified_copies(browser, site_dir: Path, tmp_path: Path):
    """Installed while the server gives a damaged bundle and a 404 for the loader: neither is
    cached; the other files are; without static routes the fetch handler replaces a damaged
    cached copy the same way."""
    copy = tmp_path / "site"
    shutil.copytree(site_dir, copy)
    sw_without_routes = (copy / "sw.js").read_text(encoding="utf-8").replace("event.addRoutes &&", "false &&")
    assert "false &&" in sw_without_routes
    with serve.start(copy, base="/qmas/", mounts={"/qmas/__tests__/": FIXTURES}, cache_control="no-cache") as server:
        manifest = json.loads((copy / "assets/py/manifest.json").read_text(encoding="utf-8"))
        bundle = copy / "assets/py" / manifest["bundle"]["file"]
        loader = (copy / "assets/py" / manifest["pyodide"]["dir"] / "pyodide.mjs").resolve()
        good_bundle, good_loader = bundle.read_bytes(), loader.read_bytes()
        bundle.write_bytes(good_bundle[:1000])
        loader.unlink()
        try:
            site = CachedSite(browser, copy, server, sw_body=sw_without_routes)
        finally:
            bundle.write_bytes(good_bundle)
            loader.write_bytes(good_loader)
        for name in RUNTIME_FILES:
            assert site.installed[name] == (None if name in ("bundle", "pyodide.mjs") else site.good_sha256(name)), name
        page, status = site.open_probe()
        assert status == "ready", status
        # The fetch handler caches what it fetched once it passes.
        for name in ("bundle", "pyodide.mjs"):
            assert page.evaluate(CACHED_SHA256_JS, {"name": site.cache, "url": site.file_url(name)}) == site.good_sha256(name)
        # The fetch handler: a damaged cached copy is never served, and is replaced.
        for name in ("pyodide.asm.wasm", "pyodide.asm.mjs"):
            page.evaluate(DAMAGE_JS, {"name": site.cache, "url": site.file_url(name), "damage": "flipped bytes"})
        page.close()
        page, status = site.open_probe()
        assert status == "ready", status
        scores(page)
        for name in ("pyodide.asm.wasm", "pyodide.asm.mjs"):
            assert page.evaluate(CACHED_SHA256_JS, {"name": site.cache, "url": site.file_url(name)}) == site.good_sha256(name)
        site.context.close()
