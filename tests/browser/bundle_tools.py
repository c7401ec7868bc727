"""The calculator's Python bundle in browser tests: read it, or serve a copy without a module."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile
from pathlib import Path


def bundle_zip(site_dir: Path, manifest: dict) -> bytes:
    """The bundle's zip, whether it is served gzipped as a whole or not."""
    data = (site_dir / "assets/py" / manifest["bundle"]["file"]).read_bytes()
    return gzip.decompress(data) if manifest["bundle"].get("encoding") == "gzip" else data


def serve_bundle_without(page, site_dir: Path, manifest: dict, prefix: str) -> bytes:
    """Make ``page`` get, in place of the bundle, a copy without the entries under ``prefix``
    (e.g. "tomllib/"), through a changed manifest; returns that copy."""
    with zipfile.ZipFile(io.BytesIO(bundle_zip(site_dir, manifest))) as zin:
        names = [n for n in zin.namelist() if not n.startswith(prefix)]
        assert len(names) < len(zin.namelist()), f"the bundle has no {prefix} to remove"
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                zout.writestr(zin.getinfo(name), zin.read(name))
    trimmed = out.getvalue()
    changed = {**manifest, "bundle": {**manifest["bundle"], "file": "qmas-py-test.zip", "size": len(trimmed),
                                      "encoding": None, "sha256": hashlib.sha256(trimmed).hexdigest()}}
    page.route("**/assets/py/manifest.json", lambda route: route.fulfill(json=changed))
    page.route("**/assets/py/qmas-py-test.zip", lambda route: route.fulfill(body=trimmed, content_type="application/zip"))
    return trimmed
