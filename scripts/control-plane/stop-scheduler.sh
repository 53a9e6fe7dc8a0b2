#!/usr/bin/env bash
# Stops the kube-scheduler started by start-scheduler.sh for a state dir.
#
#   stop-scheduler.sh [STATE_DIR]
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STATE_DIR="${1:-$DEFAULT_STATE_DIR}"
stop_pidfile "$STATE_DIR/kube-scheduler.pid" kube-scheduler 10
# Callers read the last line: say what happened even when nothing was running.
echo "kube-scheduler of $STATE_DIR stopped"
