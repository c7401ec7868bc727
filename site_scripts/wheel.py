"""Build the qmas_core wheel, the bundle made from it, the manifest that tells the browser worker
what to load, and the service worker, into the site (reproducibly: same sources, same bytes)."""

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

from site_scripts import pyodide_files

ROOT = Path(__file__).resolve().parent.parent
DEST = Path("assets") / "py"
MANIFEST = "manifest.json"
FULL_STDLIB = "python_stdlib.zip"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", FULL_STDLIB)  # in the cache key
SW_RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")  # what the worker loads
SW_TEMPLATE = Path(__file__).resolve().parent / "sw.js"
SW_NAME = "sw.js"
ZIP_EPOCH = "315532800"  # 1980-01-01T00:00:00Z, the earliest zip timestamp (SOURCE_DATE_EPOCH)

# Not part of the package: never copied into the scratch tree the wheel is built in (a copy,
# so no build/ or *.egg-info is left behind and a stale build/lib cannot leak into the wheel).
_SKIP_TOP = {
    ".git", ".ci", ".github", ".cache", ".venv", ".pytest_cache", ".hypothesis",
    "node_modules", "site", "build", "dist", "docs", "overrides", "tests",
    "site_scripts", "tools",
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
    """``{"size", "sha256"}`` of a file the browser loads."""
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


def write_manifest(site_dir: str | Path, wheel: Path, bundle: dict) -> dict:
    """Write ``<site_dir>/assets/py/manifest.json`` for ``wheel``, the bundle made from it and
    the copied Pyodide runtime, and return it."""
    site_dir = Path(site_dir)
    runtime = pyodide_files.runtime_dir(site_dir)
    lock_info = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))["info"]
    manifest = {
        **wheel_metadata(wheel),
        "wheel": wheel.name,
        "sha256": sha256_file(wheel),
        "size": wheel.stat().st_size,
        "pyodide": {
            "version": pyodide_files.runtime_version(runtime),
            "dir": Path(os.path.relpath(runtime, site_dir / DEST)).as_posix() + "/",
            # The worker and sw.js check every copy they use against these.
            "files": {name: described(runtime / name) for name in RUNTIME_FILES},
        },
        # Passed to loadPyodide inline: one request fewer, and its package entries name
        # wheels this site does not host.
        "pyodide_lock": {"info": lock_info, "packages": {}},
        # The worker fetches the full stdlib only for these names, should the bundle lack one.
        "stdlib": {"full": FULL_STDLIB, "names": pyodide_files.stdlib_top_names(runtime / FULL_STDLIB)},
        "bundle": bundle,
    }
    # Names the service worker's cache and the worker's memory snapshot: a new build, a new key.
    cache_key = hashlib.sha256(manifest["sha256"].encode())
    for name, file in manifest["pyodide"]["files"].items():
        cache_key.update(f"{name}:{file['sha256']}".encode())
    cache_key.update(bundle["sha256"].encode())
    manifest["cache"] = cache_key.hexdigest()[:16]
    path = site_dir / DEST / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


# What the service worker keeps beyond the runtime: the calculator page (per language root, in the
# visitor's language on install) and the shell every page needs offline, found in the built site.
CALCULATOR_PAGE = "calculator/"
LANGUAGE_FILES = (CALCULATOR_PAGE, "search/search_index.json")  # from a language root
SHELL_GLOBS = ("assets/javascripts/**/*.js", "assets/stylesheets/*.css", "stylesheets/*.css",
               "assets/images/*", "**/manifest.webmanifest", f"{DEST.as_posix()}/{MANIFEST}")
SHELL_SKIP = ("assets/javascripts/lunr/", "assets/javascripts/workers/")  # Material's search
# Folders whose URLs never change content: the runtime's (named after Pyodide's version).
VERSIONED_DIRS = ("assets/pyodide/",)


def service_worker_shell(site_dir: Path) -> list[str]:
    """The site's own files every page needs offline (paths from the site root, sorted)."""
    found = {p.relative_to(site_dir).as_posix() for pattern in SHELL_GLOBS for p in site_dir.glob(pattern) if p.is_file()}
    return sorted(path for path in found if not path.startswith(SHELL_SKIP))


def language_roots(site_dir: Path) -> list[str]:
    """"" and each language folder with its own calculator page ("zh-Hant/", ...)."""
    return [""] + sorted(p.parent.parent.name + "/" for p in site_dir.glob(f"*/{CALCULATOR_PAGE}index.html"))


def write_service_worker(site_dir: str | Path, manifest: dict) -> Path:
    """Write ``<site_dir>/sw.js`` (site_scripts/sw.js with its CONFIG): the runtime files to keep,
    each with its size and sha256, under the manifest's cache key; the shell and the calculator
    pages, under a key of their bytes (a new build that changes them, a new sw.js)."""
    site_dir = Path(site_dir)
    # Their folder carries Pyodide's version: the URLs are immutable.
    runtime = posixpath.normpath((DEST / manifest["pyodide"]["dir"]).as_posix())
    described_files = manifest["pyodide"]["files"]
    files = [{"url": f"{runtime}/{name}", **described_files[name]} for name in SW_RUNTIME_FILES]
    bundle = manifest["bundle"]
    files.append({"url": f"{DEST.as_posix()}/{bundle['file']}", "size": bundle["size"], "sha256": bundle["sha256"]})
    roots = language_roots(site_dir)
    # Material's scripts read their language root's sitemap.xml on every page.
    shell = service_worker_shell(site_dir) + [f"{r}sitemap.xml" for r in roots if (site_dir / r / "sitemap.xml").is_file()]
    site_key = hashlib.sha256(manifest["cache"].encode())
    per_language = [f"{root}{name}index.html" if name.endswith("/") else f"{root}{name}" for root in roots for name in LANGUAGE_FILES]
    for path in shell + per_language:
        if (site_dir / path).is_file():
            site_key.update(f"{path}:{sha256_file(site_dir / path)}".encode())
    config = json.dumps({
        "version": manifest["cache"], "site": site_key.hexdigest()[:16], "files": files, "shell": shell,
        "versioned": list(VERSIONED_DIRS), "language": list(LANGUAGE_FILES), "roots": roots,
    }, sort_keys=True)
    template = SW_TEMPLATE.read_text(encoding="utf-8")
    marker = "/*QMAS_SW_CONFIG*/"
    head, sep, tail = template.partition(marker)
    if not sep:
        raise RuntimeError(f"{SW_TEMPLATE} has no {marker}")
    tail = tail[tail.index(";"):]  # drop the template's placeholder value
    target = site_dir / SW_NAME
    target.write_text(head + config + tail, encoding="utf-8")
    return target


def build_into_site(site_dir: str | Path, project: str | Path = ROOT) -> dict:
    """Build the wheel into ``<site_dir>/assets/py/`` (removing older wheels), the bundle made
    from it (needs the Pyodide runtime copied first, and Node), the manifest and ``sw.js``.
    Returns the manifest."""
    site_dir = Path(site_dir)
    dest = site_dir / DEST
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qmas-dist-") as tmp:
        built = build_wheel(tmp, project)
        for old in dest.glob("*.whl"):
            old.unlink()
        target = dest / built.name
        shutil.copyfile(built, target)
    bundle = pyodide_files.build_bundle(target, dest, site_dir)
    manifest = write_manifest(site_dir, target, bundle)
    write_service_worker(site_dir, manifest)
    return manifest


def main(args=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m site_scripts.wheel",
        description="Build the qmas_core wheel into <site-dir>/assets/py/ with a manifest.",
    )
    parser.add_argument("--site-dir", default="site", help="built site (default: site)")
    parser.add_argument(
        "--project", default=str(ROOT), help="folder with pyproject.toml (default: repo root)"
    )
    opts = parser.parse_args(args)
    try:
        manifest = build_into_site(opts.site_dir, opts.project)
    except (RuntimeError, OSError) as e:
        raise SystemExit(e)
    print(
        f"{manifest['wheel']} ({manifest['size']:,} bytes, sha256 {manifest['sha256'][:12]}…)"
        f" -> {Path(opts.site_dir) / DEST}"
    )
    b = manifest["bundle"]
    print(f"{b['file']} ({b['size']:,} bytes, {b['stdlib_modules']} stdlib modules) -> {Path(opts.site_dir) / DEST}")


if __name__ == "__main__":
    main()
