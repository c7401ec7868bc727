"""Time navigation -> first worker reply in headless Chromium, cold.

    python -m site_scripts.bench --site-dir site --runs 5

serves the built site at /qmas/ (with tests/site/fixtures at /qmas/__tests__/),
opens the worker probe page in a fresh browser context per run (empty HTTP
and code cache), sends one assess request at once (by default the first
profile of tests/cases/golden.json, with the calculator's extras), and
reports per run:

    first_reply_ms  page navigation start -> the reply to that request
    ready_ms        page navigation start -> the worker's "ready" message
    worker          the worker's own timings (ms since the worker started):
                    loader (pyodide.mjs + manifest), pyodide (loadPyodide done),
                    wheel (loadPackage done), core (qmas_core imported)

and the medians. ``--fresh-browser`` starts a new Chromium per run as well;
``--worker`` benchmarks another worker script (path relative to the site
root), e.g. an experimental variant; ``--out FILE`` writes the JSON report.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.parse
from pathlib import Path

from site_scripts import browser as browser_setup
from site_scripts import serve

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "site" / "fixtures"
BASE = "/qmas/"
PROBE = "__tests__/worker_probe.html"
GOLDEN = ROOT / "tests" / "cases" / "golden.json"
INCLUDE = ["advice", "checklist", "compare"]  # what the calculator asks for


def default_request() -> dict:
    """The first golden profile, with every extra (else empty answers)."""
    try:
        case = json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"][0]
        return {"answers": case["answers"], "edition": case["edition"], "lang": "en", "include": INCLUDE}
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return {"answers": {}, "lang": "en"}


def _one_run(browser, url: str, timeout_ms: int) -> dict:
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(
            "() => document.getElementById('first-reply-type').textContent !== ''"
            " || document.getElementById('status').textContent.startsWith('fatal')",
            timeout=timeout_ms,
        )
        wall_ms = round((time.perf_counter() - started) * 1000)
        status = page.locator("#status").text_content()
        if status != "ready":
            raise RuntimeError(f"worker failed: {status}")
        ready = json.loads(page.locator("#ready").text_content())
        reply = json.loads(page.locator("#first-reply").text_content())
        return {
            "first_reply_ms": int(page.locator("#first-reply-ms").text_content()),
            "ready_ms": int(page.locator("#ready-ms").text_content()),
            "wall_ms": wall_ms,
            "worker": ready.get("timings", {}),
            "reply_type": reply.get("type"),
            "console_errors": errors,
        }
    finally:
        context.close()


def run_bench(
    site_dir: str | Path,
    runs: int = 5,
    request: dict | None = None,
    worker: str | None = None,
    fresh_browser: bool = False,
    timeout_ms: int = 120_000,
) -> dict:
    from playwright.sync_api import sync_playwright

    query = {"request": json.dumps(request or default_request())}
    if worker:
        query["worker"] = "../" + worker.lstrip("/")
    results = []
    with serve.start(site_dir, base=BASE, mounts={BASE + "__tests__/": FIXTURES}) as server:
        url = server.url + PROBE + "?" + urllib.parse.urlencode(query)
        with sync_playwright() as playwright:
            options = browser_setup.launch_options()
            shared = None if fresh_browser else playwright.chromium.launch(**options)
            try:
                for _ in range(runs):
                    chromium = shared or playwright.chromium.launch(**options)
                    try:
                        results.append(_one_run(chromium, url, timeout_ms))
                    finally:
                        if shared is None:
                            chromium.close()
            finally:
                if shared is not None:
                    shared.close()
    summary = {
        key: statistics.median(r[key] for r in results)
        for key in ("first_reply_ms", "ready_ms", "wall_ms")
    }
    worker_keys = sorted({k for r in results for k in r["worker"]})
    summary["worker"] = {
        k: statistics.median(r["worker"][k] for r in results if k in r["worker"])
        for k in worker_keys
    }
    return {
        "url_path": PROBE,
        "worker": worker or "assets/javascripts/qmas-worker.js",
        "runs": results,
        "median": summary,
        "chromium": browser_setup.chromium_executable() or "playwright-bundled",
        "fresh_browser": fresh_browser,
    }


def main(args=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m site_scripts.bench",
        description="Median time from navigation to the first worker reply (cold loads).",
    )
    parser.add_argument("--site-dir", default="site")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--request", help="JSON {answers, edition, lang} to send")
    parser.add_argument("--worker", help="worker script path relative to the site root")
    parser.add_argument("--fresh-browser", action="store_true", help="new Chromium per run")
    parser.add_argument("--out", help="write the JSON report here")
    opts = parser.parse_args(args)
    report = run_bench(
        opts.site_dir,
        runs=opts.runs,
        request=json.loads(opts.request) if opts.request else None,
        worker=opts.worker,
        fresh_browser=opts.fresh_browser,
    )
    for i, r in enumerate(report["runs"], 1):
        print(
            f"run {i}: first reply {r['first_reply_ms']} ms, ready {r['ready_ms']} ms, "
            f"worker {r['worker']}, reply {r['reply_type']}"
        )
    m = report["median"]
    print(
        f"median of {len(report['runs'])}: first reply {m['first_reply_ms']} ms, "
        f"ready {m['ready_ms']} ms, worker {m['worker']}"
    )
    if opts.out:
        Path(opts.out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
