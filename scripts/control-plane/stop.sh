#!/usr/bin/env bash
# Stops the scheduler, kube-apiserver and etcd of a state dir (SIGTERM, then
# SIGKILL after a bounded wait). Certificates, token and etcd data are kept,
# unless --purge is given, which also deletes the whole state dir.
#
#   stop.sh [--purge] [STATE_DIR]
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

purge=0
STATE_DIR=""
for arg in "$@"; do
  case $arg in
    --purge) purge=1 ;;
    -*) die "unknown option $arg (usage: stop.sh [--purge] [STATE_DIR])" ;;
    *) STATE_DIR=$arg ;;
  esac
done
STATE_DIR="${STATE_DIR:-$DEFAULT_STATE_DIR}"

if [[ -d $STATE_DIR ]]; then
  stop_pidfile "$STATE_DIR/kube-scheduler.pid" kube-scheduler 10
  stop_pidfile "$STATE_DIR/kube-controller-manager.pid" kube-controller-manager 10
  stop_pidfile "$STATE_DIR/kube-apiserver.pid" kube-apiserver 20
  stop_pidfile "$STATE_DIR/etcd.pid" etcd 20
fi

if [[ $purge == 1 && -e $STATE_DIR ]]; then
  log "deleting $STATE_DIR"
  rm -rf "$STATE_DIR"
fi
