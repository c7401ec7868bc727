"""Build the qmas_core wheel, and what the browser worker loads, into the site.

    python -m site_scripts.wheel --site-dir site

builds ``qmas_core-<version>-py3-none-any.whl`` from pyproject.toml and writes

    <site-dir>/assets/py/qmas_core-<version>-py3-none-any.whl
    <site-dir>/assets/py/qmas-py-<sha256[:12]>.zip.gz   the bundle (see below)
    <site-dir>/assets/py/manifest.json
    <site-dir>/sw.js                                     the service worker

The bundle (site_scripts/pyodide_files.build_bundle, run under Node: needs the
Pyodide runtime copied first) is the stdlib modules the core needs plus the core,
precompiled; the worker passes it to Pyodide as its stdlib, so the wheel itself
is not loaded in the browser (it stays the artifact the tests compare with). The
manifest tells the worker what to load::

    {"name": "qmas_core", "version": "1.0.0",
     "wheel": "qmas_core-1.0.0-py3-none-any.whl", "sha256": "…", "size": 12345,
     "pyodide": {"version": "314.0.7", "dir": "../pyodide/314.0.7/",
                 "files": {"pyodide.mjs": {"size": …, "sha256": "…"}, …}},
     "pyodide_lock": {"info": {…}, "packages": {}},
     "bundle": {"file": "qmas-py-….zip.gz", "sha256": "…", "size": …, "encoding": "gzip", …},
     "stdlib": {"full": "python_stdlib.zip", "names": ["abc", …]},
     "cache": "<16 hex digits>"}

``pyodide_lock`` lets the worker pass ``lockFileContents`` and skip fetching the
119 kB lock file, whose package entries name wheels this site does not host
anyway. ``stdlib`` is the fallback: should the core ever import a stdlib module
the bundle left out, the worker fetches the full stdlib (only for these
top-level names). ``cache`` changes with any file the worker loads: it names the
service worker's cache and the memory snapshot. Without a bundle
(``build_into_site(bundle=False)``), the worker loads the wheel with
``loadPackage``, and ``"pyodide_stdlib": "python_stdlib_pyc.zip"`` when
``pyodide_files --pyc-stdlib`` made one.

The build is reproducible: same sources, same bytes, same sha256 (zip times
come from SOURCE_DATE_EPOCH, fixed at 1980-01-01 unless set). It runs in a
scratch copy of the project, so no build/ or *.egg-info is left in the tree and
a stale build/lib can never leak deleted modules into the wheel.

From an MkDocs hook (after the Pyodide files)::

    from site_scripts import pyodide_files, wheel
    def on_post_build(config, **kwargs):
        pyodide_files.copy_runtime(config.site_dir)
        wheel.build_into_site(config.site_dir)
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = Path("assets") / "py"
MANIFEST = "manifest.json"
PYC_STDLIB = "python_stdlib_pyc.zip"  # made by pyodide_files --pyc-stdlib
FULL_STDLIB = "python_stdlib.zip"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", FULL_STDLIB)
SW_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")  # what the worker loads
SW_TEMPLATE = Path(__file__).resolve().parent / "sw.js"
SW_NAME = "sw.js"
ZIP_EPOCH = "315532800"  # 1980-01-01T00:00:00Z, the earliest zip timestamp

# Top-level entries that are not part of the Python package; never copied into
# the scratch build tree.
_SKIP_TOP = {
    ".git", ".ci", ".github", ".cache", ".venv", ".pytest_cache", ".hypothesis",
    "node_modules", "site", "build", "dist", "docs", "overrides", "tests",
    "site_scripts",
}


def _ignore_for(project: Path):
    top = str(project)

    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n == "__pycache__" or n.endswith((".egg-info", ".pyc"))}
        if os.path.abspath(directory) == top:
            skip |= {n for n in names if n in _SKIP_TOP}
        return skip

    return ignore


def _can_build_without_isolation() -> bool:
    """True if this Python can run setuptools' bdist_wheel itself (no download)."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return False
    major = int(version.split(".")[0])
    if major < 61:  # first setuptools that reads [project] from pyproject.toml
        return False
    return bool(
        importlib.util.find_spec("wheel")  # setuptools < 70.1 needs the wheel package
        or importlib.util.find_spec("setuptools.command.bdist_wheel")
    )


def build_wheel(out_dir: str | Path, project: str | Path = ROOT) -> Path:
    """Build the project's wheel into ``out_dir`` and return its path.

    Uses ``pip wheel --no-deps --no-build-isolation`` when the installed
    setuptools can build wheels; otherwise pip's isolated build, which installs
    the [build-system] requirements from the package index.
    """
    project = Path(project).resolve()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", ZIP_EPOCH)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with tempfile.TemporaryDirectory(prefix="qmas-wheel-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(project, src, ignore=_ignore_for(project))
        dist = Path(tmp) / "dist"
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist)]
        if _can_build_without_isolation():
            cmd.append("--no-build-isolation")
        cmd.append(str(src))
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(
                f"wheel build failed ({' '.join(cmd)}):\n{proc.stdout}{proc.stderr}"
            )
        wheels = sorted(dist.glob("*.whl"))
        if len(wheels) != 1:
            raise RuntimeError(f"expected one wheel, got {[w.name for w in wheels]}")
        built = wheels[0]
        if not built.name.endswith("-py3-none-any.whl"):
            raise RuntimeError(f"{built.name} is not a pure-Python wheel")
        target = out_dir / built.name
        shutil.copyfile(built, target)
    return target


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def described(path: Path) -> dict:
    """``{"size", "sha256"}`` of a file, as the manifest describes what the browser loads."""
    return {"size": path.stat().st_size, "sha256": sha256_file(path)}


def wheel_metadata(wheel: Path) -> dict:
    """Name and version from the wheel's METADATA."""
    with zipfile.ZipFile(wheel) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta_name).decode("utf-8")
    fields = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return {"name": fields["Name"], "version": fields["Version"]}


def _runtime_dir(site_dir: Path) -> Path | None:
    from site_scripts import pyodide_files

    return pyodide_files.runtime_dir(site_dir)


def _minimal_pyodide_lock(runtime: Path | None) -> dict | None:
    lock = runtime / "pyodide-lock.json" if runtime else None
    if lock is None or not lock.is_file():
        return None
    info = json.loads(lock.read_text(encoding="utf-8"))["info"]
    return {"info": info, "packages": {}}


def write_manifest(site_dir: str | Path, wheel: Path, bundle: dict | None = None) -> dict:
    """Write ``<site_dir>/assets/py/manifest.json`` for ``wheel`` (and the bundle made from
    it, if any) and return it."""
    site_dir = Path(site_dir)
    manifest = {
        **wheel_metadata(wheel),
        "wheel": wheel.name,
        "sha256": sha256_file(wheel),
        "size": wheel.stat().st_size,
    }
    runtime = _runtime_dir(site_dir)
    cache_key = hashlib.sha256(manifest["sha256"].encode())
    if runtime is not None:
        from site_scripts import pyodide_files

        # Size and sha256 of each file: the worker and sw.js check every copy they use.
        files = {name: described(runtime / name) for name in RUNTIME_FILES if (runtime / name).is_file()}
        manifest["pyodide"] = {
            "version": pyodide_files.runtime_version(runtime),
            "dir": Path(os.path.relpath(runtime, site_dir / DEST)).as_posix() + "/",
            "files": files,
        }
        for name, file in files.items():
            cache_key.update(f"{name}:{file['sha256']}".encode())
        lock = _minimal_pyodide_lock(runtime)
        if lock is not None:
            manifest["pyodide_lock"] = lock
        if (runtime / PYC_STDLIB).is_file():
            manifest["pyodide_stdlib"] = PYC_STDLIB
        if bundle is not None and (runtime / FULL_STDLIB).is_file():
            manifest["stdlib"] = {"full": FULL_STDLIB, "names": pyodide_files.stdlib_top_names(runtime / FULL_STDLIB)}
    if bundle is not None:
        manifest["bundle"] = bundle
        cache_key.update(bundle["sha256"].encode())
    # Names the service worker's cache and the worker's memory snapshot: a new build, a new key.
    manifest["cache"] = cache_key.hexdigest()[:16]
    path = site_dir / DEST / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def write_service_worker(site_dir: str | Path, manifest: dict) -> Path:
    """Write ``<site_dir>/sw.js`` (site_scripts/sw.js with the files to keep, each with its
    size and sha256, and the manifest's cache key): the Pyodide runtime the worker loads and
    the bundle."""
    site_dir = Path(site_dir)
    files = []
    if "pyodide" in manifest:
        # Their folder carries Pyodide's version: the URLs are immutable.
        runtime = posixpath.normpath((DEST / manifest["pyodide"]["dir"]).as_posix())
        described_files = manifest["pyodide"]["files"]
        files += [{"url": f"{runtime}/{name}", **described_files[name]} for name in SW_RUNTIME_FILES]
    if "bundle" in manifest:
        bundle = manifest["bundle"]
        files.append({"url": f"{DEST.as_posix()}/{bundle['file']}", "size": bundle["size"], "sha256": bundle["sha256"]})
    config = json.dumps({"version": manifest["cache"], "files": files}, sort_keys=True)
    template = SW_TEMPLATE.read_text(encoding="utf-8")
    marker = "/*QMAS_SW_CONFIG*/"
    head, sep, tail = template.partition(marker)
    if not sep:
        raise RuntimeError(f"{SW_TEMPLATE} has no {marker}")
    tail = tail[tail.index(";"):]  # drop the template's placeholder value
    target = site_dir / SW_NAME
    target.write_text(head + config + tail, encoding="utf-8")
    return target


def build_into_site(site_dir: str | Path, project: str | Path = ROOT, bundle: bool = True) -> dict:
    """Build the wheel into ``<site_dir>/assets/py/`` (removing older wheels), the bundle
    the worker loads (site_scripts/pyodide_files.build_bundle; needs the Pyodide runtime
    copied first, and Node), write the manifest and ``sw.js``. Returns the manifest."""
    site_dir = Path(site_dir)
    dest = site_dir / DEST
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qmas-dist-") as tmp:
        built = build_wheel(tmp, project)
        for old in dest.glob("*.whl"):
            old.unlink()
        target = dest / built.name
        shutil.copyfile(built, target)
    made = None
    if bundle and _runtime_dir(site_dir) is not None:
        from site_scripts import pyodide_files

        made = pyodide_files.build_bundle(target, dest, site_dir)
    manifest = write_manifest(site_dir, target, made)
    write_service_worker(site_dir, manifest)
    return manifest


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook: ``hooks: [site_scripts/wheel.py]`` (list it after pyodide_files.py)."""
    build_into_site(config["site_dir"])


def main(args=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m site_scripts.wheel",
        description="Build the qmas_core wheel into <site-dir>/assets/py/ with a manifest.",
    )
    parser.add_argument("--site-dir", default="site", help="built site (default: site)")
    parser.add_argument(
        "--project", default=str(ROOT), help="folder with pyproject.toml (default: repo root)"
    )
    parser.add_argument("--no-bundle", action="store_true", help="no bundle: the worker loads the wheel")
    opts = parser.parse_args(args)
    try:
        manifest = build_into_site(opts.site_dir, opts.project, bundle=not opts.no_bundle)
    except (RuntimeError, OSError) as e:
        raise SystemExit(e)
    print(
        f"{manifest['wheel']} ({manifest['size']:,} bytes, sha256 {manifest['sha256'][:12]}…)"
        f" -> {Path(opts.site_dir) / DEST}"
    )
    if "bundle" in manifest:
        b = manifest["bundle"]
        print(f"{b['file']} ({b['size']:,} bytes, {b['stdlib_modules']} stdlib modules) -> {Path(opts.site_dir) / DEST}")


if __name__ == "__main__":
    main()
