"""Runs inside Pyodide, in the module worker of tests/browser/test_core_in_browser.py (which ships
this file to the browser); CPython's pytest never imports it (no ``test_`` prefix).

    install(url, names)   the worker's full-stdlib fallback, the bundle's own qmas_full_stdlib
                          (a stdlib module the bundle left out is found in Pyodide's full
                          python_stdlib.zip, fetched once), made to record who caused each
                          miss; and a watch on every import statement. ``names``: the
                          manifest's stdlib names
    import_core(names)    imports every module of qmas_core (bar __main__) before anything else
                          has imported anything
    run_pytest(zip, args) unpacks pytest, hypothesis & co. and the project's tests, runs pytest
    report()              all of it, as JSON

Attribution: the frames above importlib's machinery are walked outwards. ``importer`` is the
module that ran the import statement; ``responsible`` the first module on the way out that is
not in the standard library (a stdlib module imports on behalf of its caller), e.g. qmas_core.load,
_pytest.config or hypothesis.core. A stdlib module the bundle left out is the core's fault when
its importer or the party responsible is qmas_core or one of its modules.

Two records, because a module is fetched only once: ``missed`` is every module the fallback
found (what the worker's finder calls ``missed``), with who caused the fetch; ``core_imports``
is every import statement run on the core's behalf that yielded a module from the full stdlib,
even one already fetched earlier for pytest or hypothesis (the core's need would otherwise hide
behind theirs).

Only what the worker's finder itself needs is imported at the top (sys, builtins, all in
the bundle): nothing else may be imported before the finder is in place.
"""

import builtins
import sys

# Frames of the import system itself (importlib.import_module is in "importlib").
MACHINERY = frozenset({
    "importlib", "importlib._bootstrap", "importlib._bootstrap_external",
    "_frozen_importlib", "_frozen_importlib_external", "zipimport",
})
# Pyodide's own modules count as the runtime, like the standard library.
RUNTIME = frozenset({"pyodide", "_pyodide", "js", "pyodide_js"})

FINDER = None
WATCH = None
COLLECTOR = None
CORE_FILE = None


def is_core(name) -> bool:
    return isinstance(name, str) and (name == "qmas_core" or name.startswith("qmas_core."))


def importers(frame) -> list:
    """Module names of the frames from ``frame`` outwards, without importlib's (nor this
    harness's finder and watch), repeats merged."""
    chain = []
    while frame is not None:
        name = frame.f_globals.get("__name__", "?")
        if name not in MACHINERY and frame.f_code not in HOOKS and (not chain or chain[-1] != name):
            chain.append(name)
        frame = frame.f_back
    return chain


def responsible(chain: list) -> str:
    """The first module of ``chain`` outside the standard library and Pyodide's runtime."""
    for name in chain:
        top = str(name).partition(".")[0]
        if top not in sys.stdlib_module_names and top not in RUNTIME:
            return name
    return chain[-1] if chain else "?"


def attributed(finder):
    """The worker's own finder (the bundle's qmas_full_stdlib, installed as the worker does), made to
    record, for each module it finds, who caused the fetch (in ``records``)."""
    base = type(finder)

    class AttributedFinder(base):
        def find_spec(self, name, path=None, target=None):
            found = len(self.missed)
            spec = super().find_spec(name, path, target)
            if len(self.missed) > found:
                chain = importers(sys._getframe(1))
                self.records.append({
                    "module": name, "importer": chain[0] if chain else "?", "responsible": responsible(chain),
                    "chain": chain[:12], "phase": self.phase,
                })
            return spec

    finder.__class__ = AttributedFinder
    finder.records, finder.phase = [], "start"
    HOOKS.update({base.find_spec.__code__, base._load.__code__, AttributedFinder.find_spec.__code__})
    return finder


class ImportWatch:
    """builtins.__import__, recording import statements run on the core's behalf that yield
    a module from the full stdlib."""

    def __init__(self, finder):
        self.finder = finder
        self.real = builtins.__import__
        self.found = {}

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        module = self.real(name, globals, locals, fromlist, level)
        if level == 0 and self.finder.full is not None:
            self._check(name, fromlist, sys._getframe(1))
        return module

    def _check(self, name, fromlist, frame):
        prefix = self.finder.full + "/"
        names = [name]
        if fromlist:
            names += [f"{name}.{item}" for item in fromlist if isinstance(item, str) and item != "*"]
        for full_name in names:
            spec = getattr(sys.modules.get(full_name), "__spec__", None)
            if not (getattr(spec, "origin", None) or "").startswith(prefix):
                continue
            chain = importers(frame)
            importer, who = (chain[0] if chain else "?"), responsible(chain)
            if is_core(importer) or is_core(who):
                key = (full_name, importer, who)
                entry = self.found.setdefault(key, {
                    "module": full_name, "importer": importer, "responsible": who,
                    "chain": chain[:12], "phase": self.finder.phase, "count": 0,
                })
                entry["count"] += 1


# The finder's and the watch's own frames, which sit between an import and its importer.
HOOKS = {ImportWatch.__call__.__code__, ImportWatch._check.__code__}


def install(url: str, names: str) -> None:
    """The worker's fallback finder (qmas_full_stdlib.install, as the worker calls it: it puts
    the finder at the end of sys.meta_path), with attribution, and the watch."""
    global FINDER, WATCH
    import qmas_full_stdlib  # from the bundle, as in the worker

    FINDER = attributed(qmas_full_stdlib.install(url, names.split()))
    WATCH = ImportWatch(FINDER)
    builtins.__import__ = WATCH


def import_core(names: str) -> str:
    """Import the core's modules (comma-separated names), first of all; where qmas_core is from."""
    global CORE_FILE
    import importlib

    FINDER.phase = "core"
    try:
        for name in names.split(","):
            importlib.import_module(name)
    finally:
        FINDER.phase = "harness"
    CORE_FILE = sys.modules["qmas_core"].__file__
    return CORE_FILE


class Collector:
    """A pytest plugin keeping each test's outcome."""

    def __init__(self):
        self.collected = []
        self.outcomes = {}  # nodeid -> [outcome, detail]
        self.collect_errors = []

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append({"nodeid": report.nodeid, "detail": report.longreprtext[-4000:]})

    def pytest_collection_finish(self, session):
        self.collected = [item.nodeid for item in session.items]

    def pytest_runtest_logreport(self, report):
        if report.failed:
            outcome = "failed" if report.when == "call" else "error"
            self.outcomes[report.nodeid] = [outcome, f"{report.when}: {report.longreprtext[-4000:]}"]
        elif report.skipped:
            detail = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longreprtext
            self.outcomes.setdefault(report.nodeid, ["skipped", str(detail)])
        elif report.when == "call":
            self.outcomes.setdefault(report.nodeid, ["passed", ""])


def run_pytest(archive: str, args: str) -> int:
    """Unpack ``archive`` (project/ -> the project root, site-packages/ -> the packages), make the
    root the working directory and first on sys.path (as ``python -m pytest`` does), run pytest
    with ``args`` (one per line). Returns pytest's exit code."""
    global COLLECTOR
    import os
    import zipfile

    root, packages = "/tmp/qmas", "/tmp/qmas-site-packages"
    with zipfile.ZipFile(archive) as z:
        for info in z.infolist():
            for prefix, target in (("project/", root), ("site-packages/", packages)):
                if info.filename.startswith(prefix) and not info.is_dir():
                    dest = os.path.join(target, info.filename[len(prefix):])
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    with open(dest, "wb") as f:
                        f.write(z.read(info))
    sys.path[:0] = [root, packages]
    os.chdir(root)

    from hypothesis import settings

    # Derandomized, no example database (tests pick it with --hypothesis-profile).
    settings.register_profile("qmas-browser", derandomize=True, database=None, deadline=None)

    import pytest

    COLLECTOR = Collector()
    FINDER.phase = "pytest"
    try:
        code = pytest.main(args.split("\n"), plugins=[COLLECTOR])
    finally:
        FINDER.phase = "harness"
    return int(code)


def report() -> str:
    import json

    packages = {}
    for name in ("pytest", "pluggy", "iniconfig", "packaging", "pygments", "hypothesis", "sortedcontainers"):
        module = sys.modules.get(name)
        version = getattr(module, "__version__", None)
        if module is not None:
            packages[name] = str(version)
    core_elsewhere = sorted(
        f"{name}: {getattr(module, '__file__', None)}" for name, module in list(sys.modules.items())
        if is_core(name) and not str(getattr(module, "__file__", "")).startswith(FINDER.bundle + "/")
    )
    data = {
        "python": sys.version,
        "core_file": CORE_FILE,
        "core_elsewhere": core_elsewhere,
        "bundle": FINDER.bundle,
        "full_stdlib_fetched": FINDER.full is not None,
        "missed": FINDER.records,
        "core_imports": list(WATCH.found.values()),
        "packages": packages,
    }
    if COLLECTOR is not None:
        import os

        from hypothesis import settings

        data["hypothesis"] = {
            "profile": settings.get_current_profile_name(),
            "database": repr(settings.default.database),
            "derandomize": settings.default.derandomize,
            # Hypothesis's storage folder (.hypothesis/) has its character tables; an example
            # database would be in .hypothesis/examples/.
            "examples_saved": os.path.exists("/tmp/qmas/.hypothesis/examples"),
            "storage": sorted(os.listdir("/tmp/qmas/.hypothesis")) if os.path.isdir("/tmp/qmas/.hypothesis") else [],
        }
        data["pytest"] = {
            "collected": COLLECTOR.collected,
            "outcomes": COLLECTOR.outcomes,
            "collect_errors": COLLECTOR.collect_errors,
        }
    return json.dumps(data)
