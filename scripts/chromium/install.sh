#!/usr/bin/env bash
# Installs Debian's Chromium and its ChromeDriver (packages chromium and chromium-driver) when they are missing.
# The console's browser test drives them headless through Selenium; no browser is ever downloaded by a test tool.
# Prints the chromium binary and the chromedriver binary, one per line, as its last two lines.
set -euo pipefail

found() {
  command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

print() {
  command -v chromium
  command -v chromedriver
}

if found; then
  print
  exit 0
fi

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "[chromium] root is needed to run: $*" >&2; exit 1; fi
}

exec 9>/tmp/kubegpu-chromium-install.lock
flock 9
if ! found; then
  echo "[chromium] apt-get install chromium chromium-driver" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
fi
print
