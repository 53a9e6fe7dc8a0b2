#!/usr/bin/env bash
# Starts a Kubernetes 1.20.2 control plane (etcd + kube-apiserver) on loopback
# for integration tests and prints the path of its kubeconfig on the last line.
#
#   start.sh [STATE_DIR]     (default ${KUBEGPU_CACHE:-~/.cache/kube-gpu-extender}/control-plane)
#
# Idempotent: when the control plane of STATE_DIR is already running and
# healthy it only prints the kubeconfig path. Certificates, keys and the admin
# token are generated once per state dir; etcd data survives stop.sh (not
# stop.sh --purge). The processes run detached and outlive this script.
#
# Environment: KUBEGPU_CACHE, ETCD_PORT (23790), ETCD_PEER_PORT (23800),
# APISERVER_PORT (16443), START_TIMEOUT (60, seconds to wait for /readyz).
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STATE_DIR="${1:-$DEFAULT_STATE_DIR}"
START_TIMEOUT="${START_TIMEOUT:-60}"

bin_dir=$("$SCRIPT_DIR/build.sh" | tail -n 1)
[[ -x $bin_dir/kube-apiserver ]] || die "build.sh did not produce kube-apiserver"

mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
umask 077

KUBECONFIG_FILE="$STATE_DIR/kubeconfig"
ETCD_PID="$STATE_DIR/etcd.pid"
APISERVER_PID="$STATE_DIR/kube-apiserver.pid"

# One start.sh per state dir at a time. fd 8 is closed for the daemons.
exec 8>"$STATE_DIR/.start.lock"
flock 8

# --- helpers ---------------------------------------------------------------

# GET URL with the admin token; prints the HTTP status code (000 if none).
api_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
    --cacert "$STATE_DIR/ca.crt" -H "Authorization: Bearer $(<"$STATE_DIR/token")" "$1" || true
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

show_log_tail() {
  [[ -s $1 ]] || return 0
  log "last lines of $1:"
  tail -n 20 "$1" >&2
}

# --- already running? ------------------------------------------------------

# The flags kube-apiserver runs with; a running one started with other flags (an older checkout) is restarted.
APISERVER_FLAGS_VERSION=2
# Whether the running kube-apiserver has this script's flags: the version file says which script started it last, and
# the process's own command line must show the aggregation layer too (an older checkout's start.sh restarts it without
# that flag and without touching the version file).
apiserver_current() {
  local pid
  pid=$(live_pid "$APISERVER_PID") || return 1
  [[ $(cat "$STATE_DIR/apiserver.flags-version" 2>/dev/null) == "$APISERVER_FLAGS_VERSION" ]] || return 1
  local args
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qx -- '--enable-aggregator-routing=true' <<<"$args"
}
if live_pid "$ETCD_PID" >/dev/null && apiserver_current \
  && [[ -s $KUBECONFIG_FILE && -s $STATE_DIR/token ]]; then
  server=$(sed -n 's/^ *server: *//p' "$KUBECONFIG_FILE" | head -n 1)
  if [[ $(api_status "$server/readyz") == 200 ]]; then
    log "control plane already running ($server)"
    echo "$KUBECONFIG_FILE"
    exit 0
  fi
fi

# --- certificates, keys and token (once per state dir) --------------------

gen_pki() {
  local d=$STATE_DIR
  local cnf=$d/.openssl.cnf

  if [[ ! -s $d/ca.crt || ! -s $d/ca.key ]]; then
    log "generating CA in $d"
    cat >"$cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = kube-gpu-extender-test-ca
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
CNF
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -config "$cnf" \
      -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
    rm -f "$d/apiserver.crt" "$d/apiserver.key"
  fi

  if [[ ! -s $d/apiserver.crt || ! -s $d/apiserver.key ]]; then
    log "generating kube-apiserver serving certificate"
    cat >"$cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = kube-apiserver
[v3_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
authorityKeyIdentifier = keyid
CNF
    openssl req -new -newkey rsa:2048 -nodes -config "$cnf" \
      -keyout "$d/apiserver.key" -out "$d/apiserver.csr" 2>/dev/null
    openssl x509 -req -sha256 -days 3650 -in "$d/apiserver.csr" \
      -CA "$d/ca.crt" -CAkey "$d/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
      -extfile "$cnf" -extensions v3_server -out "$d/apiserver.crt" 2>/dev/null
    rm -f "$d/apiserver.csr"
  fi

  if [[ ! -s $d/sa.key || ! -s $d/sa.pub ]]; then
    log "generating service-account key pair"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/sa.key" 2>/dev/null
    openssl pkey -in "$d/sa.key" -pubout -out "$d/sa.pub"
  fi

  # The aggregation layer: kube-apiserver proxies aggregated APIs (custom.metrics.k8s.io) with a client
  # certificate of its own CA, which an aggregated server checks through extension-apiserver-authentication.
  if [[ ! -s $d/front-proxy-ca.crt || ! -s $d/front-proxy-ca.key ]]; then
    log "generating the front-proxy CA"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=front-proxy-ca" \
      -keyout "$d/front-proxy-ca.key" -out "$d/front-proxy-ca.crt" 2>/dev/null
    rm -f "$d/front-proxy-client.crt" "$d/front-proxy-client.key"
  fi
  if [[ ! -s $d/front-proxy-client.crt || ! -s $d/front-proxy-client.key ]]; then
    log "generating the front-proxy client certificate"
    printf 'extendedKeyUsage = clientAuth\n' >"$cnf"
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=front-proxy-client" \
      -keyout "$d/front-proxy-client.key" -out "$d/front-proxy-client.csr" 2>/dev/null
    openssl x509 -req -sha256 -days 3650 -in "$d/front-proxy-client.csr" -CA "$d/front-proxy-ca.crt" \
      -CAkey "$d/front-proxy-ca.key" -set_serial "0x$(openssl rand -hex 16)" -extfile "$cnf" \
      -out "$d/front-proxy-client.crt" 2>/dev/null
    rm -f "$d/front-proxy-client.csr"
  fi

  if [[ ! -s $d/token || ! -s $d/tokens.csv ]]; then
    log "generating admin token"
    printf '%s' "$(openssl rand -hex 32)" >"$d/token"
    printf '%s,admin,admin,"system:masters"\n' "$(<"$d/token")" >"$d/tokens.csv"
  fi
  rm -f "$cnf"
}

# Any of ca.crt, apiserver.crt, ... missing or unreadable -> (re)generate it.
gen_pki
openssl x509 -noout -in "$STATE_DIR/apiserver.crt" 2>/dev/null \
  || die "$STATE_DIR/apiserver.crt is not a valid certificate"

# --- etcd ------------------------------------------------------------------

started_etcd=0
cleanup_on_failure() {
  stop_pidfile "$APISERVER_PID" kube-apiserver 10
  if [[ $started_etcd == 1 ]]; then
    stop_pidfile "$ETCD_PID" etcd 10
  fi
}

# A half-running control plane (one process died) is restarted as a whole; so is one started with other flags.
if ! live_pid "$ETCD_PID" >/dev/null || ! apiserver_current; then
  stop_pidfile "$APISERVER_PID" kube-apiserver 15
fi

if ! live_pid "$ETCD_PID" >/dev/null; then
  for p in "$ETCD_PORT" "$ETCD_PEER_PORT"; do
    port_in_use "$p" && die "port 127.0.0.1:$p is in use (another control plane? stop it or set ETCD_PORT/ETCD_PEER_PORT)"
  done
  log "starting etcd on 127.0.0.1:$ETCD_PORT (data: $STATE_DIR/etcd)"
  start_detached "$ETCD_PID" "$STATE_DIR/etcd.log" \
    etcd --name kubegpu \
    --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "kubegpu=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new \
    --logger zap --log-level warn
  started_etcd=1
fi

deadline=$((SECONDS + START_TIMEOUT))
until [[ $(curl -s --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" || true) == *'"health":"true"'* ]]; do
  if ! live_pid "$ETCD_PID" >/dev/null; then
    show_log_tail "$STATE_DIR/etcd.log"
    cleanup_on_failure
    die "etcd exited"
  fi
  if ((SECONDS >= deadline)); then
    show_log_tail "$STATE_DIR/etcd.log"
    cleanup_on_failure
    die "etcd not healthy after ${START_TIMEOUT}s"
  fi
  sleep 0.2
done

# --- kube-apiserver --------------------------------------------------------

server="https://127.0.0.1:$APISERVER_PORT"
if ! live_pid "$APISERVER_PID" >/dev/null; then
  port_in_use "$APISERVER_PORT" && {
    cleanup_on_failure
    die "port 127.0.0.1:$APISERVER_PORT is in use (set APISERVER_PORT)"
  }
  log "starting kube-apiserver on $server"
  start_detached "$APISERVER_PID" "$STATE_DIR/kube-apiserver.log" \
    "$bin_dir/kube-apiserver" \
    --bind-address=127.0.0.1 \
    --advertise-address=127.0.0.1 \
    --endpoint-reconciler-type=none \
    --secure-port="$APISERVER_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --tls-cert-file="$STATE_DIR/apiserver.crt" \
    --tls-private-key-file="$STATE_DIR/apiserver.key" \
    --client-ca-file="$STATE_DIR/ca.crt" \
    --token-auth-file="$STATE_DIR/tokens.csv" \
    --authorization-mode=Node,RBAC \
    --service-cluster-ip-range=10.96.0.0/16 \
    --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$STATE_DIR/sa.pub" \
    --service-account-signing-key-file="$STATE_DIR/sa.key" \
    --disable-admission-plugins=ServiceAccount,TaintNodesByCondition \
    --requestheader-client-ca-file="$STATE_DIR/front-proxy-ca.crt" \
    --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User \
    --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$STATE_DIR/front-proxy-client.crt" \
    --proxy-client-key-file="$STATE_DIR/front-proxy-client.key" \
    --enable-aggregator-routing=true \
    --profiling=false \
    --logtostderr=true \
    -v=1
  echo "$APISERVER_FLAGS_VERSION" >"$STATE_DIR/apiserver.flags-version"
else
  server=$(sed -n 's/^ *server: *//p' "$KUBECONFIG_FILE" 2>/dev/null | head -n 1)
  server=${server:-https://127.0.0.1:$APISERVER_PORT}
fi

until [[ $(api_status "$server/readyz") == 200 ]]; do
  if ! live_pid "$APISERVER_PID" >/dev/null; then
    show_log_tail "$STATE_DIR/kube-apiserver.log"
    cleanup_on_failure
    die "kube-apiserver exited"
  fi
  if ((SECONDS >= deadline)); then
    show_log_tail "$STATE_DIR/kube-apiserver.log"
    cleanup_on_failure
    die "kube-apiserver not ready after ${START_TIMEOUT}s"
  fi
  sleep 0.3
done

# --- kubeconfig ------------------------------------------------------------

tmp="$KUBECONFIG_FILE.tmp.$$"
cat >"$tmp" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: kube-gpu-extender-test
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$STATE_DIR/ca.crt")
users:
- name: admin
  user:
    token: $(<"$STATE_DIR/token")
contexts:
- name: kube-gpu-extender-test
  context:
    cluster: kube-gpu-extender-test
    user: admin
    namespace: default
current-context: kube-gpu-extender-test
KUBECONFIG
mv "$tmp" "$KUBECONFIG_FILE"

log "control plane ready ($server)"
echo "$KUBECONFIG_FILE"
