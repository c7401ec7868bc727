#!/bin/sh
# Make a Chromium available to the browser tests: Debian's package where apt is available,
# unless one is already installed (Debian's, or Playwright's own as on GitHub Actions).
set -e
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ls "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-* >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "No Chromium found: install one, or run 'python -m playwright install chromium'." >&2
  exit 1
fi
