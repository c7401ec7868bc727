"""Self-host the pinned npm Pyodide runtime under a versioned folder (immutable URLs: no cache
can mix two versions), and build the bundle the worker loads as its stdlib."""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pyodide"
DEST = Path("assets") / "pyodide"  # + "<version>/"

# What loadPyodide fetches: the loader, its wasm and the stdlib; the lock file, unless passed
# inline. The npm package ships no wheels: the lock file's package entries must not be loaded.
RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# The wasm gzipped by the build (gzip_max), what the worker fetches: 3.33 MB where Pages' own
# gzip sends 3.55 MB, and as small on a host that does not compress .wasm at all (9.6 MB).
WASM = "pyodide.asm.wasm"
WASM_GZ = WASM + ".gz"
# Only fetched by the browser's developer tools.
SOURCE_MAPS = ("pyodide.mjs.map",)
PYC_SCRIPT = Path(__file__).resolve().parent / "pyodide_pyc.mjs"
BUNDLE_PROBE = Path(__file__).resolve().parent / "bundle_probe.py"
# The worker's own Python, at the top level of the bundle: the full-stdlib finder, the warm-up.
BUNDLED_MODULES = tuple(sorted((Path(__file__).resolve().parent / "bundled").glob("*.py")))
BUNDLE_VERSION = "qmas bundle v2"  # bump to rebuild every cached bundle
# Chosen with the benchmark (cold first score against bytes served): every module precompiled
# (sources cost the first visit ~2 s of compilation), without docstrings (-OO: 15% smaller; the
# core's too: nothing reads them) or column positions (-X no_debug_ranges: 25% smaller;
# tracebacks keep line numbers), the stdlib with one line per function (12% smaller: a
# traceback names its functions and their first lines; the core keeps every line), the zip
# stored and gzipped as a whole (Pages does not compress .zip; 6% better than deflate inside),
# by zopfli (gzip_max: 4% smaller than gzip -9).
BUNDLE_OPTIONS = {"compile": "all", "pyc_budget": 0, "stored": True, "strip_docstrings": True,
                  "debug_ranges": False, "stdlib_line_numbers": False}
BUNDLE_CACHE_KEEP = 8


def pinned_version(root: Path = ROOT) -> str:
    """The exact pyodide version package.json pins."""
    spec = json.loads((root / "package.json").read_text(encoding="utf-8"))
    version = spec.get("dependencies", {}).get(PACKAGE)
    if not version or not version[0].isdigit():
        raise RuntimeError(
            f"package.json must pin {PACKAGE} to an exact version, found {version!r}"
        )
    return version


def package_dir(root: Path = ROOT, install: bool = True) -> Path:
    """``node_modules/pyodide`` at the pinned version, running ``npm ci`` if needed."""
    root = Path(root)
    pkg = root / "node_modules" / PACKAGE
    wanted = pinned_version(root)

    def installed_version() -> str | None:
        meta = pkg / "package.json"
        if not meta.is_file():
            return None
        return json.loads(meta.read_text(encoding="utf-8")).get("version")

    if installed_version() != wanted:
        if not install:
            raise RuntimeError(f"{pkg} is not {PACKAGE}@{wanted}; run `npm ci`")
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install pyodide (`npm ci`)")
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=root, check=True
        )
        if installed_version() != wanted:
            raise RuntimeError(
                f"after `npm ci`, {pkg} is {installed_version()!r}, not {wanted!r}"
            )
    return pkg


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# zopfli's settings: one iteration, up to 1000 blocks (its defaults, 15 and 15, leave the wasm
# at 3.41 MB; these give 3.33 MB in about three times as long, a minute or two once per
# Pyodide version; the bundle is within 0.2% either way).
GZIP_MAX = {"numiterations": 1, "blocksplittingmax": 1000}


def gzip_max(data: bytes) -> bytes:
    """``data`` gzipped as small as a gzip reader can read (zopfli; no name or date, so the
    output depends on ``data`` alone). For files the site serves compressed already: slow
    (seconds per MB), so the callers cache the result."""
    try:
        import zopfli.gzip
    except ImportError:
        raise RuntimeError("the zopfli package is needed to build the site: pip install -e '.[site]'") from None
    return zopfli.gzip.compress(data, **GZIP_MAX)


def _copy_if_changed(src: Path, dst: Path) -> bool:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        if _sha256(dst) == _sha256(src):
            return False
    shutil.copyfile(src, dst)
    return True


def runtime_dir(site_dir: str | Path) -> Path | None:
    """``<site_dir>/assets/pyodide/<version>/`` as copied by :func:`copy_runtime`, or None."""
    base = Path(site_dir) / DEST
    found = sorted(d for d in base.iterdir() if (d / "pyodide.mjs").is_file()) if base.is_dir() else []
    return found[-1] if found else None


def runtime_version(runtime: Path) -> str:
    """The Pyodide version of a copied runtime (from pyodide.mjs itself)."""
    found = re.search(r'var \w+="(\d+\.\d+\.\d+[^"]*)"', (runtime / "pyodide.mjs").read_text(encoding="utf-8"))
    if not found:
        raise RuntimeError(f"{runtime / 'pyodide.mjs'}: no version found")
    return found.group(1)


def _packed_wasm(wasm: Path, root: Path) -> Path:
    """``wasm`` gzipped by :func:`gzip_max`, cached in ``node_modules/.cache/qmas-wasm/`` by its
    sha256 and the settings (a minute or two of work once per Pyodide version)."""
    settings = hashlib.sha256(json.dumps(GZIP_MAX, sort_keys=True).encode()).hexdigest()[:8]
    cached = root / "node_modules" / ".cache" / "qmas-wasm" / f"{_sha256(wasm)}-{settings}.gz"
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        part = cached.with_suffix(".part")
        part.write_bytes(gzip_max(wasm.read_bytes()))
        part.replace(cached)
    return cached


def copy_runtime(site_dir: str | Path, root: str | Path = ROOT, source_maps: bool = False,
                 install: bool = True) -> dict:
    """Copy the runtime into ``<site_dir>/assets/pyodide/<version>/`` with ``WASM_GZ``, leaving
    identical files alone and removing anything else under ``assets/pyodide/``. Returns
    ``{"version", "dir", "files": {name: size}}``."""
    root = Path(root)
    src = package_dir(root, install=install)
    version = json.loads((src / "package.json").read_text(encoding="utf-8"))["version"]
    base = Path(site_dir) / DEST
    dest = base / version
    dest.mkdir(parents=True, exist_ok=True)
    names = RUNTIME_FILES + (SOURCE_MAPS if source_maps else ())
    missing = [n for n in names if not (src / n).is_file()]
    if missing:
        raise RuntimeError(f"{PACKAGE}@{version} lacks {', '.join(missing)}")
    for stale in list(base.iterdir()) + list(dest.iterdir()):
        if stale == dest or (stale.parent == dest and stale.name in names + (WASM_GZ,)):
            continue
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    files = {}
    for name in names:
        _copy_if_changed(src / name, dest / name)
        files[name] = (dest / name).stat().st_size
    _copy_if_changed(_packed_wasm(dest / WASM, root), dest / WASM_GZ)
    files[WASM_GZ] = (dest / WASM_GZ).stat().st_size
    return {"version": version, "dir": str(dest), "files": files}


def stdlib_top_names(stdlib_zip: str | Path) -> list[str]:
    """Top-level module and package names in a stdlib zip (the worker's fallback
    fetches the full stdlib only for these names, never for optional probes such as
    ``import _winapi``)."""
    names = set()
    with zipfile.ZipFile(stdlib_zip) as z:
        for name in z.namelist():
            top = name.split("/", 1)[0]
            if "/" in name:
                if top.isidentifier():  # a package (not e.g. site-packages/)
                    names.add(top)
            elif top.endswith((".py", ".pyc")):
                # Every module, also _sysconfigdata__emscripten_wasm32-emscripten (sysconfig
                # imports it by that name).
                names.add(top.rsplit(".", 1)[0])
    return sorted(names)


def _core_imports(wheel: Path) -> list[str]:
    """Absolute module names the wheel's own ``import`` statements name (also those inside
    functions), so the bundle holds them even if the build-time trace never ran that code."""
    found = set()
    with zipfile.ZipFile(wheel) as z:
        packages = {n.split("/", 1)[0] for n in z.namelist() if n.endswith("/__init__.py")}
        for name in z.namelist():
            # __main__.py is the command line (argparse), never run in the browser.
            if not name.endswith(".py") or name.endswith("/__main__.py"):
                continue
            try:
                tree = ast.parse(z.read(name), name)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module)
                    found.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return sorted(n for n in found if n.split(".", 1)[0] not in packages and n != "__future__")


def build_bundle(wheel: str | Path, out_dir: str | Path, site_dir: str | Path, root: str | Path = ROOT,
                 options: dict = BUNDLE_OPTIONS) -> dict:
    """Write ``<out_dir>/qmas-py-<sha256[:12]>.zip.gz``: the stdlib modules the core imports
    (bundle_probe.py traced in Pyodide under Node, plus the core's own import statements), the
    core and the worker's own modules (site_scripts/bundled/), precompiled by Pyodide. Cached in ``node_modules/.cache/qmas-bundle/`` by the
    sha256 of everything it is made from; older bundles in ``out_dir`` are removed. Returns
    ``{"file", "sha256", "size", "encoding", "stdlib_modules", "stdlib_compiled"}``."""
    wheel, out_dir, root = Path(wheel), Path(out_dir), Path(root)
    runtime = runtime_dir(site_dir)
    if runtime is None:
        raise RuntimeError(f"{site_dir} has no Pyodide runtime: run copy_runtime first")
    stdlib = runtime / "python_stdlib.zip"
    imports = _core_imports(wheel)
    key = hashlib.sha256()
    for part in (BUNDLE_VERSION, pinned_version(root), _sha256(stdlib), _sha256(wheel),
                 _sha256(PYC_SCRIPT), _sha256(BUNDLE_PROBE), *map(_sha256, BUNDLED_MODULES),
                 json.dumps(imports), json.dumps(options), json.dumps(GZIP_MAX, sort_keys=True)):
        key.update(part.encode() + b"\0")
    tag = f"{BUNDLE_VERSION}, pyodide {pinned_version(root)}, key {key.hexdigest()}"
    cache = root / "node_modules" / ".cache" / "qmas-bundle"
    cached = cache / f"{key.hexdigest()}.zip"
    summary_file = cached.with_suffix(".json")
    if not (cached.is_file() and summary_file.is_file()):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node (>= 18) is needed to build the calculator's Python bundle")
        pkg = package_dir(root)
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="qmas-bundle-") as tmp:
            job = Path(tmp) / "job.json"
            part = Path(tmp) / "bundle.zip"
            job.write_text(json.dumps({
                "pyodide_dir": str(pkg), "stdlib_zip": str(stdlib), "wheel": str(wheel),
                "probe": str(BUNDLE_PROBE), "imports": imports, "out_zip": str(part), "tag": tag,
                "modules": [str(m) for m in BUNDLED_MODULES],
                **options,
            }), encoding="utf-8")
            proc = subprocess.run([node, str(PYC_SCRIPT), "--bundle", str(job)], capture_output=True, text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"building the Python bundle failed:\n{proc.stdout}{proc.stderr}")
            summary = json.loads(proc.stdout.strip().splitlines()[-1])
            cached.write_bytes(gzip_max(part.read_bytes()))
        summary_file.write_text(json.dumps(summary), encoding="utf-8")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    # Keep the cache small: the newest few bundles (each core change makes a new one).
    entries = sorted(cache.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[BUNDLE_CACHE_KEEP:]:
        if old != cached:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
    digest = _sha256(cached)
    name = f"qmas-py-{digest[:12]}.zip.gz"
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("qmas-py-*"):
        if old.name != name:
            old.unlink()
    _copy_if_changed(cached, out_dir / name)
    return {"file": name, "sha256": digest, "size": cached.stat().st_size, "encoding": "gzip",
            "stdlib_modules": len(summary.get("stdlib_modules", [])),
            "stdlib_compiled": len(summary.get("stdlib_compiled", []))}


def main(args=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m site_scripts.pyodide_files",
        description="Copy the pinned Pyodide runtime into <site-dir>/assets/pyodide/.",
    )
    parser.add_argument("--site-dir", default="site", help="built site (default: site)")
    parser.add_argument("--source-maps", action="store_true", help="also copy pyodide.mjs.map")
    parser.add_argument(
        "--no-install", action="store_true", help="fail instead of running `npm ci`"
    )
    opts = parser.parse_args(args)
    try:
        info = copy_runtime(opts.site_dir, source_maps=opts.source_maps, install=not opts.no_install)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        raise SystemExit(e)
    total = sum(info["files"].values())
    print(f"pyodide {info['version']} -> {info['dir']} ({len(info['files'])} files, {total:,} bytes)")


if __name__ == "__main__":
    main()
