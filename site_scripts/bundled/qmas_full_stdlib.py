"""The calculator worker's finder for a standard-library module its bundle left out: found in
Pyodide's full python_stdlib.zip, fetched once, synchronously (imports are synchronous; a
worker may block), and checked against the size the manifest gives.

Shipped at the top level of the bundle (site_scripts/pyodide_files.build_bundle); the worker
calls ``install`` once Pyodide runs, and so does tests/browser/core_in_browser_harness.py.
Imports only what the bundle always has: nothing may be imported before the finder is in place.
"""

import sys
from importlib.machinery import PathFinder

FULL = "/lib/qmas_full_stdlib.zip"


class QmasFullStdlib:
    """A meta path finder for the top-level names ``names`` of the full stdlib at ``url``."""

    def __init__(self, url, names, bundle, size=None):
        self.url, self.names, self.bundle, self.size = url, frozenset(names), bundle, size
        self.full = None
        self.missed = []

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in self.names:
            return None
        if path is None:
            search = [self._load()]
        else:
            search = [self._load() + p[len(self.bundle):] for p in path if p.startswith(self.bundle)]
        spec = PathFinder.find_spec(name, search) if search else None
        if spec is not None:
            self.missed.append(name)
        return spec

    def _load(self):
        if self.full is None:
            from js import XMLHttpRequest

            request = XMLHttpRequest.new()
            request.open("GET", self.url, False)
            request.responseType = "arraybuffer"
            request.send()
            if request.status != 200:
                raise ImportError(f"{self.url}: HTTP {request.status}")
            data = request.response.to_bytes()
            if self.size is not None and len(data) != self.size:
                raise ImportError(f"{self.url} is damaged ({len(data)} bytes instead of {self.size})")
            with open(FULL, "wb") as f:
                f.write(data)
            self.full = FULL
        return self.full


def install(url, names, size=None):
    """The finder, last on sys.meta_path (added once: a restored memory snapshot has it)."""
    finder = next((f for f in sys.meta_path if isinstance(f, QmasFullStdlib)), None)
    if finder is None:
        bundle = next(p for p in sys.path if p.startswith("/lib/") and p.endswith(".zip"))
        finder = QmasFullStdlib(url, names, bundle, size)
        sys.meta_path.append(finder)
    return finder
