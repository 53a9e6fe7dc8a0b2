#!/usr/bin/env bash
# Stops the kube-scheduler started by start-scheduler.sh for a state dir.
#
#   stop-scheduler.sh [--name NAME] [STATE_DIR]
#
# NAME is the one given to start-scheduler.sh; without it, the unnamed scheduler.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NAME=""
if [[ ${1:-} == --name ]]; then
  [[ $# -ge 2 ]] || die "usage: stop-scheduler.sh [--name NAME] [STATE_DIR]"
  NAME=$2
  shift 2
fi
STATE_DIR="${1:-$DEFAULT_STATE_DIR}"
stop_pidfile "$STATE_DIR/$(scheduler_pid_name "$NAME")" "kube-scheduler${NAME:+ $NAME}" 10
# Callers read the last line: say what happened even when nothing was running.
echo "kube-scheduler${NAME:+ $NAME} of $STATE_DIR stopped"
