"""The worker runs qmas_core in Pyodide and answers like CPython does.

Needs a built site (see conftest.py) with the worker, the Pyodide runtime, the wheel and the
bundle in it; skips otherwise. Without MkDocs, this builds one:

    python -m site_scripts.pyodide_files --site-dir site
    python -m site_scripts.wheel --site-dir site
    mkdir -p site/assets/javascripts && cp -r overrides/assets/javascripts/qmas-worker* site/assets/javascripts/

Each reply from the browser is compared with what qmas_core returns under CPython from the
same wheel (unpacked, as Pyodide would install it), so the test holds for whatever the core
answers. The worker runs the core from the bundle (a trimmed, precompiled stdlib plus the
core): the comparison also checks that the bundle left out no module the core needs (the
worker would fetch the full stdlib for it, and says so in its stats). Then the same checks
run on a worker restored from its memory snapshot, and on a bundle with a module removed.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.browser.bundle_tools import serve_bundle_without

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = playwright_sync.expect

ROOT = Path(__file__).resolve().parents[2]
PROBE = "__tests__/worker_probe.html"
LOAD_TIMEOUT_MS = 120_000  # Pyodide start-up is ~1-2 s here; CI machines can be slower
INCLUDE = ["advice", "checklist", "compare"]

# Requests every core must survive; the expected reply comes from CPython.
# (Keys left out stay out: the worker passes on only the keys a message has.)
REQUESTS = (
    {"answers": {}, "edition": "points-245", "lang": "en"},
    {"answers": {"age": 30}, "edition": "points-245", "lang": "en"},
    {"answers": {"age": 30}, "edition": "no-such-edition", "lang": "en"},
    {"answers": None, "edition": "points-245", "lang": "zh-Hant"},
    {"answers": {}},
    {"answers": {}, "lang": "zh-Hans", "include": INCLUDE},
    {"answers": {"age": -1, "qualification": "wizard"}, "edition": "criteria-2024", "lang": "zh-Hant"},
    {"answers": {"birth_date": "1992-02-29", "application_date": "2025-03-01"}, "lang": "zh-Hans", "include": INCLUDE},
)
FINDS = (
    {"query": "Tsinghua", "lang": "en"},
    {"query": "清华", "lang": "zh-Hans"},
    {"query": "UCL", "lang": "zh-Hant"},
    {"query": "Oxfrd", "lang": "en"},
    {"query": "Hogwarts School", "lang": "en"},
)
REQUEST_KEYS = ("answers", "edition", "lang", "include")  # as in qmas-worker.js

REFERENCE_SCRIPT = r"""
import json, sys, traceback
sys.path.insert(0, sys.argv[1])
import qmas_core
assert qmas_core.__file__.startswith(sys.argv[1]), qmas_core.__file__

def reply(call, kind):
    try:
        response = json.loads(call())
    except Exception as e:
        return {"type": "error", "message": traceback.format_exception_only(e)[-1].strip()}
    if isinstance(response.get("errors"), list):
        return {"type": "invalid", "errors": response["errors"]}
    return {**response, "type": "result"} if kind == "assess" else {"type": "found", "result": response}

calls = json.load(sys.stdin)
replies = [reply(lambda: qmas_core.assess_json(json.dumps(c["request"])), "assess") if c["kind"] == "assess"
           else reply(lambda: qmas_core.find_universities_json(json.dumps(c["request"])), "find")
           for c in calls]
try:
    editions = [e["id"] if isinstance(e, dict) else e for e in qmas_core.editions()]
except Exception:
    editions = []
print(json.dumps({"replies": replies, "editions": editions}))
"""

# Sends every call to the worker at once; replies matched by id.
SEND_ALL = """calls => Promise.all(calls.map(c => c.kind === "assess"
    ? qmasProbe.assess(c.request)
    : qmasProbe.send({...c.request, id: "find-" + Math.random(), type: "find"})))"""


@pytest.fixture(scope="module")
def manifest(site_dir: Path) -> dict:
    path = site_dir / "assets/py/manifest.json"
    if not path.is_file() or not (site_dir / "assets/javascripts/qmas-worker.js").is_file():
        pytest.skip(f"{site_dir} has no worker or no assets/py/manifest.json: build the site first")
    data = json.loads(path.read_text(encoding="utf-8"))
    if "pyodide" not in data or not (site_dir / "assets/py" / data["pyodide"]["dir"] / "pyodide.mjs").is_file():
        pytest.skip(f"{site_dir} has no Pyodide runtime: run `python -m site_scripts.pyodide_files`")
    return data


@pytest.fixture(scope="module")
def worker_site(site_dir: Path, manifest: dict) -> Path:
    return site_dir


def runtime_url(served_site: str, manifest: dict, name: str) -> str:
    """The URL of a file of the Pyodide runtime (its folder is relative to the manifest)."""
    return urljoin(served_site + "assets/py/", manifest["pyodide"]["dir"] + name)


@pytest.fixture(scope="module")
def reference(worker_site: Path, manifest: dict, tmp_path_factory):
    """``reference(calls) -> {"replies": [...], "editions": [...]}`` under CPython."""
    wheel = worker_site / "assets/py" / manifest["wheel"]
    unpacked = tmp_path_factory.mktemp("wheel")
    with zipfile.ZipFile(wheel) as z:  # as Pyodide installs it: unpacked into a folder
        z.extractall(unpacked)

    def run(calls):
        shaped = [{"kind": c["kind"], "request": {k: v for k, v in c["request"].items()
                                                  if c["kind"] == "find" or k in REQUEST_KEYS}} for c in calls]
        proc = subprocess.run(
            [sys.executable, "-I", "-S", "-c", REFERENCE_SCRIPT, str(unpacked)],
            input=json.dumps(shaped), capture_output=True, text=True, timeout=120,
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


def all_calls(editions: list[str]) -> list[dict]:
    requests = list(REQUESTS)
    requests += [{"answers": {}, "edition": e, "lang": lang} for e in editions for lang in ("en", "zh-Hant")]
    requests += [{**r, "include": INCLUDE, "lang": lang} for r in golden_requests(3) for lang in ("en", "zh-Hans")]
    requests += golden_requests()
    return [{"kind": "assess", "request": r} for r in requests] + [{"kind": "find", "request": f} for f in FINDS]


def open_probe(page, served_site: str, query: str = ""):
    page.goto(served_site + PROBE + query)
    expect(page.locator("#status")).to_have_text("ready", timeout=LOAD_TIMEOUT_MS)
    return page.evaluate("() => qmasProbe.ready")


def strip_reply(reply: dict) -> dict:
    """A browser reply without the id (and the traceback, whose paths differ)."""
    return {k: v for k, v in reply.items() if k not in ("id", "traceback")}


def check_answers_like_cpython(page, reference) -> dict:
    """Every call through the worker equals CPython's reply; returns the worker's stats."""
    calls = all_calls(reference([])["editions"])
    expected = reference(calls)["replies"]
    got = page.evaluate(SEND_ALL, calls)
    ids = [reply["id"] for reply in got]
    assert len(set(ids)) == len(ids), f"replies not matched one-to-one by id: {ids}"
    for call, reply, want in zip(calls, got, expected):
        assert strip_reply(reply) == want, f"{call}"
        if reply["type"] == "invalid":
            assert all(set(e) >= {"field", "message"} for e in reply["errors"]), reply
    return page.evaluate("() => qmasProbe.send({id: 'stats', type: 'stats'})")


def test_worker_loads_self_hosted_and_answers_like_cpython(
    page, page_log, served_site, worker_site, manifest, reference
):
    ready = open_probe(page, served_site)

    assert ready["wheel"] == manifest["wheel"]
    wheel_bytes = (worker_site / "assets/py" / manifest["wheel"]).read_bytes()
    assert ready["sha256"] == manifest["sha256"] == hashlib.sha256(wheel_bytes).hexdigest()
    assert ready["pyodide"] == manifest["pyodide"]["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", ready["pyodide"]), ready
    assert ready["snapshot"] == "none"  # a new context: nothing stored yet

    stats = check_answers_like_cpython(page, reference)
    # The bundle held every stdlib module the core needed: no fetch of the full stdlib.
    assert stats["stdlib_fallback"] == [], stats

    assert page_log.foreign_requests(served_site) == []
    assert page_log.problems() == []
    wanted = {
        served_site + "assets/javascripts/qmas-worker.js",
        served_site + "assets/py/manifest.json",
        runtime_url(served_site, manifest, "pyodide.mjs"),
        runtime_url(served_site, manifest, "pyodide.asm.mjs"),
        runtime_url(served_site, manifest, "pyodide.asm.wasm.gz"),
    }
    if "bundle" in manifest:
        wanted.add(served_site + "assets/py/" + manifest["bundle"]["file"])
        # Neither the wheel, nor the full stdlib, nor the lock file is fetched.
        for name in (served_site + "assets/py/" + manifest["wheel"], runtime_url(served_site, manifest, "python_stdlib.zip")):
            assert name not in page_log.requests
    assert wanted <= set(page_log.requests), wanted - set(page_log.requests)
    assert runtime_url(served_site, manifest, "pyodide-lock.json") not in page_log.requests
    # The wasm once, as the build gzipped it: never also the uncompressed copy.
    assert runtime_url(served_site, manifest, "pyodide.asm.wasm") not in page_log.requests


def test_a_restored_memory_snapshot_answers_like_cpython(page, page_log, served_site, worker_site, manifest, reference):
    if "bundle" not in manifest or "cache" not in manifest:
        pytest.skip("the site has no bundle: no snapshot")
    open_probe(page, served_site)
    made = page.evaluate("""() => new Promise((resolve) => {
        const maker = new Worker(qmasProbe.workerURL, {type: "module", name: "qmas-snapshot"});
        maker.onmessage = (event) => { if (event.data.type === "snapshot") { maker.terminate(); resolve(event.data); } };
        maker.onerror = (event) => resolve({stored: false, message: event.message});
    })""")
    assert made["stored"] is True, made
    ready = open_probe(page, served_site)  # the same context: Cache Storage has the snapshot
    assert ready["snapshot"] == "used", ready
    stats = check_answers_like_cpython(page, reference)
    assert stats["snapshot"] == "used" and stats["stdlib_fallback"] == [], stats
    assert page_log.problems() == []


def test_a_module_missing_from_the_bundle_comes_from_the_full_stdlib(page, page_log, served_site, worker_site, manifest, reference):
    if "bundle" not in manifest:
        pytest.skip("the site has no bundle")
    serve_bundle_without(page, worker_site, manifest, "tomllib/")
    open_probe(page, served_site)
    reply = page.evaluate("() => qmasProbe.assess({answers: {age: 30}, edition: 'criteria-2024', lang: 'en'})")
    expected = reference([{"kind": "assess", "request": {"answers": {"age": 30}, "edition": "criteria-2024", "lang": "en"}}])
    assert strip_reply(reply) == expected["replies"][0]
    stats = page.evaluate("() => qmasProbe.send({id: 'stats', type: 'stats'})")
    assert "tomllib" in stats["stdlib_fallback"], stats
    assert runtime_url(served_site, manifest, manifest["stdlib"]["full"]) in page_log.requests
    assert page_log.problems() == []


def test_a_damaged_full_stdlib_is_refused_with_its_name(page, served_site, worker_site, manifest):
    serve_bundle_without(page, worker_site, manifest, "tomllib/")
    full = runtime_url(served_site, manifest, manifest["stdlib"]["full"])
    page.route(full, lambda route: route.fulfill(body=b"PK\x03\x04 not the whole file", content_type="application/zip"))
    page.goto(served_site + PROBE)
    expect(page.locator("#status")).to_contain_text("fatal:", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("#status")).to_contain_text(f"{manifest['stdlib']['full']} is damaged")


SPLIT = """async (requests) => {
  // A worker of our own, to see every reply (the probe keeps only the first per id).
  const worker = new Worker(qmasProbe.workerURL, {type: "module"});
  const replies = [];
  const done = new Promise((resolve) => {
    worker.onmessage = (event) => {
      if (event.data.type === "progress" || event.data.type === "ready") return;
      replies.push(event.data);
      if (["extras", "error"].includes(event.data.type) && event.data.id === requests.length) resolve();
    };
  });
  requests.forEach((request, i) => worker.postMessage({...request, id: i + 1, type: "assess", split: true}));
  await done;
  worker.terminate();
  return replies;
}"""


def test_a_split_request_gets_the_score_first_then_the_extras(page, served_site, worker_site, reference):
    open_probe(page, served_site)
    requests = [{"answers": {"age": 30 + i, "work_years": 6}, "edition": "criteria-2024", "lang": "en",
                 "include": INCLUDE} for i in range(3)]
    expected = reference([{"kind": "assess", "request": r} for r in requests])["replies"]
    replies = page.evaluate(SPLIT, requests)
    results = {r["id"]: r for r in replies if r["type"] == "result"}
    extras = {r["id"]: r for r in replies if r["type"] == "extras"}
    assert sorted(results) == [1, 2, 3], replies
    for i, want in enumerate(expected, 1):
        assert results[i]["result"] == want["result"]
        assert results[i]["pending"] == INCLUDE
        assert set(results[i]) == {"id", "type", "result", "pending"}
    # The last request's extras always come, and equal CPython's; older ones may be skipped
    # (a newer request had arrived), but any that come are right, and come after their result.
    assert 3 in extras
    for i, reply in extras.items():
        assert {k: v for k, v in reply.items() if k not in ("id", "type")} == \
            {k: v for k, v in expected[i - 1].items() if k not in ("result", "type")}
        assert replies.index(reply) > replies.index(results[i])


def test_an_extra_the_core_refuses_leaves_the_others(page, served_site, worker_site, reference):
    # An extra this core does not offer (a page newer than the runtime it talks to) is refused;
    # the score and the other extras still come, as in CPython.
    open_probe(page, served_site)
    request = {"answers": {"birth_date": "2000-01-01", "application_date": "2099-12-31"}, "edition": "points-245",
               "lang": "en", "include": ["advice", "horoscope", "checklist"]}
    expected = reference([{"kind": "assess", "request": {**request, "include": ["advice", "checklist"]}}])["replies"][0]
    replies = page.evaluate(SPLIT, [request])
    assert [r["type"] for r in replies] == ["result", "extras"], replies
    assert replies[0]["result"] == expected["result"]
    assert {k: v for k, v in replies[1].items() if k not in ("id", "type")} == \
        {k: v for k, v in expected.items() if k not in ("result", "type")}


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


PROGRESS = """async () => {
  // A worker of our own, to see every message from the start.
  const worker = new Worker(qmasProbe.workerURL, {type: "module"});
  const t0 = performance.now();
  const messages = [];
  await new Promise((resolve) => {
    worker.onmessage = (event) => {
      messages.push({...event.data, at: performance.now() - t0});
      if (event.data.type === "ready" || event.data.type === "fatal") resolve();
    };
  });
  worker.terminate();
  return messages;
}"""


def test_start_up_reports_bytes_received_of_the_total(page, served_site, worker_site, manifest):
    open_probe(page, served_site)
    messages = page.evaluate(PROGRESS)
    assert messages[-1]["type"] == "ready", messages[-1]
    progress = [m for m in messages if m["type"] == "progress"]
    assert [m["stage"] for m in progress if m["stage"] != "downloading"] == ["manifest", "fetched", "pyodide", "core"]
    files = manifest["pyodide"]["files"]
    total = manifest["bundle"]["size"] + sum(files[n]["size"] for n in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm.gz"))
    downloading = [m for m in progress if m["stage"] == "downloading"]
    assert downloading, progress
    assert all(m["total"] == total for m in downloading)
    received = [m["received"] for m in downloading]
    assert received == sorted(received) and 0 < received[0] and received[-1] == total, received
    # Not every chunk: at most one message per 100 ms, plus the one when all has arrived.
    elapsed = downloading[-1]["at"] - downloading[0]["at"]
    assert len(downloading) <= elapsed / 100 + 2, (len(downloading), elapsed)


def test_the_snapshot_reference_does_not_change_with_the_day(monkeypatch):
    """The bundled qmas_warm_up in CPython: its reference answer is the one the warm-up ends
    with, and carries no trace of today (a snapshot made today must pass its check tomorrow)."""
    import datetime

    monkeypatch.syspath_prepend(str(ROOT / "site_scripts" / "bundled"))
    import qmas_warm_up

    reference = qmas_warm_up.reference_answer()
    assert qmas_warm_up.warm_up() == reference
    assert json.loads(reference)["result"]["total"] is not None
    today = datetime.date.today()
    if today != qmas_warm_up.DAY:
        assert today.isoformat() not in reference
