"""Self-host the Pyodide runtime: copy it from node_modules into the site.

    python -m site_scripts.pyodide_files --site-dir site

copies the runtime files of the npm ``pyodide`` package (pinned in
package.json / package-lock.json) into ``<site-dir>/assets/pyodide/``, running
``npm ci`` first if ``node_modules/pyodide`` is missing. From an MkDocs hook:

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

Opt-in: ``--pyc-stdlib`` also writes ``python_stdlib_pyc.zip``, the stdlib
precompiled to bytecode by Pyodide itself under Node (site_scripts/pyodide_pyc.mjs).
When it is there, site_scripts/wheel.py names it in manifest.json and the
worker passes it as ``stdLibURL``. Measured with site_scripts/bench.py (cold
loads, headless Chromium, 2 shared cores): first result ~1.0 s instead of
~2.6 s, for 4.5 MB instead of 2.5 MB of stdlib download.
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
DEST = Path("assets") / "pyodide"

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


def copy_runtime(
    site_dir: str | Path,
    root: str | Path = ROOT,
    source_maps: bool = False,
    install: bool = True,
    pyc_stdlib: bool = False,
) -> dict:
    """Copy the Pyodide runtime into ``<site_dir>/assets/pyodide/``.

    Returns ``{"version", "dir", "files": {name: size}}``. Files that are
    already there and identical are left alone; files not in the list are
    removed, so the folder holds exactly the runtime. ``pyc_stdlib=True``
    adds python_stdlib_pyc.zip (see :func:`compile_stdlib`).
    """
    root = Path(root)
    src = package_dir(root, install=install)
    version = json.loads((src / "package.json").read_text(encoding="utf-8"))["version"]
    dest = Path(site_dir) / DEST
    dest.mkdir(parents=True, exist_ok=True)
    names = RUNTIME_FILES + (SOURCE_MAPS if source_maps else ())
    keep = names + ((PYC_STDLIB,) if pyc_stdlib else ())
    missing = [n for n in names if not (src / n).is_file()]
    if missing:
        raise RuntimeError(f"{PACKAGE}@{version} lacks {', '.join(missing)}")
    for stale in dest.iterdir():
        if stale.name not in keep:
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
