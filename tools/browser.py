"""How the tests and the bench start Chromium through Playwright.

Debian's /usr/bin/chromium when it is there (``apt-get install chromium``),
else Playwright's own build (``python -m playwright install chromium``, as on
GitHub Actions). ``QMAS_CHROMIUM=/path/to/chrome`` picks another binary.
"""

from __future__ import annotations

import os
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def chromium_executable() -> str | None:
    """The binary to launch, or None for Playwright's bundled Chromium."""
    chosen = os.environ.get("QMAS_CHROMIUM")
    if chosen:
        return chosen
    if Path(DEBIAN_CHROMIUM).is_file() and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    return None


def launch_options() -> dict:
    """Keyword arguments for ``playwright.chromium.launch``."""
    options: dict = {"headless": True, "args": list(CHROMIUM_ARGS)}
    executable = chromium_executable()
    if executable:
        options["executable_path"] = executable
    return options
