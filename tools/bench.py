"""Fast first score: what a visitor of the calculator waits for, measured in headless Chromium
against a naive Pyodide page and the page without the calculator (`--help` says how)."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

from site_scripts import build, pyodide_files, wheel
from tools import bench_link, bench_network
from tools import browser as browser_setup
from tools import serve

ROOT = Path(__file__).resolve().parent.parent

EPILOG = """\
It serves a copy of the built site (tools/serve.py, under /qmas/, with Pages'
Cache-Control: max-age=600) and opens, interleaved run by run, each page from its own origin:
  ours    calculator/ with a prefilled deep link (DEEP_LINK)
  naive   the same page with tools/bench_reference/naive-runtime.js in place of the runtime
          (a copy of the calculator's modules whose qmas-runtime.js re-exports it):
          loadPyodide() on the main thread from the untouched npm package, then loadPackage(wheel)
  limit   the same page without the calculator's module: the floor for paint times
Each run gives every page a cold visit (new profile: no cache, no service worker) and a warm
one (new tab, same profile). Measured in the page: FCP, LCP, total blocking time from FCP to
the first score + 500 ms, the first score, the answer-change round trip (p50/p95; typed into
#q-age / #q-work_years, until #qmas-output[data-fragment] equals #qmas-form[data-fragment]),
JS heaps and the wasm memory. Transfer: every request of the cold visit, raw, gzip and brotli, and as
GitHub Pages serves it (gzip for text types and, per public reports, wasm; never .zip).
Earlier steps, measured side by side: --ours-stdlib, --ours-bundle, --ours-unsplit, --variant.

Network profiles (--network; default slow4g = 1.6 Mbps / 150 ms round trip and 10mbps = 10 Mbps /
40 ms; MBPS:RTT_MS for others; 'none' skips them): --network-runs cold visits each of "ours" and
of each --variant, interleaved (new profile: no cache, no service worker), the site served as
Pages serves it (Content-Encoding: gzip for text types and .wasm, Cache-Control: max-age=600,
under /qmas/, HTTP/1.1 kept alive) through one link shared by every connection of the page and
its workers (tools/bench_link.py: a proxy whose port is the origin; each direction one serial
pipe at the bandwidth, rtt/2 to arrive; opening the link costs --handshake-rtts round trips). Not DevTools' network emulation: it throttles each
request on its own, not one link that parallel downloads share, and not workers alike.
Reported per profile: navigation to the first score, FCP, the bytes that crossed the link until
the first score (down, up, and the response bodies the server sent), the floor they set (bytes
down * 8 / bandwidth: no round trip counted, as the targets define it; the link's idle time
before its last byte shows the round trips and waits) and first score / floor, against the
targets: <= 1.05x the floor on slow 4G, <= 1.15x at 10 Mbps, FCP < 1 s on slow 4G.
"""

BASE = "/qmas/"
REFERENCE_DIR = Path(__file__).resolve().parent / "bench_reference"
DEEP_LINK = "#edition=criteria-2024&age=30&work_years=6"
PYC_STDLIB = "python_stdlib_pyc.zip"
PAGES = {"ours": "calculator/", "naive": "bench-naive/", "limit": "bench-limit/"}
SETTLE_MS = 500  # after the first score (or load), for late long tasks and LCP entries
CACHE_CONTROL = "max-age=600"  # what GitHub Pages sends
GZIP_LEVEL = serve.GZIP_LEVEL
PAGES_GZIP = serve.GZIP_TYPES
TARGETS_TEXT = {
    "cold_first_score_vs_naive": "cold navigation-to-first-score <= 0.5x the naive page's",
    "warm_first_score": "warm navigation-to-first-score <= 500 ms (median)",
    "change_p95": "answer change p95 <= 16 ms",
    "fcp_vs_limit": "FCP within 10% of the limit page (cold and warm)",
    "lcp_vs_limit": "LCP within 10% of the limit page (cold and warm)",
    "tbt": "TBT < 50 ms (cold and warm)",
    "transfer": "cold transfer < 5 MB as served",
}

# Runs in every page before its scripts: everything is measured in the page itself.
INIT_SCRIPT = r"""
(() => {
  if (window.top !== window || window.__qmasBench) return;
  const m = window.__qmasBench = {
    fcp: null, lcp: null, lcpSize: null, lcpTag: null, longTasks: [], firstScore: null,
    firstScoreFrame: null, heapPeak: 0, changes: [], changeFrames: [], inputAt: null, problem: null,
  };
  const observe = (type, callback) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(callback)).observe({ type, buffered: true }); }
    catch (error) { /* not supported */ }
  };
  observe("paint", (e) => { if (e.name === "first-contentful-paint") m.fcp = e.startTime; });
  observe("largest-contentful-paint", (e) => {
    m.lcp = e.startTime; m.lcpSize = e.size; m.lcpTag = e.element ? e.element.tagName + (e.element.id ? "#" + e.element.id : "") : null;
  });
  observe("longtask", (e) => m.longTasks.push([e.startTime, e.duration]));
  const heap = () => { if (performance.memory) m.heapPeak = Math.max(m.heapPeak, performance.memory.usedJSHeapSize); };
  setInterval(heap, 50);
  const check = () => {
    const now = performance.now();
    if (m.firstScore === null) {
      const total = document.querySelector("[data-testid=total]");
      if (total && total.checkVisibility()) {
        m.firstScore = now;
        heap();
        requestAnimationFrame(() => { m.firstScoreFrame = performance.now(); });
      }
      const problem = document.querySelector("[data-testid=problem]");
      if (problem && m.problem === null) m.problem = problem.textContent;
    }
    if (m.inputAt !== null) {
      // The result shows what the form shows (the address follows later, throttled).
      const out = document.getElementById("qmas-output");
      const form = document.getElementById("qmas-form");
      if (out && form && out.dataset.fragment && out.dataset.fragment === form.dataset.fragment && !out.hidden) {
        const at = m.inputAt;
        m.changes.push(now - at);
        m.inputAt = null;
        requestAnimationFrame(() => m.changeFrames.push(performance.now() - at));
      }
    }
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-fragment", "hidden"],
  });
  document.addEventListener("input", (event) => {
    if (event.target && /^q-/.test(event.target.id || "")) m.inputAt = performance.now();
  }, true);
})();
"""


# --------------------------------------------------------------------------- the pages


MARKED = re.compile(
    r"<script\b[^>]*\bdata-qmas-runtime\b[^>]*>.*?</script>\s*|<link\b[^>]*\bdata-qmas-runtime\b[^>]*>\s*",
    re.DOTALL,
)


def _script_tag(name: str) -> re.Pattern:
    return re.compile(r'<script\b[^>]*\bsrc="[^"]*/' + re.escape(name) + r'(\?[^"]*)?"[^>]*>\s*</script>\s*')


# The page's own instance of the runtime module (state, ask, listen), or null on a page without
# the calculator: imported next to the calculator's module (calculator.js or a variant's
# calculator-<name>.js), which resolves "./qmas-runtime.js" to the same URL.
RUNTIME_MODULE_JS = """
  const script = Array.from(document.querySelectorAll("script[type=module][src]"))
    .find((s) => /\\/calculator(-[^/]*)?\\.js$/.test(new URL(s.src).pathname));
  const rt = script ? await import(new URL("qmas-runtime.js", script.src).href) : null;
"""


def tweak_ours(site: Path, stdlib: str = "bundle", bundle: dict | None = None, unsplit: bool = False) -> None:
    """Earlier steps of "ours", to measure what each optimisation pays (in ``site``, a copy):
    ``stdlib`` "source" (the wheel through loadPackage and Pyodide's own stdlib) or "pyc" (the
    same with the whole stdlib precompiled) instead of the bundle; ``bundle``: another way to
    make the bundle; ``unsplit``: no split request (see also --ours-options)."""
    if bundle:
        # Another way to make the bundle (pyodide_files.BUNDLE_OPTIONS).
        manifest_path = site / "assets" / "py" / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        made = pyodide_files.build_bundle(site / "assets" / "py" / manifest["wheel"], site / "assets" / "py", site,
                                          options={**pyodide_files.BUNDLE_OPTIONS, **bundle})
        manifest = wheel.write_manifest(site, site / "assets" / "py" / manifest["wheel"], made)
        wheel.write_service_worker(site, manifest)
    if stdlib != "bundle":
        manifest_path = site / "assets" / "py" / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest.pop("bundle", None)
        manifest.pop("stdlib", None)
        if stdlib == "pyc":
            runtime = pyodide_files.runtime_dir(site)
            compile_stdlib(runtime / "python_stdlib.zip", runtime / PYC_STDLIB)
            manifest["pyodide_stdlib"] = PYC_STDLIB
        manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    if unsplit:
        # Only "ours" uses it: the naive page keeps the calculator as it is.
        page = site / PAGES["ours"] / "index.html"
        page.write_text(_own_calculator(site, page.read_text(encoding="utf-8"), "ours"), encoding="utf-8")


def compile_stdlib(source_zip: Path, out_zip: Path) -> None:
    """``out_zip``: ``source_zip`` with every module precompiled to .pyc by Pyodide under Node
    (the worker loads it when the manifest names it as ``pyodide_stdlib``)."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node (>= 18) is needed to precompile the stdlib")
    tag = f"qmas pyc-stdlib v1, pyodide {pyodide_files.pinned_version()}, from sha256:{wheel.sha256_file(source_zip)}"
    proc = subprocess.run([node, str(pyodide_files.PYC_SCRIPT), str(pyodide_files.package_dir()),
                           str(source_zip), str(out_zip), tag], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"precompiling the stdlib failed:\n{proc.stdout}{proc.stderr}")


# An earlier step, to measure what the split request pays: calculator.js asking for the score
# and the extras (advice, checklist, comparison) in one reply, as it did before.
UNSPLIT = ("include: INCLUDE, split: true });", "include: INCLUDE });")


def unsplit_calculator(js: str) -> str:
    """calculator.js without the split request; raises if it no longer applies."""
    if UNSPLIT[0] not in js:
        raise RuntimeError(f"calculator.js no longer has {UNSPLIT[0]!r}: update bench.UNSPLIT")
    return js.replace(*UNSPLIT)


def _own_calculator(site: Path, page: str, name: str) -> str:
    """``page`` loading calculator-<name>.js, an unsplit copy of calculator.js."""
    calculator = site / "assets" / "javascripts" / "calculator.js"
    (site / "assets" / "javascripts" / f"calculator-{name}.js").write_text(
        unsplit_calculator(calculator.read_text(encoding="utf-8")), encoding="utf-8")
    return page.replace("/calculator.js\"", f"/calculator-{name}.js\"")


def make_references(site: Path) -> None:
    """Write bench-naive/ and bench-limit/ next to calculator/ in ``site`` (a copy)."""
    page = (site / PAGES["ours"] / "index.html").read_text(encoding="utf-8")
    # The runtime's own early tag goes too: the naive page brings its runtime, the limit page none.
    stripped = _script_tag("qmas-runtime.js").sub("", MARKED.sub("", page), count=1)
    calculator = _script_tag("calculator.js")
    if not calculator.search(stripped):
        raise RuntimeError("calculator/index.html has no calculator.js module script")
    # calculator.js imports the runtime by a relative URL: the naive page loads a copy of the
    # calculator's modules in which qmas-runtime.js is the reference runtime.
    ref = site / "bench-reference"
    shutil.copytree(REFERENCE_DIR, ref, dirs_exist_ok=True)
    modules = ref / "javascripts"
    shutil.copytree(site / "assets" / "javascripts", modules,
                    ignore=shutil.ignore_patterns("qmas-worker*", "runtime-next-visit.js"))
    (modules / "qmas-runtime.js").write_text('export * from "../naive-runtime.js";\n', encoding="utf-8")
    naive = calculator.sub('<script type="module" src="../bench-reference/javascripts/calculator.js"></script>\n',
                           stripped, count=1)
    limit = calculator.sub("", stripped)
    for key, html in (("naive", naive), ("limit", limit)):
        folder = site / PAGES[key]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(html, encoding="utf-8")
    # An untouched copy of the npm package's runtime files for the reference runtime.
    pristine = pyodide_files.package_dir(ROOT)
    (ref / "pyodide").mkdir(exist_ok=True)
    for name in pyodide_files.RUNTIME_FILES:
        shutil.copyfile(pristine / name, ref / "pyodide" / name)


def _log_requests(server, log: list) -> None:
    """Record (path, status, bytes of the body sent, when) of every request the server answers."""
    base = server.RequestHandlerClass

    class Logged(base):
        def send_response(self, code, message=None):
            self._bench_code = code
            super().send_response(code, message)

        def send_head(self):
            f = super().send_head()
            encoded = isinstance(f, serve.GzippedBody)
            size = (f.getbuffer().nbytes if encoded else os.fstat(f.fileno()).st_size) if f is not None else 0
            path = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
            log.append({"path": path, "status": getattr(self, "_bench_code", None), "bytes": size,
                        "gzip": encoded, "t": time.time(),
                        "file": getattr(f, "name", None) if f is not None else None})
            return f

    server.RequestHandlerClass = Logged


# --------------------------------------------------------------------------- one visit


class WorkerHeap:
    """CDP: attach to the page's dedicated workers (non-flat sessions) and ask their heap."""

    def __init__(self, cdp):
        self.cdp = cdp
        self.sessions: list[str] = []
        self.replies: dict[str, dict] = {}
        cdp.on("Target.attachedToTarget", self._attached)
        cdp.on("Target.receivedMessageFromTarget", self._message)
        cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False})

    def _attached(self, event):
        if event.get("targetInfo", {}).get("type") == "worker":
            self.sessions.append(event["sessionId"])

    def _message(self, event):
        message = json.loads(event["message"])
        if message.get("id") == 7001:
            self.replies[event["sessionId"]] = message.get("result", {})

    def used(self, page) -> int | None:
        for session in self.sessions:
            self.cdp.send("Target.sendMessageToTarget", {
                "sessionId": session, "message": json.dumps({"id": 7001, "method": "Runtime.getHeapUsage"})})
        deadline = time.monotonic() + 2
        while len(self.replies) < len(self.sessions) and time.monotonic() < deadline:
            page.wait_for_timeout(20)  # lets Playwright dispatch the CDP events
        sizes = [r.get("usedSize") for r in self.replies.values() if r.get("usedSize")]
        return sum(sizes) if sizes else None


def _tbt(long_tasks, start, end) -> float:
    return sum(max(0.0, d - 50) for s, d in long_tasks if start is not None and s >= start and s < end)


def visit(context, url: str, kind: str, timeout_ms: int, latency_ms: float = 0) -> tuple[object, dict]:
    """Open ``url`` in a new tab of ``context``; return the page (still open) and the figures."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    workers = WorkerHeap(cdp)
    cdp.send("Performance.enable")
    if latency_ms:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency_ms,
                                                      "downloadThroughput": -1, "uploadThroughput": -1})
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    if kind == "limit":
        page.wait_for_load_state("load", timeout=timeout_ms)
        page.wait_for_function("() => window.__qmasBench.fcp !== null", timeout=timeout_ms)
    else:
        page.wait_for_function(
            "() => window.__qmasBench.firstScore !== null || window.__qmasBench.problem !== null",
            timeout=timeout_ms)
    page.wait_for_timeout(SETTLE_MS)
    m = page.evaluate("""async () => {
      const m = window.__qmasBench;
      const nav = performance.getEntriesByType("navigation")[0];""" + RUNTIME_MODULE_JS + """
      const state = rt ? rt.state : null;
      let stats = null;
      if (state && state.ready && state.running) {
        stats = await new Promise((resolve) => {
          let id = null;
          const unlisten = rt.listen((msg) => {
            if (msg.type === "stats" && msg.id === id) { unlisten(); resolve(msg); }
          });
          id = rt.ask({ type: "stats" });
          if (id === null) { unlisten(); resolve(null); }
          setTimeout(() => { unlisten(); resolve(null); }, 2000);
        });
      }
      return { ...m, now: performance.now(), load: nav ? nav.loadEventEnd : null,
               info: state ? state.info || null : null, stats,
               workerStarted: state ? state.startedAt || null : null };
    }""")
    if kind != "limit" and m["firstScore"] is None:
        raise RuntimeError(f"{url}: no score, the page says: {m['problem']}")
    end = (m["firstScore"] if kind != "limit" else max(m["load"] or 0, m["fcp"] or 0)) + SETTLE_MS
    heap = {entry["name"]: entry["value"] for entry in cdp.send("Performance.getMetrics")["metrics"]}
    wasm = None
    for source in (m.get("stats") or {}, m.get("info") or {}):
        wasm = (source.get("memory") or {}).get("wasm") or wasm
    result = {
        "fcp_ms": m["fcp"], "lcp_ms": m["lcp"], "lcp_element": m["lcpTag"],
        "tbt_ms": round(_tbt(m["longTasks"], m["fcp"], end), 1),
        "long_tasks": m["longTasks"],
        "first_score_ms": m["firstScore"], "first_score_frame_ms": m["firstScoreFrame"],
        "load_ms": m["load"],
        "worker_started_ms": m.get("workerStarted"),
        "page_heap_peak": max(m["heapPeak"] or 0, heap.get("JSHeapUsedSize", 0)) or None,
        "worker_heap": workers.used(page),
        "wasm_memory": wasm,
        "runtime_info": m.get("info"),
    }
    page._bench_workers = workers  # noqa: SLF001 (kept for the change run)
    return page, result


def answer_changes(page, count: int, timeout_ms: int) -> dict:
    """Type ``count`` answers one after the other; in-page latency of each updated result."""
    for i in range(count):
        if i % 2 == 0:
            page.fill("#q-age", str(25 + (i // 2) % 40))
        else:
            page.fill("#q-work_years", str(1 + (i // 2) % 20))
        page.wait_for_function("() => window.__qmasBench.inputAt === null", timeout=timeout_ms)
    page.wait_for_timeout(100)
    m = page.evaluate("() => ({changes: window.__qmasBench.changes, frames: window.__qmasBench.changeFrames,"
                      " longTasks: window.__qmasBench.longTasks, heapPeak: window.__qmasBench.heapPeak})")
    return {"ms": m["changes"], "to_next_frame_ms": m["frames"], "page_heap_peak": m["heapPeak"]}


# --------------------------------------------------------------------------- transfer sizes


class Compressed:
    """gzip / brotli sizes of files, computed once per file."""

    def __init__(self):
        self._cache: dict[tuple[str, float], tuple[int, int, int | None]] = {}
        try:
            import brotli  # noqa: F401
            self.brotli = True
        except ImportError:
            self.brotli = False

    def sizes(self, path: str) -> tuple[int, int, int | None]:
        stat = os.stat(path)
        key = (path, stat.st_mtime)
        if key not in self._cache:
            data = Path(path).read_bytes()
            gz = len(gzip.compress(data, GZIP_LEVEL, mtime=0))
            br = None
            if self.brotli:
                import brotli
                br = len(brotli.compress(data, quality=11 if len(data) <= 4_000_000 else 9))
            self._cache[key] = (len(data), gz, br)
        return self._cache[key]


def transfer(entries: list[dict], compressed: Compressed, site_dir: Path) -> dict:
    """Per file and in total: raw, gzip, brotli and as served by GitHub Pages."""
    files = {}
    for e in entries:
        if e["status"] != 200 or not e["file"]:
            continue
        raw, gz, br = compressed.sizes(e["file"])
        ext = Path(e["file"]).suffix.lower()
        served = gz if ext in PAGES_GZIP else raw
        name = e["path"][len(BASE):] if e["path"].startswith(BASE) else e["path"]
        files[name] = {"raw": raw, "gzip": gz, "brotli": br, "pages": served, "pages_gzip": ext in PAGES_GZIP,
                       "count": files.get(name, {}).get("count", 0) + 1}
    total = {k: sum((f[k] or 0) * f["count"] for f in files.values()) for k in ("raw", "gzip", "brotli", "pages")}
    if not compressed.brotli:
        total["brotli"] = None  # the brotli module is not installed (pip install -e '.[bench]')
    total["pages_if_wasm_uncompressed"] = sum(
        (f["raw"] if n.endswith(".wasm") else f["pages"]) * f["count"] for n, f in files.items())
    return {"files": files, "total": total,
            "not_200": [f"{e['path']}: {e['status']}" for e in entries if e["status"] not in (200,)]}


# --------------------------------------------------------------------------- the run


def stats(values) -> dict | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def percentile(values, p: float) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _wait_for_extras(page, timeout_ms: int = 60_000):
    """What the page does for the next visit after its first result (qmas-runtime.js: the
    service worker installed, the memory snapshot stored): wait until it is done, as a
    visitor coming back later would find it. None where the page does no such thing."""
    return page.evaluate(
        """async (timeout) => {""" + RUNTIME_MODULE_JS + """
          return new Promise((resolve) => {
            const state = rt ? rt.state : null;
            if (!state || !("extras" in state)) return resolve(null);
            const started = performance.now();
            const poll = () => {
              if (state.extras) return state.extras.then(resolve, (e) => resolve({error: String(e)}));
              if (performance.now() - started > 5000) return resolve(null);
              setTimeout(poll, 50);
            };
            setTimeout(() => resolve({error: "timed out"}), timeout);
            poll();
          });
        }""",
        timeout_ms,
    )


def add_variant(site: Path, name: str, spec: dict) -> None:
    """Another version of our page, measured side by side with the others (--variant): its
    own copy of calculator/ (``unsplit``: without the split request; ``html``: a list of
    [old, new] replacements in the page, each required to apply) and its own runtime options
    (``options``: window.qmasRuntimeOptions)."""
    page = (site / PAGES["ours"] / "index.html").read_text(encoding="utf-8")
    if spec.get("unsplit"):
        page = _own_calculator(site, page, name)
    for old, new in spec.get("html", []):
        if old not in page:
            raise RuntimeError(f"variant {name}: {old!r} is not in the page")
        page = page.replace(old, new)
    PAGES[name] = f"bench-{name}/"
    (site / PAGES[name]).mkdir(parents=True, exist_ok=True)
    (site / PAGES[name] / "index.html").write_text(page, encoding="utf-8")


def run_bench(site_dir: str | Path, runs: int = 7, changes: int = 50, timeout_ms: int = 120_000,
              variants=("ours", "naive", "limit"), log=print, ours_options: dict | None = None,
              ours_stdlib: str = "bundle", ours_bundle: dict | None = None,
              ours_unsplit: bool = False, extra: dict | None = None, latency_ms: float = 0,
              cache_control: str = CACHE_CONTROL, network=(), network_runs: int = 3,
              handshake_rtts: int = bench_link.HANDSHAKE_RTTS) -> dict:
    from playwright.sync_api import sync_playwright

    compressed = Compressed()
    extra = extra or {}
    variants = tuple(variants) + tuple(extra)
    results = {v: {"cold": [], "warm": [], "cold_transfer": None, "warm_requests": [], "changes": None}
               for v in variants}
    with tempfile.TemporaryDirectory(prefix="qmas-bench-") as tmp, ExitStack() as stack:
        site = Path(tmp) / "site"
        shutil.copytree(site_dir, site)
        make_references(site)
        tweak_ours(site, ours_stdlib, ours_bundle, ours_unsplit)
        for name, spec in extra.items():
            add_variant(site, name, spec)
        servers, logs = {}, {}
        for v in variants:
            servers[v] = stack.enter_context(serve.start(site, base=BASE, cache_control=cache_control))
            logs[v] = []
            _log_requests(servers[v].server, logs[v])
        playwright = stack.enter_context(sync_playwright())
        version = None
        for run in range(runs):
            order = list(variants[run % len(variants):]) + list(variants[:run % len(variants)])
            for v in order:
                url = servers[v].url + PAGES[v] + DEEP_LINK
                options = ours_options if v == "ours" else extra.get(v, {}).get("options")
                context, profile = _new_profile(playwright, tmp, options)
                version = version or context.browser.version if context.browser else version
                try:
                    start = len(logs[v])
                    page, cold = visit(context, url, v, timeout_ms, latency_ms)
                    if v != "limit":
                        cold["extras"] = _wait_for_extras(page)
                    page.wait_for_timeout(200)
                    cold_log = logs[v][start:]
                    page.close()
                    start = len(logs[v])
                    page, warm = visit(context, url, v, timeout_ms, latency_ms)
                    warm_log = logs[v][start:]
                    warm["requests"] = [f"{e['status']} {e['path']}" for e in warm_log]
                    cold["transfer"] = transfer(cold_log, compressed, site)["total"]
                    if results[v]["cold_transfer"] is None:
                        results[v]["cold_transfer"] = transfer(cold_log, compressed, site)
                    if run == runs - 1 and v != "limit" and changes:
                        results[v]["changes"] = answer_changes(page, changes, timeout_ms)
                    page.close()
                finally:
                    context.close()
                    shutil.rmtree(profile, ignore_errors=True)
                results[v]["cold"].append(cold)
                results[v]["warm"].append(warm)
                log(f"run {run + 1}/{runs} {v:5}: cold first score {_fmt(cold['first_score_ms'])} ms,"
                    f" FCP {_fmt(cold['fcp_ms'])}, LCP {_fmt(cold['lcp_ms'])}, TBT {_fmt(cold['tbt_ms'])};"
                    f" warm first score {_fmt(warm['first_score_ms'])} ms, FCP {_fmt(warm['fcp_ms'])},"
                    f" LCP {_fmt(warm['lcp_ms'])}, TBT {_fmt(warm['tbt_ms'])}")
        pages = {"ours": ours_options, **{name: spec.get("options") for name, spec in extra.items()}}
        networked = run_network(playwright, site, tmp, network, network_runs, timeout_ms, log, pages,
                                cache_control, handshake_rtts) if network else {}
    report = summarise(results, runs, changes, version)
    report["network"] = networked
    report["targets"].update(bench_network.targets(networked))
    report["config"].update(network_runs=network_runs if network else 0, handshake_rtts=handshake_rtts)
    return report


def _new_profile(playwright, tmp: str, options: dict | None):
    """A browser with a new profile (no cache, no service worker) and the bench's init script;
    returns the context and the profile's folder (to remove after closing it)."""
    # Chromium's on-disk HTTP cache, as a visitor has (an incognito context's in-memory cache
    # would not even keep the 9.6 MB wasm).
    profile = tempfile.mkdtemp(prefix="profile-", dir=tmp)
    context = playwright.chromium.launch_persistent_context(profile, **browser_setup.launch_options())
    context.add_init_script(INIT_SCRIPT)
    if options:
        context.add_init_script(f"window.qmasRuntimeOptions = {json.dumps(options)};")
    for stale in context.pages:
        stale.close()
    return context, profile


def run_network(playwright, site: Path, tmp: str, profiles, runs: int, timeout_ms: int, log,
                pages: dict, cache_control: str, handshake_rtts: int) -> dict:
    """Cold visits of our page (and of each --variant: ``pages``, name -> runtime options),
    interleaved, through each profile's link (bench_link.Link) to a server that compresses as
    Pages does; what crossed the link until the first score (bench_network). Keyed by profile,
    "profile/variant" for a variant."""
    requests: list[dict] = []
    server = serve.start(site, base=BASE, cache_control=cache_control, gzip=True, keep_alive=True)
    _log_requests(server.server, requests)
    for path in site.rglob("*"):  # gzipped before any timing, as a host's cache has them
        if path.suffix.lower() in serve.GZIP_TYPES and path.is_file():
            serve.gzipped(path)
    out = {}
    try:
        for profile in profiles:
            measured = {name: [] for name in pages}
            with bench_link.Link(server.server.server_address, profile.mbps, profile.rtt_ms, handshake_rtts) as link:
                for run in range(runs):
                    for name, options in pages.items():
                        link.wait_idle()
                        down_from, up_from, log_from = len(link.down), len(link.up), len(requests)
                        context, folder = _new_profile(playwright, tmp, options)
                        try:
                            page, cold = visit(context, link.origin + BASE + PAGES[name] + DEEP_LINK, name, timeout_ms)
                            origin = page.evaluate("performance.timeOrigin")
                            page.close()
                        finally:
                            context.close()
                            shutil.rmtree(folder, ignore_errors=True)
                        row = bench_network.figures(link, down_from, up_from, requests[log_from:], origin,
                                                    cold["first_score_ms"])
                        row.update(fcp_ms=cold["fcp_ms"], worker_started_ms=cold["worker_started_ms"],
                                   runtime_info=cold["runtime_info"])
                        measured[name].append(row)
                        log(f"network {profile.name} {name} run {run + 1}/{runs}: first score"
                            f" {_fmt(row['first_score_ms'])} ms, FCP {_fmt(row['fcp_ms'])},"
                            f" {_fmt(row['down_bytes'] / 1e6, 2)} MB down (floor {_fmt(row['floor_ms'])} ms,"
                            f" x{_fmt(row['ratio'], 3)}), last byte {_fmt(row['last_byte_ms'])} ms")
            for name, rows in measured.items():
                key = profile.name if name == "ours" else f"{profile.name}/{name}"
                out[key] = bench_network.summarise(profile, rows, page=name)
    finally:
        server.close()
    return out


def summarise(results: dict, runs: int, changes: int, chromium_version: str) -> dict:
    summary = {}
    for v, r in results.items():
        s = {}
        for phase in ("cold", "warm"):
            for key in ("fcp_ms", "lcp_ms", "tbt_ms", "first_score_ms", "worker_started_ms", "page_heap_peak",
                        "worker_heap", "wasm_memory"):
                s[f"{phase}_{key}"] = stats(x[key] for x in r[phase])
        if r["changes"]:
            ms = r["changes"]["ms"]
            s["change_p50_ms"] = percentile(ms, 50)
            s["change_p95_ms"] = percentile(ms, 95)
            s["change_max_ms"] = max(ms) if ms else None
            s["change_frame_p95_ms"] = percentile(r["changes"]["to_next_frame_ms"], 95)
            s["change_count"] = len(ms)
        if r["cold_transfer"]:
            s["cold_transfer"] = r["cold_transfer"]["total"]
        summary[v] = s

    def med(v, key):
        entry = summary.get(v, {}).get(key)
        return entry["median"] if isinstance(entry, dict) else entry

    def ratio(a, b):
        return round(a / b, 3) if a is not None and b else None

    ratios = {}
    for key in ("cold_first_score_ms", "warm_first_score_ms", "cold_fcp_ms", "cold_lcp_ms", "warm_fcp_ms",
                "warm_lcp_ms", "cold_tbt_ms", "warm_tbt_ms"):
        ratios[f"{key} ours/naive"] = ratio(med("ours", key), med("naive", key))
        if "first_score" not in key:
            ratios[f"{key} ours/limit"] = ratio(med("ours", key), med("limit", key))
    ours = summary.get("ours", {})
    tr = ours.get("cold_transfer") or {}
    targets = {}
    if "ours" in summary:
        paint = [ratios.get(f"{p}_{k}_ms ours/limit") for p in ("cold", "warm") for k in ("fcp",)]
        lcp = [ratios.get(f"{p}_lcp_ms ours/limit") for p in ("cold", "warm")]
        tbt = [med("ours", "cold_tbt_ms"), med("ours", "warm_tbt_ms")]
        checks = {
            "cold_first_score_vs_naive": (ratios.get("cold_first_score_ms ours/naive"), lambda x: x <= 0.5),
            "warm_first_score": (med("ours", "warm_first_score_ms"), lambda x: x <= 500),
            "change_p95": (ours.get("change_p95_ms"), lambda x: x <= 16),
            "fcp_vs_limit": (max(paint) if None not in paint else None, lambda x: x <= 1.10),
            "lcp_vs_limit": (max(lcp) if None not in lcp else None, lambda x: x <= 1.10),
            "tbt": (max(tbt) if None not in tbt else None, lambda x: x < 50),
            "transfer": (tr.get("pages"), lambda x: x < 5_000_000),
        }
        for name, (value, ok) in checks.items():
            targets[name] = {"text": TARGETS_TEXT[name], "value": value,
                             "met": None if value is None else bool(ok(value))}
    return {
        "config": {"runs": runs, "changes": changes, "deep_link": DEEP_LINK, "chromium": chromium_version,
                   "chromium_binary": browser_setup.chromium_executable() or "playwright-bundled",
                   "cpus": os.cpu_count(), "machine": platform.machine(), "settle_ms": SETTLE_MS,
                   "cache_control": CACHE_CONTROL,
                   "date": time.strftime("%Y-%m-%d %H:%M:%S")},
        "summary": summary, "ratios": ratios, "targets": targets, "results": results,
    }


# --------------------------------------------------------------------------- printing


def _fmt(value, digits=0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _cell(entry, scale=1.0, digits=0) -> str:
    if entry is None:
        return "-"
    if isinstance(entry, dict):
        return (f"{_fmt(entry['median'] / scale, digits)} [{_fmt(entry['min'] / scale, digits)}-"
                f"{_fmt(entry['max'] / scale, digits)}]")
    return _fmt(entry / scale, digits)


def render(report: dict) -> str:
    out = render_local(report) if report["config"]["runs"] else []
    out.extend(render_network(report.get("network") or {}))
    out.append("")
    for name, t in report["targets"].items():
        state = {True: "MET", False: "NOT MET", None: "n/a"}[t["met"]]
        value = t["value"]  # ratios with 3 decimals: 0.503 is not "0.50"
        out.append(f"target {state:8} {t['text']}: {_fmt(value, 3 if value is not None and value < 10 else 2)}")
    return "\n".join(out)


def render_local(report: dict) -> list[str]:
    """The pages' table on the local (unthrottled) server, ratios and the transfer by file."""
    s, out = report["summary"], []
    c = report["config"]
    out.append(f"Chromium {c['chromium']} ({c['chromium_binary']}), {c['cpus']} CPUs, {c['runs']} cold + "
               f"{c['runs']} warm runs per page, {c['changes']} answer changes; median [min-max]")
    variants = list(s)
    out.append(f"{'':34}" + "".join(f"{v:>26}" for v in variants))
    rows = [("first score, cold (ms)", "cold_first_score_ms", 1, 0), ("first score, warm (ms)", "warm_first_score_ms", 1, 0),
            ("  worker started, cold (ms)", "cold_worker_started_ms", 1, 0),
            ("  worker started, warm (ms)", "warm_worker_started_ms", 1, 0),
            ("FCP, cold (ms)", "cold_fcp_ms", 1, 0), ("FCP, warm (ms)", "warm_fcp_ms", 1, 0),
            ("LCP, cold (ms)", "cold_lcp_ms", 1, 0), ("LCP, warm (ms)", "warm_lcp_ms", 1, 0),
            ("TBT, cold (ms)", "cold_tbt_ms", 1, 0), ("TBT, warm (ms)", "warm_tbt_ms", 1, 0),
            ("answer change p50 (ms)", "change_p50_ms", 1, 1), ("answer change p95 (ms)", "change_p95_ms", 1, 1),
            ("  p95 to the next frame (ms)", "change_frame_p95_ms", 1, 1),
            ("peak page JS heap, cold (MB)", "cold_page_heap_peak", 1e6, 1),
            ("worker JS heap, cold (MB)", "cold_worker_heap", 1e6, 1),
            ("wasm memory, cold (MB)", "cold_wasm_memory", 1e6, 1)]
    for label, key, scale, digits in rows:
        out.append(f"{label:34}" + "".join(f"{_cell(s[v].get(key), scale, digits):>26}" for v in variants))
    for label, key in (("cold transfer raw (MB)", "raw"), ("  gzip (MB)", "gzip"), ("  brotli (MB)", "brotli"),
                       ("  as served by Pages (MB)", "pages"),
                       ("  ... if Pages left .wasm raw (MB)", "pages_if_wasm_uncompressed")):
        out.append(f"{label:34}" + "".join(
            f"{_cell((s[v].get('cold_transfer') or {}).get(key, 0), 1e6, 2):>26}" for v in variants))
    for v in variants:
        for phase in ("cold", "warm"):
            runs = [r.get("runtime_info") or {} for r in report["results"][v][phase]]
            keys = sorted({k for r in runs for k in (r.get("timings") or {})}, key=lambda k: statistics.median(
                [r["timings"][k] for r in runs if k in (r.get("timings") or {})]))
            if keys:
                snap = sorted({str(r.get("snapshot")) for r in runs})
                out.append(f"worker steps, {v} {phase} (median ms since the worker started): " + ", ".join(
                    f"{k} {_fmt(statistics.median(r['timings'][k] for r in runs if k in r.get('timings', {})))}"
                    for k in keys) + f"; snapshot: {'/'.join(snap)}")
    out.append("")
    out.append("ratios (medians): " + ", ".join(f"{k} {_fmt(v, 2)}" for k, v in report["ratios"].items()
                                                if v is not None))
    ours = report["results"].get("ours", {}).get("cold_transfer")
    if ours:
        out.append("")
        out.append(f"cold transfer of 'ours' by file (bytes){'':12}{'raw':>12}{'gzip':>12}{'brotli':>12}{'Pages':>12}")
        for name, f in sorted(ours["files"].items(), key=lambda kv: -kv[1]["raw"]):
            count = f" x{f['count']}" if f["count"] > 1 else ""
            out.append(f"  {name[:48] + count:50}{f['raw']:>12,}{f['gzip']:>12,}{_fmt(f['brotli']):>12}"
                       f"{f['pages']:>12,}{'' if f['pages_gzip'] else '  (not compressed by Pages)'}")
    return out


def render_network(network: dict) -> list[str]:
    """The network profiles' table: one column per profile, median [min-max] over its runs."""
    if not network:
        return []
    runs = max((p["summary"]["first_score_ms"]["n"] for p in network.values() if p["summary"]["first_score_ms"]),
               default=0)
    out = ["", f"network profiles: cold visits of the calculator's deep link ({DEEP_LINK}) through one shared"
               f" link, the site served as Pages serves it (gzip); median [min-max] of {runs} run(s)",
           f"{'':40}" + "".join(f"{p['label']:>32}" for p in network.values())]
    rows = [("first score (ms)", "first_score_ms", 1, 0), ("FCP (ms)", "fcp_ms", 1, 0),
            ("bytes down the link (MB)", "down_bytes", 1e6, 3),
            ("  response bodies (MB)", "response_bytes", 1e6, 3), ("  requests", "requests", 1, 0),
            ("bytes up the link (kB)", "up_bytes", 1e3, 1),
            ("floor: bytes down / bandwidth (ms)", "floor_ms", 1, 0), ("first score / floor", "ratio", 1, 3),
            ("last byte before the score (ms)", "last_byte_ms", 1, 0),
            ("  link idle before it (ms)", "idle_before_last_byte_ms", 1, 0),
            ("  after it, to the score (ms)", "after_last_byte_ms", 1, 0),
            ("worker started (ms)", "worker_started_ms", 1, 0),
            ("link's delivery late, p95 (ms)", "link_late_p95_ms", 1, 1),
            ("  max (ms)", "link_late_max_ms", 1, 1)]
    for label, key, scale, digits in rows:
        out.append(f"{label:40}" + "".join(f"{_cell(p['summary'].get(key), scale, digits):>32}"
                                           for p in network.values()))
    for name, p in network.items():
        gaps = p["runs"][0].get("idle_gaps_ms") if p["runs"] else None
        if gaps:
            out.append(f"link idle >= 100 ms before the score, {name} run 1 (ms from navigation): "
                       + ", ".join(f"{_fmt(a)}-{_fmt(b)}" for a, b in gaps))
        tail = p["summary"].get("after_last_byte_steps_ms")
        if tail:
            out.append(f"after the last byte, {name} (median ms after the step before): "
                       + ", ".join(f"{k} +{_fmt(v)}" for k, v in tail.items()))
        steps = p["summary"].get("worker_steps_ms") or {}
        if steps:
            out.append(f"worker steps, {name} (median ms since the worker started): "
                       + ", ".join(f"{k} {_fmt(v)}" for k, v in steps.items()))
    return out


def main(args=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0],
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site-dir", help="a built site (default: build one into a temp folder)")
    parser.add_argument("--runs", type=int, default=7,
                        help="cold + warm visits per page (default 7; 0: only the network profiles)")
    parser.add_argument("--changes", type=int, default=50, help="answer changes timed (default 50)")
    parser.add_argument("--only", default="ours,naive,limit", help="pages to measure (default: all three)")
    parser.add_argument("--out", help="write the JSON report here")
    parser.add_argument("--ours-options", help="JSON for window.qmasRuntimeOptions on our page, e.g."
                        ' \'{"serviceWorker": false, "snapshot": false}\'')
    parser.add_argument("--ours-stdlib", choices=("bundle", "source", "pyc"), default="bundle",
                        help="measure an earlier step: the wheel with Pyodide's stdlib as source or .pyc")
    parser.add_argument("--ours-bundle", help="measure another bundle: JSON over pyodide_files.BUNDLE_OPTIONS, e.g."
                        ' \'{"compile": "none"}\'')
    parser.add_argument("--ours-unsplit", action="store_true",
                        help="measure an earlier step: the score and its extras in one reply")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=JSON",
                        help='another version of our page measured in the same runs, e.g. no-snapshot='
                             '\'{"options": {"snapshot": false}}\' (keys: options, unsplit, html); repeatable')
    parser.add_argument("--latency-ms", type=float, default=0,
                        help="add this round-trip latency to every request (CDP network emulation)")
    parser.add_argument("--cache-control", default=CACHE_CONTROL,
                        help=f"the server's Cache-Control (default {CACHE_CONTROL!r}, as Pages; 'no-cache'"
                             " is a repeat visit after Pages' 10 minutes: every file revalidated)")
    parser.add_argument("--network", default=bench_network.DEFAULT, metavar="PROFILES",
                        help=f"network profiles, comma-separated: {', '.join(bench_network.PROFILES)} or MBPS:RTT_MS"
                             f" (e.g. 1.6:150); 'none' skips them (default {bench_network.DEFAULT})")
    parser.add_argument("--network-runs", type=int, metavar="N",
                        help="cold visits per network profile (default: --runs, at most 3)")
    parser.add_argument("--handshake-rtts", type=int, default=bench_link.HANDSHAKE_RTTS, metavar="N",
                        help="round trips to open the link (default %(default)s: TCP and TLS 1.3, as on Pages)")
    opts = parser.parse_args(args)
    try:
        network = bench_network.parse(opts.network)
    except ValueError as error:
        parser.error(str(error))
    network_runs = opts.network_runs if opts.network_runs is not None else min(opts.runs, 3)
    variants = tuple(v for v in opts.only.split(",") if v)
    with tempfile.TemporaryDirectory(prefix="qmas-bench-site-") as tmp:
        site_dir = opts.site_dir
        if not site_dir:
            site_dir = build.build_site(Path(tmp) / "site")
            print(f"built {site_dir}", flush=True)
        report = run_bench(site_dir, runs=opts.runs, changes=opts.changes, variants=variants,
                           log=lambda line: print(line, flush=True),
                           ours_options=json.loads(opts.ours_options) if opts.ours_options else None,
                           ours_stdlib=opts.ours_stdlib,
                           ours_bundle=json.loads(opts.ours_bundle) if opts.ours_bundle else None,
                           ours_unsplit=opts.ours_unsplit,
                           extra={k: json.loads(v) for k, v in (item.split("=", 1) for item in opts.variant)},
                           latency_ms=opts.latency_ms, cache_control=opts.cache_control,
                           network=network, network_runs=network_runs, handshake_rtts=opts.handshake_rtts)
        report["config"].update(network=opts.network, ours_options=opts.ours_options, ours_stdlib=opts.ours_stdlib,
                                ours_bundle=opts.ours_bundle,
                                ours_unsplit=opts.ours_unsplit, variants=opts.variant,
                                latency_ms=opts.latency_ms, cache_control=opts.cache_control)
    print()
    print(render(report))
    if opts.out:
        Path(opts.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
