#!/usr/bin/env bash
# Stops the kube-controller-manager of STATE_DIR started by start-controller-manager.sh.
#
#   stop-controller-manager.sh [STATE_DIR]
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STATE_DIR="${1:-$DEFAULT_STATE_DIR}"
[[ -d $STATE_DIR ]] || { echo stopped; exit 0; }
stop_pidfile "$STATE_DIR/kube-controller-manager.pid" kube-controller-manager 10
echo stopped
