"""Self-host the Pyodide runtime: copy it from node_modules into the site.

    python -m site_scripts.pyodide_files --site-dir site

copies the runtime files of the npm ``pyodide`` package (pinned in
package.json / package-lock.json) into ``<site-dir>/assets/pyodide/<version>/``
(e.g. ``assets/pyodide/314.0.7/``; manifest.json names the folder), running
``npm ci`` first if ``node_modules/pyodide`` is missing. The version in the path
makes every runtime URL immutable: a new Pyodide gets new URLs, so no cache (HTTP,
a proxy's or the service worker's) can ever mix two versions. From an MkDocs hook:

    from site_scripts import pyodide_files
    def on_post_build(config, **kwargs):
        pyodide_files.copy_runtime(config.site_dir)

What a browser fetches when ``loadPyodide`` starts (checked against 314.0.7):
``pyodide.mjs`` (the loader, imported by the worker) imports
``pyodide.asm.mjs``, which instantiates ``pyodide.asm.wasm`` and unpacks
``python_stdlib.zip``; ``pyodide-lock.json`` is fetched unless the caller
passes ``lockFileContents``. Nothing else: since 314 the stdlib is not split
into extra packages, and the npm package ships no wheels (so the lock file's
package entries point at files that are not here and must not be loaded).

The calculator's worker does not load ``python_stdlib.zip``: it passes
``stdLibURL`` the *bundle* that :func:`build_bundle` makes (site_scripts/wheel.py
calls it): the stdlib modules the core needs plus the core itself, precompiled
to .pyc by Pyodide under Node (site_scripts/pyodide_pyc.mjs --bundle). The full
``python_stdlib.zip`` stays in the site: the worker fetches it only if the core
ever imports a stdlib module the bundle left out. Measured with
``python -m site_scripts.bench`` (see its output in the "fast first score" notes).

Opt-in: ``--pyc-stdlib`` also writes ``python_stdlib_pyc.zip``, the whole stdlib
precompiled (4.5 MB instead of 2.5 MB). The bundle made it unnecessary; it is
used only by a site built without a bundle.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pyodide"
DEST = Path("assets") / "pyodide"  # + "<version>/"

# Loaded by the browser at start-up (see the module docstring).
RUNTIME_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# Only fetched by the browser's developer tools.
SOURCE_MAPS = ("pyodide.mjs.map",)
# Optional: the stdlib precompiled to .pyc (see compile_stdlib).
PYC_STDLIB = "python_stdlib_pyc.zip"
PYC_SCRIPT = Path(__file__).resolve().parent / "pyodide_pyc.mjs"
BUNDLE_PROBE = Path(__file__).resolve().parent / "bundle_probe.py"
# The worker's own Python, at the top level of the bundle: the full-stdlib finder, the warm-up.
BUNDLED_MODULES = tuple(sorted((Path(__file__).resolve().parent / "bundled").glob("*.py")))
BUNDLE_VERSION = "qmas bundle v1"  # bump to rebuild every cached bundle
# Which stdlib modules of the bundle are precompiled (see build_bundle) and how it is packed:
# the defaults were chosen with site_scripts/bench.py (cold first score vs bytes served):
# every module precompiled, without docstrings (as python -OO; 15% smaller), the whole zip
# gzipped (Pages does not compress .zip; 6% better than zip's own compression). Sources
# instead of .pyc save bytes but cost the first visit their compilation (~2 s here);
# "budget" precompiles only the modules that save the most compile time per byte. Column
# positions are left out of the .pyc (as python -X no_debug_ranges): 25% fewer bytes served
# for the bundle, and tracebacks keep their line numbers.
BUNDLE_COMPILE = "all"
BUNDLE_PYC_BUDGET = 0
BUNDLE_GZIP = True
BUNDLE_STRIP_DOCSTRINGS = True
BUNDLE_DEBUG_RANGES = False
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


def _copy_if_changed(src: Path, dst: Path) -> bool:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        if _sha256(dst) == _sha256(src):
            return False
    shutil.copyfile(src, dst)
    return True


def compile_stdlib(
    source_zip: str | Path, out_zip: str | Path, root: str | Path = ROOT
) -> bool:
    """Write ``out_zip``: ``source_zip`` with every module precompiled to .pyc
    by Pyodide (run under Node). Skipped, returning False, when ``out_zip``
    was already made from a byte-identical ``source_zip``."""
    import zipfile

    source_zip, out_zip = Path(source_zip), Path(out_zip)
    tag = (
        f"qmas pyc-stdlib v1, pyodide {pinned_version(Path(root))},"
        f" from sha256:{_sha256(source_zip)}"
    )
    if out_zip.is_file():
        try:
            with zipfile.ZipFile(out_zip) as z:
                if z.comment.decode("utf-8", "replace") == tag:
                    return False
        except zipfile.BadZipFile:
            pass
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node (>= 18) is needed to precompile the stdlib")
    pkg = package_dir(Path(root))
    tmp = out_zip.with_name(out_zip.name + ".part")
    proc = subprocess.run(
        [node, str(PYC_SCRIPT), str(pkg), str(source_zip), str(tmp), tag],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"precompiling the stdlib failed:\n{proc.stdout}{proc.stderr}")
    tmp.replace(out_zip)
    return True


def runtime_dir(site_dir: str | Path) -> Path | None:
    """``<site_dir>/assets/pyodide/<version>/`` as copied by :func:`copy_runtime`, or None."""
    base = Path(site_dir) / DEST
    found = sorted(d for d in base.iterdir() if (d / "pyodide.mjs").is_file()) if base.is_dir() else []
    return found[-1] if found else None


def runtime_version(runtime: Path) -> str:
    """The Pyodide version of a copied runtime (from pyodide.mjs itself)."""
    import re

    found = re.search(r'var \w+="(\d+\.\d+\.\d+[^"]*)"', (runtime / "pyodide.mjs").read_text(encoding="utf-8"))
    if not found:
        raise RuntimeError(f"{runtime / 'pyodide.mjs'}: no version found")
    return found.group(1)


def copy_runtime(
    site_dir: str | Path,
    root: str | Path = ROOT,
    source_maps: bool = False,
    install: bool = True,
    pyc_stdlib: bool = False,
) -> dict:
    """Copy the Pyodide runtime into ``<site_dir>/assets/pyodide/<version>/``.

    Returns ``{"version", "dir", "files": {name: size}}``. Files that are
    already there and identical are left alone; anything else in
    ``assets/pyodide/`` (other versions, files not in the list) is removed, so
    the folder holds exactly the runtime. ``pyc_stdlib=True`` adds
    python_stdlib_pyc.zip (see :func:`compile_stdlib`).
    """
    root = Path(root)
    src = package_dir(root, install=install)
    version = json.loads((src / "package.json").read_text(encoding="utf-8"))["version"]
    base = Path(site_dir) / DEST
    dest = base / version
    dest.mkdir(parents=True, exist_ok=True)
    names = RUNTIME_FILES + (SOURCE_MAPS if source_maps else ())
    keep = names + ((PYC_STDLIB,) if pyc_stdlib else ())
    missing = [n for n in names if not (src / n).is_file()]
    if missing:
        raise RuntimeError(f"{PACKAGE}@{version} lacks {', '.join(missing)}")
    for stale in list(base.iterdir()) + list(dest.iterdir()):
        if stale == dest or (stale.parent == dest and stale.name in keep):
            continue
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    files = {}
    for name in names:
        _copy_if_changed(src / name, dest / name)
        files[name] = (dest / name).stat().st_size
    if pyc_stdlib:
        compile_stdlib(dest / "python_stdlib.zip", dest / PYC_STDLIB, root)
        files[PYC_STDLIB] = (dest / PYC_STDLIB).stat().st_size
    return {"version": version, "dir": str(dest), "files": files}


def stdlib_top_names(stdlib_zip: str | Path) -> list[str]:
    """Top-level module and package names in a stdlib zip (the worker's fallback
    fetches the full stdlib only for these names, never for optional probes such as
    ``import _winapi``)."""
    import zipfile

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
    import ast
    import zipfile

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


def build_bundle(
    wheel: str | Path, out_dir: str | Path, site_dir: str | Path, root: str | Path = ROOT,
    compile: str = BUNDLE_COMPILE, pyc_budget: int = BUNDLE_PYC_BUDGET, whole_gzip: bool = BUNDLE_GZIP,
    strip_docstrings: bool = BUNDLE_STRIP_DOCSTRINGS, debug_ranges: bool = BUNDLE_DEBUG_RANGES,
) -> dict:
    """Write ``<out_dir>/qmas-py-<sha256[:12]>.zip``: the stdlib modules the core imports
    (found by running site_scripts/bundle_probe.py in Pyodide under Node, plus the core's
    own import statements), the wheel's package and the worker's own modules
    (site_scripts/bundled/), all precompiled to .pyc by Pyodide.

    The worker passes it to ``loadPyodide`` as ``stdLibURL``: one request, no package
    loader, nothing compiled at start-up. Older bundles in ``out_dir`` are removed.
    Bundles are cached in ``node_modules/.cache/qmas-bundle/`` by the sha256 of everything
    they are made from. Returns ``{"file", "sha256", "size", "stdlib_modules"}``.
    """
    import tempfile

    wheel, out_dir, root = Path(wheel), Path(out_dir), Path(root)
    runtime = runtime_dir(site_dir)
    if runtime is None:
        raise RuntimeError(f"{site_dir} has no Pyodide runtime: run copy_runtime first")
    stdlib = runtime / "python_stdlib.zip"
    imports = _core_imports(wheel)
    key = hashlib.sha256()
    options = {"compile": compile, "pyc_budget": pyc_budget, "stored": whole_gzip,
               "strip_docstrings": strip_docstrings, "debug_ranges": debug_ranges}
    for part in (BUNDLE_VERSION, pinned_version(root), _sha256(stdlib), _sha256(wheel),
                 _sha256(PYC_SCRIPT), _sha256(BUNDLE_PROBE), *map(_sha256, BUNDLED_MODULES),
                 json.dumps(imports), json.dumps(options)):
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
            if whole_gzip:
                import gzip

                with open(part, "rb") as f, gzip.GzipFile(cached, "wb", compresslevel=9, mtime=0) as out:
                    shutil.copyfileobj(f, out)
            else:
                shutil.copyfile(part, cached)
        summary_file.write_text(json.dumps(summary), encoding="utf-8")
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    # Keep the cache small: the newest few bundles (each core change makes a new one).
    entries = sorted(cache.glob("*.zip"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[BUNDLE_CACHE_KEEP:]:
        if old != cached:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
    digest = _sha256(cached)
    name = f"qmas-py-{digest[:12]}.zip" + (".gz" if whole_gzip else "")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("qmas-py-*"):
        if old.name != name:
            old.unlink()
    _copy_if_changed(cached, out_dir / name)
    return {"file": name, "sha256": digest, "size": cached.stat().st_size,
            "encoding": "gzip" if whole_gzip else None,
            "stdlib_modules": len(summary.get("stdlib_modules", [])),
            "stdlib_compiled": len(summary.get("stdlib_compiled", []))}


def on_post_build(config, **kwargs) -> None:
    """MkDocs hook: ``hooks: [site_scripts/pyodide_files.py]``."""
    copy_runtime(config["site_dir"])


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
    parser.add_argument(
        "--pyc-stdlib",
        action="store_true",
        help=f"also write {PYC_STDLIB} (stdlib precompiled by Pyodide under Node)",
    )
    opts = parser.parse_args(args)
    try:
        info = copy_runtime(
            opts.site_dir,
            source_maps=opts.source_maps,
            install=not opts.no_install,
            pyc_stdlib=opts.pyc_stdlib,
        )
    except (RuntimeError, subprocess.CalledProcessError) as e:
        raise SystemExit(e)
    total = sum(info["files"].values())
    print(f"pyodide {info['version']} -> {info['dir']} ({len(info['files'])} files, {total:,} bytes)")


if __name__ == "__main__":
    main()
