"""The worker runs qmas_core in Pyodide and answers like CPython does.

Needs a built site (see conftest.py) with the worker, the Pyodide runtime and
the wheel in it; skips otherwise. Without MkDocs, this builds one:

    python -m site_scripts.pyodide_files --site-dir site
    python -m site_scripts.wheel --site-dir site
    mkdir -p site/assets/javascripts && cp overrides/assets/javascripts/qmas-worker.js site/assets/javascripts/

Each reply from the browser is compared with what qmas_core.assess_json
returns under CPython from the same wheel (unpacked, as Pyodide installs it),
so the test holds for whatever the core answers.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright_sync.expect

ROOT = Path(__file__).resolve().parents[2]
PROBE = "__tests__/worker_probe.html"
LOAD_TIMEOUT_MS = 120_000  # Pyodide start-up is ~2-3 s here; CI machines can be slower
REPLY_TIMEOUT_MS = 30_000

NEEDED = (
    "assets/javascripts/qmas-worker.js",
    "assets/pyodide/pyodide.mjs",
    "assets/pyodide/pyodide.asm.mjs",
    "assets/pyodide/pyodide.asm.wasm",
    "assets/pyodide/python_stdlib.zip",
    "assets/py/manifest.json",
)

# Requests every core must survive; the expected reply comes from CPython.
# (Keys left out stay out: the worker passes on only the keys a message has.)
REQUESTS = (
    {"answers": {}, "edition": "points-245", "lang": "en"},
    {"answers": {"age": 30}, "edition": "points-245", "lang": "en"},
    {"answers": {"age": 30}, "edition": "no-such-edition", "lang": "en"},
    {"answers": None, "edition": "points-245", "lang": "zh-Hant"},
    {"answers": {}},
    {"answers": {}, "lang": "zh-Hans", "include": ["advice", "checklist", "compare"]},
)
REQUEST_KEYS = ("answers", "edition", "lang", "include")  # as in qmas-worker.js

REFERENCE_SCRIPT = r"""
import json, sys, traceback
sys.path.insert(0, sys.argv[1])
import qmas_core
assert qmas_core.__file__.startswith(sys.argv[1]), qmas_core.__file__
replies = []
for request in json.load(sys.stdin):
    try:
        response = json.loads(qmas_core.assess_json(json.dumps(request)))
    except Exception as e:
        replies.append({"type": "error", "message": traceback.format_exception_only(e)[-1].strip()})
        continue
    if isinstance(response.get("errors"), list):
        replies.append({"type": "invalid", "errors": response["errors"]})
    else:
        replies.append({**response, "type": "result"})
try:
    editions = [e["id"] if isinstance(e, dict) else e for e in qmas_core.editions()]
except Exception:
    editions = []
print(json.dumps({"replies": replies, "editions": editions}))
"""


@pytest.fixture(scope="module")
def worker_site(site_dir: Path) -> Path:
    if not (site_dir / "assets" / "pyodide").is_dir():
        pytest.skip(
            f"{site_dir} has no assets/pyodide: run "
            "`python -m site_scripts.pyodide_files --site-dir <site>` (or the MkDocs build)"
        )
    missing = [name for name in NEEDED if not (site_dir / name).is_file()]
    if missing:
        pytest.skip(f"{site_dir} lacks {', '.join(missing)}: build the site first")
    return site_dir


@pytest.fixture(scope="module")
def manifest(worker_site: Path) -> dict:
    return json.loads((worker_site / "assets/py/manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reference(worker_site: Path, manifest: dict, tmp_path_factory):
    """``reference(requests) -> {"replies": [...], "editions": [...]}`` under CPython."""
    wheel = worker_site / "assets/py" / manifest["wheel"]
    unpacked = tmp_path_factory.mktemp("wheel")
    with zipfile.ZipFile(wheel) as z:  # as Pyodide installs it: unpacked into a folder
        z.extractall(unpacked)

    def run(requests):
        shaped = [{k: r[k] for k in REQUEST_KEYS if k in r} for r in requests]
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", REFERENCE_SCRIPT, str(unpacked)],
            input=json.dumps(shaped),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    return run


def golden_requests(limit: int = 10) -> list[dict]:
    """Profiles from tests/cases/golden.json, if it has any in a shape we know."""
    path = ROOT / "tests" / "cases" / "golden.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cases = data.get("cases", []) if isinstance(data, dict) else data
    found = []
    for case in cases if isinstance(cases, list) else []:
        if isinstance(case, dict) and "answers" in case and "edition" in case:
            found.append({"answers": case["answers"], "edition": case["edition"]})
    return found[:limit]


def open_probe(page, served_site: str, query: str = ""):
    page.goto(served_site + PROBE + query)
    expect(page.locator("#status")).to_have_text("ready", timeout=LOAD_TIMEOUT_MS)
    return page.evaluate("() => qmasProbe.ready")


def strip_reply(reply: dict) -> dict:
    """A browser reply without the id (and the traceback, whose paths differ)."""
    return {k: v for k, v in reply.items() if k not in ("id", "traceback")}


def test_worker_loads_self_hosted_and_answers_like_cpython(
    page, page_log, served_site, worker_site, manifest, reference
):
    ready = open_probe(page, served_site)

    assert ready["wheel"] == manifest["wheel"]
    wheel_bytes = (worker_site / "assets/py" / manifest["wheel"]).read_bytes()
    assert ready["sha256"] == manifest["sha256"] == hashlib.sha256(wheel_bytes).hexdigest()
    assert re.fullmatch(r"\d+\.\d+\.\d+", ready["pyodide"]), ready

    editions = reference([])["editions"]
    requests = list(REQUESTS)
    requests += [{"answers": {}, "edition": e, "lang": "en"} for e in editions]
    requests += [{**r, "include": ["advice", "checklist", "compare"]} for r in golden_requests(3)]
    requests += golden_requests()
    expected = reference(requests)["replies"]
    got = page.evaluate(
        "requests => Promise.all(requests.map(r => qmasProbe.assess(r)))", requests
    )
    ids = [reply["id"] for reply in got]
    assert len(set(ids)) == len(ids), f"replies not matched one-to-one by id: {ids}"
    for request, reply, want in zip(requests, got, expected):
        assert strip_reply(reply) == want, f"request {request}"
        if reply["type"] == "invalid":
            assert all(set(e) >= {"field", "message"} for e in reply["errors"]), reply

    assert page_log.foreign_requests(served_site) == []
    assert page_log.problems() == []
    wanted = {
        served_site + "assets/javascripts/qmas-worker.js",
        served_site + "assets/pyodide/pyodide.mjs",
        served_site + "assets/pyodide/pyodide.asm.mjs",
        served_site + "assets/pyodide/pyodide.asm.wasm",
        served_site + "assets/pyodide/" + manifest.get("pyodide_stdlib", "python_stdlib.zip"),
        served_site + "assets/py/" + manifest["wheel"],
    }
    assert wanted <= set(page_log.requests)
    if "pyodide_lock" in manifest:  # lockFileContents came from the manifest
        assert served_site + "assets/pyodide/pyodide-lock.json" not in page_log.requests


def test_reply_to_an_unknown_message_type_is_an_error(page, served_site, worker_site):
    open_probe(page, served_site)
    reply = page.evaluate("() => qmasProbe.send({id: 'odd-1', type: 'frobnicate'})")
    assert reply == {"id": "odd-1", "type": "error", "message": "unknown message type: frobnicate"}


def test_a_runtime_that_cannot_load_reports_fatal(page, served_site, worker_site):
    page.route("**/assets/py/manifest.json", lambda route: route.fulfill(status=404, body="gone"))
    page.goto(served_site + PROBE)
    expect(page.locator("#status")).to_contain_text("fatal:", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("#status")).to_contain_text("manifest.json: HTTP 404")
    reply = page.evaluate(
        "() => qmasProbe.assess({answers: {}, edition: 'points-245', lang: 'en'})"
    )
    assert reply["type"] == "fatal" and reply["id"] == 1, reply
