"""Measure intent loading (qmas-runtime.js): the time from clicking a calculator link on the
home page to the first score, with and without pointing at the link HOVER_S before the click
(side by side in each run, a fresh browser context each time: a cold cache), and the bytes a
visit that never goes to the calculator fetches (the runtime's among them).

    .venv/bin/python -m tools.intent_timing --runs 3

The site is built with a site URL (the local server's), as deployed: Material's instant
navigation, which the started worker survives, is on only then. --mbps and --rtt put the
site, compressed as GitHub Pages does, behind one throttled link shared by every connection
(tools.bench_link, as the benchmark's network profiles); without them it is served locally as
the files are.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools import browser as browser_setup
from tools import serve
from tools.bench_link import Link

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = re.compile(r"/assets/(javascripts/qmas-worker|py/|pyodide/)")
LINK = "article a[href$='calculator/']:not([href*='link-to'])"


def build(site: Path, url: str) -> None:
    env = {**os.environ, "QMAS_SITE_URL": url, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "site_scripts.build", "--site-dir", str(site)], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def click_to_score(browser, url: str, hover_s: float | None) -> float:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_load_state("load")
        link = page.locator(LINK).first
        if hover_s is not None:
            link.hover()
            page.wait_for_timeout(hover_s * 1000)
        else:
            page.wait_for_timeout(1000)
        start = time.monotonic()
        link.click()
        page.get_by_test_id("total").wait_for(state="visible", timeout=120_000)
        return time.monotonic() - start
    finally:
        context.close()


def visit_bytes(browser, url: str) -> dict:
    """A visit of three pages (instant navigation), moving over and scrolling past their links."""
    context = browser.new_context()
    sizes = {"runtime": 0, "other": 0, "runtime_requests": 0}

    def finished(request):
        body = request.sizes()["responseBodySize"]
        key = "runtime" if RUNTIME.search(request.url) else "other"
        sizes[key] += body
        sizes["runtime_requests"] += key == "runtime"

    try:
        page = context.new_page()
        page.on("requestfinished", finished)
        page.goto(url)
        for path in ("eligibility/", "general-points-test/", ""):
            page.wait_for_load_state("load")
            links = page.locator("article a[href]:not([href$='calculator/'])")
            for i in range(min(links.count(), 10)):
                if links.nth(i).is_visible():
                    links.nth(i).hover()
            page.mouse.wheel(0, 3000)
            page.wait_for_timeout(1000)
            if path:
                page.locator(f"nav a[href$='{path}']").first.click()
        page.wait_for_timeout(1500)
        return sizes
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hover", type=float, default=1.0, help="seconds between hover and click")
    parser.add_argument("--mbps", type=float, default=0, help="throttle to this bandwidth (0: none)")
    parser.add_argument("--rtt", type=float, default=40, help="round trip in ms, with --mbps")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        with serve.start(site, base="/qmas/", port=0, gzip=bool(args.mbps)) as server, sync_playwright() as playwright:
            url = server.url
            link = None
            if args.mbps:
                host, port = server.server.server_address[:2]
                link = Link((host, port), mbps=args.mbps, rtt_ms=args.rtt).start()
                url = link.origin + "/qmas/"
            build(site, url)
            browser = playwright.chromium.launch(**browser_setup.launch_options())
            without, with_hover = [], []
            for run in range(args.runs):
                # Side by side, the order alternating: the machine's noise falls on both.
                pair = [(without, None), (with_hover, args.hover)]
                for times, hover in pair if run % 2 == 0 else reversed(pair):
                    times.append(click_to_score(browser, url, hover))
                print(f"run {run + 1}: click to score {without[-1]:.2f} s without hover, "
                      f"{with_hover[-1]:.2f} s with a hover {args.hover:.1f} s before "
                      f"(ratio {with_hover[-1] / without[-1]:.2f})")
            a, b = statistics.median(without), statistics.median(with_hover)
            print(f"median: {a:.2f} s without, {b:.2f} s with hover: ratio {b / a:.2f}")
            sizes = visit_bytes(browser, url)
            print(f"a visit that never goes to the calculator: {sizes['runtime']} bytes of the runtime "
                  f"({sizes['runtime_requests']} requests), {sizes['other']} bytes of everything else")
            browser.close()
            if link:
                link.close()


if __name__ == "__main__":
    main()
