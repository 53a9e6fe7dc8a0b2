#!/usr/bin/env bash
# Starts the built kube-controller-manager 1.20.2 in the background against the control plane of STATE_DIR
# (which start.sh must have started), so Deployments, ReplicaSets, StatefulSets, HorizontalPodAutoscalers,
# PodDisruptionBudgets, garbage collection and namespaces behave as in a real cluster.
#
#   start-controller-manager.sh [STATE_DIR] [EXTRA_FLAG...]
#
# Only the controllers above run: without a kubelet no node heartbeats, so the node-lifecycle controller would
# mark every test node NotReady and evict its pods. A tests' node helper marks bound pods Running/Ready and
# finishes graceful deletions instead. One instance per state dir: one already running is stopped first, so
# new flags (e.g. --horizontal-pod-autoscaler-downscale-stabilization=10s) always apply.
# Log: STATE_DIR/controller-manager.log, pid: STATE_DIR/kube-controller-manager.pid; the pid is printed last.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STATE_DIR="${1:-$DEFAULT_STATE_DIR}"
[[ $# -ge 1 ]] && shift
[[ -d $STATE_DIR ]] || die "state dir $STATE_DIR does not exist (run start.sh first)"
STATE_DIR=$(cd "$STATE_DIR" && pwd)

bin_dir=$("$SCRIPT_DIR/build.sh" | tail -n 1)
[[ -x $bin_dir/kube-controller-manager ]] || die "build.sh did not produce kube-controller-manager"
live_pid "$STATE_DIR/kube-apiserver.pid" >/dev/null \
  || die "kube-apiserver of $STATE_DIR is not running (run start.sh first)"

PID_FILE="$STATE_DIR/kube-controller-manager.pid"
LOG_FILE="$STATE_DIR/controller-manager.log"

exec 9>"$STATE_DIR/.controller-manager.lock"
flock 9

stop_pidfile "$PID_FILE" kube-controller-manager 10

log "starting kube-controller-manager ${*:-}"
start_detached "$PID_FILE" "$LOG_FILE" \
  "$bin_dir/kube-controller-manager" \
  --kubeconfig="$STATE_DIR/kubeconfig" \
  --leader-elect=false \
  --port=0 \
  --secure-port=0 \
  --controllers=deployment,replicaset,statefulset,horizontalpodautoscaling,disruption,garbagecollector,namespace,serviceaccount \
  --use-service-account-credentials=false \
  --root-ca-file="$STATE_DIR/ca.crt" \
  --horizontal-pod-autoscaler-sync-period=5s \
  --logtostderr=true \
  -v=1 \
  "$@"

# No health port without secure serving: alive after a moment is what can be checked.
sleep 1
pid=$(live_pid "$PID_FILE") || {
  log "kube-controller-manager exited at once; last lines of $LOG_FILE:"
  tail -n 20 "$LOG_FILE" >&2
  exit 1
}
echo "$pid"
