"""MkDocs hook: the Pyodide runtime, the core's wheel and the bundle the worker loads, written
into the site once (the other languages' builds share the site root's copy)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `mkdocs build` does not put the project on sys.path
    sys.path.insert(0, str(ROOT))

from site_scripts import i18n, pyodide_files, wheel  # noqa: E402


def on_post_build(config, **kwargs):
    if i18n.nested_build(config):
        return
    pyodide_files.copy_runtime(config["site_dir"])  # first: the wheel's bundle reads the runtime
    wheel.build_into_site(config["site_dir"])
