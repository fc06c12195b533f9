#!/usr/bin/env bash
# TroubleshootSessions end to end on the local control plane, against the real kdiag-controller
# as the end-to-end tests run it (tests/e2e/controller.sh: the ServiceAccount's credentials and
# RBAC, the admission webhooks registered):
#   bench/session_load.sh [N]   (default 100; BUILD_DIR default build/default)
# creates N sessions one after the other and reports session created → debug pod created.
# Uses the cluster of the other load benchmark (KDIAG_CLUSTER=bench), left running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-100}
export KDIAG_BUILD_DIR=$(realpath "${BUILD_DIR:-build/default}")
export KDIAG_CLUSTER=bench
# A controller of the benchmark's own, beside any the tests run from the same build.
export KDIAG_E2E_STATE=$KDIAG_BUILD_DIR/bench-controller
hack/cluster.sh up >/dev/null
eval "$(hack/cluster.sh env)"
cmake --build "$KDIAG_BUILD_DIR" --target session_load_bench kdiag-controller >/dev/null
kubectl apply -k manifests/local --server-side --force-conflicts >/dev/null
kubectl wait --for=condition=Established --timeout=30s crd/troubleshootsessions.kdiag.dev >/dev/null
# The sessions stay open until the end: the admission webhook's limits must let them all in.
config=$(mktemp /tmp/kdiag-session-load.XXXXXX.yaml)
sed -E "s/^  (maxPerNamespace|maxPerUser): .*/  \1: $((runs + 10))/" tests/e2e/config.yaml >"$config"
KDIAG_E2E_CONFIG=$config tests/e2e/controller.sh up >/dev/null
trap 'tests/e2e/controller.sh down >/dev/null; rm -f "$config"' EXIT
kubectl create namespace bench-sessions --dry-run=client -o yaml | kubectl apply -f - >/dev/null
controller=$(cat "$KDIAG_E2E_STATE/pid")
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$controller/stat"; }
cpu_before=$(cpu_seconds)
"$KDIAG_BUILD_DIR/bench/session_load_bench" bench-sessions "$runs"
echo "controller CPU: $(echo "$cpu_before $(cpu_seconds) $runs" | awk '{printf "%.1f ms per session", ($2 - $1) * 1000 / $3}')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
