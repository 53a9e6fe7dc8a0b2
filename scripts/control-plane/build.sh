#!/usr/bin/env bash
# Builds kube-apiserver, kube-scheduler, kube-controller-manager and kubectl of Kubernetes 1.20.2 from
# Debian bookworm's `kubernetes` source package (vendored dependencies, no
# network access for Go) and installs the runtime dependencies (etcd, openssl,
# curl). It also builds kube-scheduler-pr103030: the same kube-scheduler with
# upstream's one-line fix that 1.20.10 shipped (kubernetes/kubernetes#103030, the
# release-1.20 cherry-pick of #103019; patches/), without which 1.20.0-1.20.9
# never call an extender's preempt verb. Tests of the verb end to end use it;
# everything else runs the unpatched 1.20.2. The binaries are cached in
#   ${KUBEGPU_CACHE:-$HOME/.cache/kube-gpu-extender}/kubernetes-1.20.2/bin/
# and when they are already there this script does nothing.
# The last line printed on stdout is the bin directory; progress goes to stderr.
#
# Environment:
#   KUBEGPU_CACHE       cache root (default ~/.cache/kube-gpu-extender)
#   KUBEGPU_KEEP_BUILD  1 = keep the source tree and Go cache after a build
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BUILD_TARGETS=(kube-apiserver kube-scheduler kube-controller-manager kubectl)
PATCHED_SCHEDULER=kube-scheduler-pr103030
SCHEDULER_PATCH="$SCRIPT_DIR/patches/103030-scheduler-extenders-on-preemption.patch"
RUNTIME_PACKAGES=(etcd-server openssl curl procps)
BUILD_PACKAGES=(golang-go golang-github-modern-go-reflect2-dev dpkg-dev make rsync jq patch)
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
BUILD_LOG="$VERSION_DIR/build.log"
WORK_DIR="$VERSION_DIR/build"

main_ready() {
  local b
  for b in "${BUILD_TARGETS[@]}"; do
    [[ -x $BIN_DIR/$b ]] || return 1
  done
}

ready() {
  local c
  main_ready || return 1
  [[ -x $BIN_DIR/$PATCHED_SCHEDULER ]] || return 1
  for c in etcd openssl curl; do
    command -v "$c" >/dev/null 2>&1 || return 1
  done
}

# Fast path: nothing to do.
if ready; then
  echo "$BIN_DIR"
  exit 0
fi

mkdir -p "$VERSION_DIR"
# Serialise concurrent callers (e.g. two test runs starting at once).
exec 9>"$VERSION_DIR/.build.lock"
flock 9
if ready; then
  echo "$BIN_DIR"
  exit 0
fi

fail() {
  log "ERROR: $*"
  if [[ -s $BUILD_LOG ]]; then
    log "last lines of $BUILD_LOG:"
    tail -n 25 "$BUILD_LOG" >&2
  fi
  exit 1
}

APT_UPDATED=0
apt_update() {
  [[ $APT_UPDATED == 1 ]] && return 0
  log "apt-get update"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$BUILD_LOG" 2>&1 \
    || fail "apt-get update failed"
  APT_UPDATED=1
}

is_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

apt_install() {
  local p missing=()
  for p in "$@"; do
    is_installed "$p" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  apt_update
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >>"$BUILD_LOG" 2>&1 || fail "apt-get install ${missing[*]} failed"
}

# Makes sure `apt-get source kubernetes` can find the 1.20.2 source package,
# adding a deb-src entry for Debian bookworm when none provides it.
ensure_deb_src() {
  local list=/etc/apt/sources.list.d/kubegpu-src.sources
  if apt-cache showsrc kubernetes 2>/dev/null | grep -q "^Version: .*$K8S_VERSION"; then
    return 0
  fi
  if [[ ! -e $list ]]; then
    log "adding deb-src entry $list"
    as_root tee "$list" >/dev/null <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  fi
  APT_UPDATED=0
  apt_update
  apt-cache showsrc kubernetes 2>/dev/null | grep -q "^Version: .*$K8S_VERSION" \
    || fail "no source package for kubernetes $K8S_VERSION found (is this Debian bookworm?)"
}

: >"$BUILD_LOG"
started=$SECONDS

apt_install "${RUNTIME_PACKAGES[@]}"
if ready; then
  echo "$BIN_DIR"
  exit 0
fi
apt_install "${BUILD_PACKAGES[@]}"
[[ -d $REFLECT2_SRC ]] || fail "$REFLECT2_SRC is missing"

log "fetching the kubernetes source package into $WORK_DIR"
ensure_deb_src
rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"
(
  cd "$WORK_DIR"
  apt_opts=()
  # As root, apt wants to drop privileges to _apt, which cannot write here.
  [[ $EUID -eq 0 ]] && apt_opts=(-o APT::Sandbox::User=root)
  apt-get source -q "${apt_opts[@]}" kubernetes >>"$BUILD_LOG" 2>&1
) || fail "apt-get source kubernetes failed"

src=""
for d in "$WORK_DIR"/kubernetes-*/; do
  [[ -f $d/Makefile ]] && src=${d%/}
done
[[ -n $src ]] || fail "unpacked source tree not found under $WORK_DIR"
grep -q "tag: v$K8S_VERSION'" "$src/hack/lib/version.sh" \
  || fail "$src is not Kubernetes v$K8S_VERSION"

# reflect2 v1.0.1 (vendored) crashes at run time on Go >= 1.18; use Debian's 1.0.2.
log "replacing vendored github.com/modern-go/reflect2 with $REFLECT2_SRC"
r2="$src/vendor/github.com/modern-go/reflect2"
[[ -d $r2 ]] || fail "$r2 not found"
find "$r2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
find "$REFLECT2_SRC" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
  -exec cp {} "$r2/" \;

go_make() {
  (
    cd "$src"
    # hack/lib/init.sh forces GO111MODULE=off and builds in a GOPATH tree under
    # _output/local/go (GOCACHE too), so vendor/ is used as a GOPATH vendor dir.
    # GOFLAGS must stay empty: -mod=vendor is invalid in GOPATH mode and the
    # build scripts would also parse it into a bogus build tag. GOPROXY=off makes
    # sure nothing is ever downloaded.
    export GOPATH="$WORK_DIR/gopath" GOCACHE="$WORK_DIR/gocache" GOPROXY=off GOFLAGS="" \
      CGO_ENABLED=0
    make WHAT="$1"
  ) >>"$BUILD_LOG" 2>&1 || fail "make WHAT=$1 failed"
}

tmp_bin="$VERSION_DIR/bin.tmp.$$"
rm -rf "$tmp_bin"
mkdir -p "$tmp_bin"
if ! main_ready; then
  whats=()
  for b in "${BUILD_TARGETS[@]}"; do whats+=("cmd/$b"); done
  log "building ${BUILD_TARGETS[*]} with $(go version | cut -d' ' -f3) (about 7 minutes on 2 cores; log: $BUILD_LOG)"
  go_make "${whats[*]}"
  for b in "${BUILD_TARGETS[@]}"; do
    cp "$src/_output/bin/$b" "$tmp_bin/" || fail "$b was not built"
  done
  "$tmp_bin/kube-apiserver" --version | grep -q "v$K8S_VERSION" \
    || fail "built kube-apiserver does not report v$K8S_VERSION"
fi

log "building $PATCHED_SCHEDULER (kube-scheduler with $(basename "$SCHEDULER_PATCH"))"
patch -d "$src" -p1 --forward <"$SCHEDULER_PATCH" >>"$BUILD_LOG" 2>&1 \
  || fail "$SCHEDULER_PATCH does not apply"
go_make cmd/kube-scheduler
cp "$src/_output/bin/kube-scheduler" "$tmp_bin/$PATCHED_SCHEDULER" || fail "$PATCHED_SCHEDULER was not built"

mkdir -p "$BIN_DIR"
mv "$tmp_bin"/* "$BIN_DIR/"
rmdir "$tmp_bin"

if [[ ${KUBEGPU_KEEP_BUILD:-0} != 1 ]]; then
  # The Go build cache makes files read-only; make them deletable first.
  chmod -R u+w "$WORK_DIR" 2>/dev/null || true
  rm -rf "$WORK_DIR"
fi
log "built in $((SECONDS - started))s: $BIN_DIR"
echo "$BIN_DIR"
