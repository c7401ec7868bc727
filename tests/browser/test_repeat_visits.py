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
        assert set(first["caches"]) == {f"qmas-runtime-{old_key}", f"qmas-snapshot-{old_key}"}
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
        assert set(third["caches"]) == {f"qmas-runtime-{new_key}", f"qmas-snapshot-{new_key}"}, third["caches"]
        assert f"/qmas/assets/py/{new_bundle}" in third["caches"][f"qmas-runtime-{new_key}"]

        fourth = visit(context, server.url)
        assert fourth["info"]["snapshot"] == "used"
        assert fourth["info"]["bundle"] == new_bundle
    context.close()
