#!/usr/bin/env bash
# Starts the built kube-scheduler 1.20.2 in the background against the control
# plane of STATE_DIR (which start.sh must have started).
#
#   start-scheduler.sh [--name NAME] [--binary BINARY] CONFIG_FILE [STATE_DIR]
#
# BINARY is kube-scheduler (the default: Kubernetes 1.20.2 as released) or
# kube-scheduler-pr103030 (1.20.2 with the fix 1.20.10 shipped, so that it calls
# an extender's preempt verb; see build.sh).
#
# Several schedulers can run for one state dir, each under its own NAME (e.g. two
# replicas with leader election on one lease): pid file kube-scheduler-NAME.pid,
# log scheduler-NAME.log. Without --name the files are kube-scheduler.pid and
# scheduler.log, as before.
#
# CONFIG_FILE is a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1beta1)
# written by the caller; its clientConnection.kubeconfig should be
# STATE_DIR/kubeconfig. A scheduler already running for STATE_DIR is stopped
# first (the one of the same NAME), so the new config always applies. Secure serving is off
# (--secure-port=0). With --config, kube-scheduler 1.20 ignores --leader-elect,
# --port and --address: set leaderElection.leaderElect: false and
# healthzBindAddress/metricsBindAddress: 127.0.0.1:PORT in the file (the v1beta1
# defaults are leaderElect: true and 0.0.0.0:10251). When healthzBindAddress has
# a port, this script waits until /healthz answers 200.
# Log: STATE_DIR/scheduler[-NAME].log, pid: STATE_DIR/kube-scheduler[-NAME].pid;
# the pid is printed on the last line.
#
# Environment: KUBEGPU_CACHE, SCHEDULER_VERBOSITY (1), SCHEDULER_START_TIMEOUT (30).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NAME=""
BINARY=kube-scheduler
while [[ ${1:-} == --* ]]; do
  case $1 in
    --name)
      [[ $# -ge 2 && $2 =~ ^[a-z0-9-]+$ ]] || die "--name takes lower-case letters, digits and dashes"
      NAME=$2
      ;;
    --binary)
      [[ $# -ge 2 && $2 =~ ^kube-scheduler(-pr103030)?$ ]] \
        || die "--binary takes kube-scheduler or kube-scheduler-pr103030, not '${2:-}'"
      BINARY=$2
      ;;
    *) die "unknown option $1 (usage: start-scheduler.sh [--name NAME] [--binary BINARY] CONFIG_FILE [STATE_DIR])" ;;
  esac
  shift 2
done
[[ $# -ge 1 && $# -le 2 ]] || die "usage: start-scheduler.sh [--name NAME] [--binary BINARY] CONFIG_FILE [STATE_DIR]"
CONFIG_FILE=$1
STATE_DIR="${2:-$DEFAULT_STATE_DIR}"
[[ -f $CONFIG_FILE ]] || die "config file $CONFIG_FILE not found"
CONFIG_FILE="$(cd "$(dirname "$CONFIG_FILE")" && pwd)/$(basename "$CONFIG_FILE")"
[[ -d $STATE_DIR ]] || die "state dir $STATE_DIR does not exist (run start.sh first)"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
TIMEOUT="${SCHEDULER_START_TIMEOUT:-30}"

bin_dir=$("$SCRIPT_DIR/build.sh" | tail -n 1)
live_pid "$STATE_DIR/kube-apiserver.pid" >/dev/null \
  || die "kube-apiserver of $STATE_DIR is not running (run start.sh first)"

PID_FILE="$STATE_DIR/$(scheduler_pid_name "$NAME")"
LOG_FILE="$STATE_DIR/$(scheduler_log_name "$NAME")"

exec 9>"$STATE_DIR/.scheduler.lock"
flock 9

stop_pidfile "$PID_FILE" kube-scheduler 10

grep -Eq 'leaderElect"?[[:space:]]*:[[:space:]]*"?false' "$CONFIG_FILE" \
  || log "warning: $CONFIG_FILE does not set leaderElection.leaderElect: false (the default is true)"
healthz=$(grep -Eo 'healthzBindAddress"?[[:space:]]*:[[:space:]]*"?[^"[:space:]]+' "$CONFIG_FILE" \
  | head -n 1 | sed -E 's/^healthzBindAddress"?[[:space:]]*:[[:space:]]*"?//' || true)
if [[ -z $healthz ]]; then
  log "warning: $CONFIG_FILE has no healthzBindAddress; kube-scheduler listens on 0.0.0.0:10251"
fi

log "starting $BINARY with $CONFIG_FILE"
start_detached "$PID_FILE" "$LOG_FILE" \
  "$bin_dir/$BINARY" \
  --config="$CONFIG_FILE" \
  --secure-port=0 \
  --logtostderr=true \
  -v="${SCHEDULER_VERBOSITY:-1}"

if [[ $healthz == *:* ]]; then
  healthz_host=${healthz%:*} healthz_port=${healthz##*:}
else # an address without a port means the default port 10251
  healthz_host=$healthz healthz_port=${healthz:+10251}
fi
case $healthz_host in "" | 0.0.0.0 | "[::]") healthz_host=127.0.0.1 ;; esac
started=$SECONDS
deadline=$((started + TIMEOUT))
while :; do
  if ! pid=$(live_pid "$PID_FILE"); then
    log "kube-scheduler exited; last lines of $LOG_FILE:"
    tail -n 20 "$LOG_FILE" >&2
    rm -f "$PID_FILE"
    exit 1
  fi
  if [[ $healthz_port =~ ^[0-9]+$ && $healthz_port != 0 ]]; then
    [[ $(curl -s --max-time 2 "http://$healthz_host:$healthz_port/healthz" || true) == ok ]] && break
  elif ((SECONDS - started >= 2)); then
    break # no health endpoint: being alive after a second is all we can check
  fi
  if ((SECONDS >= deadline)); then
    log "kube-scheduler not healthy after ${TIMEOUT}s; last lines of $LOG_FILE:"
    tail -n 20 "$LOG_FILE" >&2
    stop_pidfile "$PID_FILE" kube-scheduler 5
    exit 1
  fi
  sleep 0.2
done
log "kube-scheduler running (pid $pid)"
echo "$pid"
