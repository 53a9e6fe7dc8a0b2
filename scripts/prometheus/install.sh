#!/usr/bin/env bash
# Installs Prometheus and promtool from Debian's `prometheus` package (2.42 on bookworm) when they are
# missing. The scorer's integration tests start a real Prometheus on loopback over TSDB blocks that
# promtool builds from generated DCGM series. Debian's post-install may try to start the packaged
# service; the tests never use it (they run their own server on a free port with their own data).
# Prints the directory holding both binaries as its last line.
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  dirname "$(command -v prometheus)"
  exit 0
fi

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "[prometheus] root is needed to run: $*" >&2; exit 1; fi
}

exec 9>/tmp/kubegpu-prometheus-install.lock
flock 9
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  echo "[prometheus] apt-get install prometheus" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
fi
dirname "$(command -v prometheus)"
