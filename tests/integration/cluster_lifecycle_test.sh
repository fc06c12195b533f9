#!/usr/bin/env bash
# hack/cluster.sh on a cluster of this test's own: up, a component stopped and started again,
# and down leaving no process behind.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
export KDIAG_CLUSTER=lifecycle-$$
export KDIAG_CLUSTER_DIR=$(mktemp -d)/cluster
failures=0
check() { # description command...
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then echo "ok: $what"; else
    echo "FAIL: $what" >&2
    failures=$((failures + 1))
  fi
}
not() { ! "$@"; }
trap '"$repo/hack/cluster.sh" down >/dev/null 2>&1 || true' EXIT

check "up starts a cluster" "$repo/hack/cluster.sh" up
check "status reports it healthy" "$repo/hack/cluster.sh" status
check "a stopped API server shows in status" bash -c \
  "'$repo/hack/cluster.sh' stop kube-apiserver && ! '$repo/hack/cluster.sh' status"
check "up brings a stopped component back" "$repo/hack/cluster.sh" up
check "status is healthy again" "$repo/hack/cluster.sh" status
check "restart replaces a component" "$repo/hack/cluster.sh" restart kwok
check "down stops it" "$repo/hack/cluster.sh" down
check "no process is left" not pgrep -f -- "$KDIAG_CLUSTER_DIR"
check "no state is left" not test -e "$KDIAG_CLUSTER_DIR"
check "status says down" not "$repo/hack/cluster.sh" status
((failures == 0)) && echo "all checks passed" || exit 1
