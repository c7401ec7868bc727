"""The one build path, used by `make build`, `make serve`, the tests and the Pages workflow:
`mkdocs build --strict`, whose hooks add the Pyodide runtime and the qmas_core wheel.

    python -m site_scripts.build [--site-dir site]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def build_site(site_dir: Path | str = ROOT / "site") -> Path:
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(Path(site_dir).resolve()), strict=True)
    build(config)
    return Path(config["site_dir"])


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_scripts.build", description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", default=str(ROOT / "site"))
    options = parser.parse_args(args)
    print(f"built {build_site(options.site_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
