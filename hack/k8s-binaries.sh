#!/usr/bin/env bash
# Builds the local control plane's binaries (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kwok) from their Go modules at the versions pinned in hack/tools/*/go.mod,
# and caches them outside the repository, keyed by those pins and the Go version, so only the
# first run on a machine pays for the build.
#
# Prints the directory holding the binaries. kubectl is the one on the machine when present,
# else it is built the same way.
set -euo pipefail

if ! command -v go >/dev/null 2>&1; then
  echo "error: Go >= 1.24 is needed to build the local control plane; install it and run this again." >&2
  exit 1
fi

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache_root=${KDIAG_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kdiag}

# The cache key covers everything that decides the build's output.
key=$(cat "$here"/tools/*/go.mod "$here"/tools/*/go.sum <(go env GOVERSION GOOS GOARCH) |
  sha256sum | cut -c1-16)
bin_dir="$cache_root/k8s-bin/$key"

build() { # module-dir package...
  local module=$1
  shift
  (cd "$here/tools/$module" && GOBIN="$bin_dir.partial" go install -trimpath -ldflags="-s -w" "$@")
}

if [[ ! -f "$bin_dir/.complete" ]]; then
  echo "building the local control plane's binaries into $bin_dir (first run only)..." >&2
  rm -rf "$bin_dir.partial"
  mkdir -p "$bin_dir.partial"
  started=$SECONDS
  k8s=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
    k8s.io/kubernetes/cmd/kube-scheduler go.etcd.io/etcd/server/v3)
  command -v kubectl >/dev/null 2>&1 || k8s+=(k8s.io/kubernetes/cmd/kubectl)
  build kubernetes "${k8s[@]}"
  build kwok sigs.k8s.io/kwok/cmd/kwok
  # etcd's main package is its server module, so go names the binary after that.
  mv "$bin_dir.partial/server" "$bin_dir.partial/etcd"
  touch "$bin_dir.partial/.complete"
  rm -rf "$bin_dir"
  mv "$bin_dir.partial" "$bin_dir"
  echo "built in $((SECONDS - started))s" >&2
fi

echo "$bin_dir"
