"""qmas_core's own test suite (tests/core: pytest + hypothesis) passes in Pyodide in headless
Chromium, on the calculator's trimmed stdlib bundle, and the core never needs a stdlib module
the bundle left out.

Needs a built site with a bundle (see conftest.py and test_worker.py); skips otherwise.

How: a module worker of this test's own (WORKER_JS below, served with its files from a folder
next to the built site) boots Pyodide exactly as qmas-worker.js does: the manifest's bundle
(size and sha256 checked, gunzipped) as ``stdLibURL`` through a blob URL, ``lockFileContents``
from the manifest, ``indexURL`` the runtime folder. It then runs core_in_browser_harness.py in
Pyodide, which

1. installs the worker's own full-stdlib fallback finder (the bundle's qmas_full_stdlib: a
   stdlib module the bundle left out is found in Pyodide's full python_stdlib.zip), made to
   record for every module it finds which module's import caused it, and a watch on import
   statements;
2. imports all of qmas_core from the bundle before anything else is imported;
3. unpacks pytest, hypothesis and their dependencies (pure Python, zipped from this CPython's
   site-packages: nothing is downloaded) and the project's tests, and runs
   ``pytest tests/core`` with a derandomized Hypothesis profile and no example database.

pytest and hypothesis need many stdlib modules the bundle leaves out (argparse, pprint, ...):
the fallback serves them, and that is fine. The test fails if any module came from the
fallback because of qmas_core: fetched while the core imported it (directly, or through a
stdlib module on the core's behalf), or already fetched for pytest and then imported by the
core. It also fails unless pytest exits 0 with every test the host collects for the same
selection passing, bar the skips below.

Left out of the browser run:
- tests/core/test_cli.py (``--ignore``d, so not even imported): it tests the command line,
  qmas_core.__main__ (argparse), which the bundle leaves out on purpose
  (site_scripts/pyodide_files._core_imports) and the browser never runs; importing it would
  be a core import of argparse from the full stdlib.
- Skipped as on the host: the two tests that compare the shipped Chinese tables with OpenCC
  (test_variant_table_matches_opencc_when_installed, test_talent_table_is_fresh) skip unless
  opencc-python-reimplemented (pure Python, in the test extra) is installed; when it is
  installed here it is shipped to the browser too, and they must pass there.

A second, quick test checks that the check can fail: with tomllib taken out of the bundle,
the attribution names qmas_core.load.

Both take about 20 s here: Pyodide starts in under 1 s, then pytest (compiling pytest and
hypothesis in the browser, then 1,100 tests) takes 15-25 s, about twice CPython's time.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.browser.bundle_tools import bundle_zip, serve_bundle_without

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from tools import serve  # noqa: E402  (conftest.py puts the project root on sys.path)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HARNESS = HERE / "core_in_browser_harness.py"
BASE_PATH = "/qmas/"
TEST_PATH = BASE_PATH + "__core_tests__/"
RUN_TIMEOUT_MS = 600_000

# The browser run and the host's collection: the same selection (see the docstring).
SELECTION = ["tests/core", "--ignore=tests/core/test_cli.py", "--ignore=tests/core/test_ics.py"]
PYTEST_ARGS = ["-v", "-p", "no:cacheprovider", "--hypothesis-profile=qmas-browser", *SELECTION]
# The test runner and what it needs (requirements resolved for the browser's Python).
RUNNER = ("pytest", "hypothesis")
# Shipped when installed here, so the browser runs what the host runs.
OPTIONAL = ("opencc-python-reimplemented",)
# Pyodide runs only pure-Python packages from this machine: what to pin where one is not.
PURE_PYTHON_PINS = {
    "hypothesis": "hypothesis>=6.100,<6.156 in pyproject.toml's test extra (6.155.7 is the last "
                  "pure-Python release; later ones need their compiled extension, hypothesis._native)",
}
OPENCC_TESTS = {
    "tests/core/test_universities.py::test_variant_table_matches_opencc_when_installed",
    "tests/core/test_translations.py::test_talent_table_is_fresh",
}
# What the tests read by path from the project root (the core itself comes from the bundle).
PROJECT_FILES = (
    "pyproject.toml",
    "tests/conftest.py",
    "tests/core/*.py",
    "tests/cases/*",
    "qmas_core/rules/*",
    "tools/__init__.py",
    "tools/make_han_variants.py",
    "tools/make_talent_zh_hans.py",
    "site_scripts/calculator_strings.toml",
    "site_scripts/site_strings.toml",
    "overrides/partials/qmas/points-245-factors.html",
)

PAGE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qmas_core tests in Pyodide</title>
<link rel="icon" href="data:,"></head>
<body><p>Test page of tests/browser/test_core_in_browser.py: it starts core_in_browser_worker.js.</p></body></html>
"""

WORKER_JS = r"""// Written by tests/browser/test_core_in_browser.py. Boots Pyodide the way qmas-worker.js
// does (the bundle as stdLibURL, lockFileContents from the manifest, indexURL the runtime
// folder), then runs core_in_browser_harness.py. One message in, one reply out.
const HERE = new URL(".", self.location.href).href;
let written = ""; // the end of what Python wrote
const decoder = new TextDecoder();
const keep = {
  write(bytes) {
    written = (written + decoder.decode(bytes, { stream: true })).slice(-100_000);
    return bytes.length;
  },
};
const output = () => written.split("\n");

async function bytesOf(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function run({ site, mode, pytestArgs, coreModules }) {
  const t0 = performance.now();
  const timings = {};
  const mark = (stage) => (timings[stage] = Math.round(performance.now() - t0));
  const PY_URL = new URL("assets/py/", site).href;
  const manifest = JSON.parse(new TextDecoder().decode(await bytesOf(PY_URL + "manifest.json", { cache: "no-cache" })));
  const indexURL = new URL(manifest.pyodide.dir, PY_URL).href;
  let bundle = await bytesOf(PY_URL + manifest.bundle.file);
  if (manifest.bundle.size && bundle.byteLength !== manifest.bundle.size) {
    throw new Error(`${manifest.bundle.file}: ${bundle.byteLength} bytes, the manifest says ${manifest.bundle.size}`);
  }
  if (manifest.bundle.sha256 && (await sha256Hex(bundle)) !== manifest.bundle.sha256) {
    throw new Error(`${manifest.bundle.file}: wrong sha256`);
  }
  if (manifest.bundle.encoding === "gzip") {
    const stream = new Blob([bundle]).stream().pipeThrough(new DecompressionStream("gzip"));
    bundle = await new Response(stream).arrayBuffer();
  }
  const { loadPyodide, version } = await import(indexURL + "pyodide.mjs");
  const stdLibURL = URL.createObjectURL(new Blob([bundle]));
  const options = { indexURL, packageBaseUrl: indexURL, packages: [], stdLibURL };
  if (manifest.pyodide_lock) options.lockFileContents = manifest.pyodide_lock;
  let pyodide;
  try {
    pyodide = await loadPyodide(options);
  } finally {
    URL.revokeObjectURL(stdLibURL);
  }
  mark("pyodide");
  pyodide.setStdout(keep);
  pyodide.setStderr(keep);
  const source = await bytesOf(HERE + "core_in_browser_harness.py");
  pyodide.FS.mkdirTree("/tmp/qmas-harness");
  pyodide.FS.writeFile("/tmp/qmas-harness/core_in_browser_harness.py", new Uint8Array(source));
  pyodide.runPython("import sys; sys.path.insert(0, '/tmp/qmas-harness')");
  const harness = pyodide.pyimport("core_in_browser_harness");
  const fullURL = new URL(manifest.pyodide.dir + manifest.stdlib.full, PY_URL).href;
  // The worker's own fallback finder: the bundle's qmas_full_stdlib.
  harness.install(fullURL, manifest.stdlib.names.join(" "));
  harness.import_core(coreModules.join(","));
  mark("core");
  let exitCode = null;
  if (mode === "pytest") {
    pyodide.FS.writeFile("/tmp/qmas-harness.zip", new Uint8Array(await bytesOf(HERE + "harness.zip")));
    exitCode = harness.run_pytest("/tmp/qmas-harness.zip", pytestArgs.join("\n"));
    mark("pytest");
  }
  return { pyodide: version, exitCode, report: JSON.parse(harness.report()), timings, output: output() };
}

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ type: "done", ...(await run(data)) });
  } catch (error) {
    const message = String((error && (error.stack || error.message)) || error);
    self.postMessage({ type: "fatal", message, output: output() });
  }
};
"""

# Runs on the test page: one worker, one message, its reply.
RUN_WORKER = """async ({ workerURL, message, timeoutMs }) => await new Promise((resolve, reject) => {
  const worker = new Worker(workerURL, { type: "module" });
  const timer = setTimeout(() => { worker.terminate(); reject(new Error(`no reply after ${timeoutMs} ms`)); }, timeoutMs);
  worker.onmessage = ({ data }) => { clearTimeout(timer); worker.terminate(); resolve(data); };
  worker.onerror = (event) => { clearTimeout(timer); worker.terminate(); reject(new Error(`worker error: ${event.message}`)); };
  worker.postMessage(message);
})"""


def core_modules(bundle: bytes) -> list[str]:
    """qmas_core and its modules in the bundle, bar __main__ (the command line)."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        found = {m.group(1) for m in map(re.compile(r"qmas_core/(\w+)\.pyc?$").match, z.namelist()) if m}
    return ["qmas_core"] + [f"qmas_core.{name}" for name in sorted(found - {"__init__", "__main__"})]


def browser_environment(manifest: dict) -> dict:
    """Marker values of the browser's Python, to resolve requirements for it."""
    lock = manifest.get("pyodide_lock") or {}
    lock = json.loads(lock) if isinstance(lock, str) else lock
    python = lock.get("info", {}).get("python") or "3.14.0"
    return {
        "python_version": ".".join(python.split(".")[:2]), "python_full_version": python,
        "sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
        "platform_machine": "wasm32", "implementation_name": "cpython",
        "platform_python_implementation": "CPython", "extra": "",
    }


def distributions(manifest: dict) -> list[importlib.metadata.Distribution]:
    """RUNNER and what it requires in the browser (as installed here), plus OPTIONAL ones installed here."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    env = browser_environment(manifest)
    found: dict[str, importlib.metadata.Distribution] = {}
    todo = list(RUNNER)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            found[name] = dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{name} is needed to run tests/core in the browser but is not installed here")
        compiled = [str(f) for f in dist.files or [] if f.suffix in (".so", ".pyd", ".dylib")]
        if compiled:
            pytest.fail(
                f"{name} {dist.version} is not pure Python ({', '.join(compiled[:3])}): the browser "
                f"cannot run this machine's copy. Pin {PURE_PYTHON_PINS.get(name, 'a pure-Python release')}."
            )
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate(env):
                todo.append(requirement.name)
    for name in OPTIONAL:
        try:
            found.setdefault(canonicalize_name(name), importlib.metadata.distribution(name))
        except importlib.metadata.PackageNotFoundError:
            pass
    return list(found.values())


def harness_zip(manifest: dict) -> tuple[bytes, list[str]]:
    """site-packages/: the distributions' files (sources, data, .dist-info; no bytecode);
    project/: PROJECT_FILES. Returns the zip and the distributions' names and versions."""
    out = io.BytesIO()
    shipped = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for dist in distributions(manifest):
            shipped.append(f"{dist.metadata['Name']} {dist.version}")
            for file in dist.files or []:
                parts = Path(str(file)).parts
                if parts[0] == ".." or "__pycache__" in parts or file.suffix == ".pyc":
                    continue
                path = Path(dist.locate_file(file))
                if path.is_file():
                    z.write(path, "site-packages/" + "/".join(parts))
        for pattern in PROJECT_FILES:
            matches = sorted(p for p in ROOT.glob(pattern) if p.is_file())
            assert matches, f"nothing matches {pattern} in {ROOT}"
            for path in matches:
                z.write(path, "project/" + path.relative_to(ROOT).as_posix())
    return out.getvalue(), sorted(shipped)


@pytest.fixture(scope="module")
def manifest(site_dir: Path) -> dict:
    path = site_dir / "assets/py/manifest.json"
    if not path.is_file():
        pytest.skip(f"{site_dir} has no assets/py/manifest.json: build the site first")
    data = json.loads(path.read_text(encoding="utf-8"))
    if "bundle" not in data or "stdlib" not in data:
        pytest.skip(f"{site_dir} has no stdlib bundle")
    if not (site_dir / "assets/py" / data["pyodide"]["dir"] / "pyodide.mjs").is_file():
        pytest.skip(f"{site_dir} has no Pyodide runtime: run `python -m site_scripts.pyodide_files`")
    return data


@pytest.fixture(scope="module")
def core_site(site_dir: Path, manifest: dict, tmp_path_factory):
    """The built site at /qmas/, with this test's page, worker, harness and zip at /qmas/__core_tests__/,
    on a server of its own. Yields {"url", "shipped"}."""
    folder = tmp_path_factory.mktemp("core-in-browser")
    (folder / "index.html").write_text(PAGE_HTML, encoding="utf-8")
    (folder / "core_in_browser_worker.js").write_text(WORKER_JS, encoding="utf-8")
    (folder / "core_in_browser_harness.py").write_bytes(HARNESS.read_bytes())
    archive, shipped = harness_zip(manifest)
    (folder / "harness.zip").write_bytes(archive)
    with serve.start(site_dir, base=BASE_PATH, port=0, mounts={TEST_PATH: folder}) as server:
        yield {"url": server.url, "shipped": shipped}


@pytest.fixture(scope="module")
def host_collected() -> list[str]:
    """The node ids CPython's pytest collects for SELECTION."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *SELECTION],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [line for line in proc.stdout.splitlines() if "::" in line]


def run_in_browser(page, base_url: str, mode: str, bundle: bytes) -> dict:
    page.goto(base_url + TEST_PATH.removeprefix(BASE_PATH))
    message = {"site": base_url, "mode": mode, "pytestArgs": PYTEST_ARGS, "coreModules": core_modules(bundle)}
    reply = page.evaluate(RUN_WORKER, {
        "workerURL": base_url + TEST_PATH.removeprefix(BASE_PATH) + "core_in_browser_worker.js",
        "message": message, "timeoutMs": RUN_TIMEOUT_MS,
    })
    if reply.get("type") != "done":
        output = "\n".join(reply.get("output", [])[-80:])
        pytest.fail(f"the browser run failed: {reply.get('message')}\n--- Python's last output:\n{output}")
    return reply


def is_core(name: str) -> bool:
    return name == "qmas_core" or name.startswith("qmas_core.")


def core_faults(report: dict) -> list[str]:
    """Stdlib modules the core got from the full stdlib, one line each, saying who imported them."""
    lines = []
    for kind, entries in (("fetched", report["missed"]), ("imported", report["core_imports"])):
        for e in entries:
            if is_core(e["importer"]) or is_core(e["responsible"]):
                how = "directly" if e["importer"] == e["responsible"] else f"through {e['importer']}"
                lines.append(f"{e['module']}: {kind} from the full stdlib for {e['responsible']} ({how}, "
                             f"while {e['phase']}; import chain {' <- '.join(e['chain'][:8])})")
    return lines


def test_the_core_test_suite_passes_in_pyodide_on_the_bundle(page, page_log, site_dir, manifest, core_site, host_collected):
    bundle = bundle_zip(site_dir, manifest)
    started = time.monotonic()
    reply = run_in_browser(page, core_site["url"], "pytest", bundle)
    elapsed = time.monotonic() - started
    report = reply["report"]
    result = report["pytest"]
    outcomes = result["outcomes"]
    by_outcome: dict[str, list[str]] = {}
    for nodeid, (outcome, _detail) in outcomes.items():
        by_outcome.setdefault(outcome, []).append(nodeid)
    passed, skipped = by_outcome.get("passed", []), by_outcome.get("skipped", [])
    bad = {n: o for n, o in outcomes.items() if o[0] not in ("passed", "skipped")}
    tail = "\n".join(reply["output"][-60:])
    print(f"browser: Pyodide {reply['pyodide']}, Python {report['python'].split()[0]}, "
          f"{', '.join(core_site['shipped'])}; {len(passed)} passed, {len(skipped)} skipped of "
          f"{len(result['collected'])} (host collected {len(host_collected)}); "
          f"{elapsed:.0f} s; timings {reply['timings']}; hypothesis {report['hypothesis']}\nfrom the full stdlib: "
          + ", ".join(f"{m['module']} (for {m['responsible']} by {m['importer']})" for m in report["missed"]))

    # qmas_core came from the bundle, and needed nothing the bundle left out.
    assert report["core_file"].startswith(report["bundle"] + "/qmas_core/"), report["core_file"]
    assert report["core_elsewhere"] == []
    faults = core_faults(report)
    assert not faults, (
        "qmas_core needed stdlib modules the bundle left out (the worker would fetch the whole "
        "python_stdlib.zip for them; see site_scripts/pyodide_files.build_bundle):\n  " + "\n  ".join(faults)
    )
    # Importing the core, first of all, fetched nothing; the rest was for pytest and hypothesis.
    assert [m for m in report["missed"] if m["phase"] == "core"] == []

    # Hypothesis ran derandomized, without its example database.
    hypothesis = {k: v for k, v in report["hypothesis"].items() if k != "storage"}
    assert hypothesis == {"profile": "qmas-browser", "database": "None", "derandomize": True,
                          "examples_saved": False}, report["hypothesis"]

    # The suite passed, all of it.
    assert not result["collect_errors"], "\n".join(e["nodeid"] + ": " + e["detail"] for e in result["collect_errors"])
    assert not bad, "\n\n".join(f"{n} {o}: {d}" for n, (o, d) in bad.items()) + "\n\n" + tail
    assert reply["exitCode"] == 0, tail
    assert sorted(result["collected"]) == sorted(host_collected), (
        set(result["collected"]) ^ set(host_collected), tail)
    assert set(outcomes) == set(result["collected"])
    assert len(passed) == len(host_collected) - len(skipped)
    assert len(passed) > 1000
    # Only the OpenCC comparisons may skip, and only where the host has no OpenCC either.
    opencc_shipped = any(name.startswith("opencc") for name in core_site["shipped"])
    assert set(skipped) <= (set() if opencc_shipped else OPENCC_TESTS), {n: outcomes[n][1] for n in skipped}

    assert page_log.foreign_requests(core_site["url"]) == []
    assert page_log.problems() == []


def test_a_core_import_the_bundle_left_out_is_caught(page, site_dir, manifest, core_site):
    """The check above can fail: without tomllib in the bundle (qmas_core.load imports it), the
    attribution names the core. Only the core is imported here, not the test suite."""
    trimmed = serve_bundle_without(page, site_dir, manifest, "tomllib/")
    report = run_in_browser(page, core_site["url"], "core", trimmed)["report"]
    faults = core_faults(report)
    # Both records name the core: the fetch, and the import statement that got the module.
    for kind in ("fetched", "imported"):
        assert any(line.startswith(f"tomllib: {kind} from the full stdlib for qmas_core.load (directly")
                   for line in faults), faults
    assert "tomllib" in {m["module"] for m in report["missed"]}, report["missed"]
