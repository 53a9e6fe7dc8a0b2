# shellcheck shell=bash disable=SC2034
# Shared helpers for the control-plane scripts (sourced, never executed). The
# variables set here are used by the scripts that source it.

K8S_VERSION=1.20.2
KUBEGPU_CACHE="${KUBEGPU_CACHE:-$HOME/.cache/kube-gpu-extender}"
VERSION_DIR="$KUBEGPU_CACHE/kubernetes-$K8S_VERSION"
BIN_DIR="$VERSION_DIR/bin"
DEFAULT_STATE_DIR="$KUBEGPU_CACHE/control-plane"

ETCD_PORT="${ETCD_PORT:-23790}"
ETCD_PEER_PORT="${ETCD_PEER_PORT:-23800}"
APISERVER_PORT="${APISERVER_PORT:-16443}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[control-plane] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs a command as root (directly, or through sudo when available).
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "root is needed to run: $*"
  fi
}

# Prints the pid stored in FILE if that process is alive; fails otherwise.
live_pid() {
  local file=$1 pid
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie is not alive for our purposes.
  [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]] || return 1
  echo "$pid"
}

# The pid and log file names of the scheduler called NAME (empty: the unnamed one).
scheduler_pid_name() { echo "kube-scheduler${1:+-$1}.pid"; }
scheduler_log_name() { echo "scheduler${1:+-$1}.log"; }

# Stops the process in pid FILE: SIGTERM, then SIGKILL after TIMEOUT seconds.
stop_pidfile() {
  local file=$1 name=$2 timeout=${3:-15} pid i
  if ! pid=$(live_pid "$file"); then
    rm -f "$file"
    return 0
  fi
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not exit after ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$file"
}

# Starts a command detached from this script (own session, no stdin, output to
# LOGFILE, the previous LOGFILE kept as LOGFILE.prev) and writes its pid to
# PIDFILE. The lock fds 8 and 9 are not inherited.
start_detached() {
  local pidfile=$1 logfile=$2
  shift 2
  if [[ -s $logfile ]]; then mv -f "$logfile" "$logfile.prev"; fi
  setsid nohup "$@" </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
  echo $! >"$pidfile"
}
