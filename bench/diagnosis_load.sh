#!/usr/bin/env bash
# Diagnoses end to end on the local control plane, against the real kdiag-controller (the
# ServiceAccount's credentials and RBAC, leader election off, no addon expected):
#   bench/diagnosis_load.sh [RUNS]   (default 100; BUILD_DIR default build/default)
# populates namespace bench-latency (1,000 pods, 5,000 events, 20 broken workloads) and 50
# namespaces bench-burst-N, then measures RUNS Diagnoses one after the other, and 500 at once.
# Uses a cluster of its own (KDIAG_CLUSTER=bench), left running for the next run; stop it with
# KDIAG_CLUSTER=bench hack/cluster.sh down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-100}
build=${BUILD_DIR:-build/default}
export KDIAG_CLUSTER=bench
hack/cluster.sh up >/dev/null
eval "$(hack/cluster.sh env)"
cmake --build "$build" --target diagnosis_load_bench kdiag-controller >/dev/null
kubectl apply -k manifests/local --server-side --force-conflicts >/dev/null
kubectl wait --for=condition=Established --timeout=30s crd/diagnoses.kdiag.dev >/dev/null
"$build/bench/diagnosis_load_bench" populate

state=$(mktemp -d /tmp/kdiag-diagnosis-load.XXXXXX)
cat >"$state/config.yaml" <<'YAML'
log:
  level: info
  format: json
leaderElection:
  enabled: false
# Diagnoses only: no TroubleshootSession admission webhook to serve.
webhook:
  enabled: false
diagnosis:
  publicBaseURL: http://kdiag.bench.test
  managementNamespaces: [kube-system]
  # The local control plane runs no addon (kwok simulates nodes and pods).
  addons: []
YAML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
kubeconfig=$(hack/cluster.sh kubeconfig kdiag-system kdiag-controller)
"$build/daemon/kdiag-controller" --config "$state/config.yaml" --kubeconfig "$kubeconfig" \
  --listen-address "127.0.0.1:$port" >"$state/log" 2>&1 &
controller=$!
trap 'kill -TERM $controller 2>/dev/null; wait $controller 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$state/log" >&2; exit 1; }

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$controller/stat"; }
# The API server's mean time for the requests a run makes: status PUT, previous-log GET.
server_ms() { # verb resource subresource
  kubectl get --raw /metrics | awk -v verb="verb=\"$1\"" -v resource="resource=\"$2\"" \
    -v subresource="subresource=\"$3\"" '
    /^apiserver_request_duration_seconds_(sum|count)\{/ && index($0, verb) &&
      index($0, resource) && index($0, subresource) {
      if ($1 ~ /_sum/) s += $2; else c += $2
    }
    END {printf "%.3f %d", s, c}'
}
mean_ms() { # before after
  echo "$1 $2" | awk '{n = $4 - $2; if (n > 0) printf "%.1f ms (%d requests)", ($3 - $1) * 1000 / n, n}'
}
cpu_before=$(cpu_seconds)
put_before=$(server_ms PUT diagnoses status)
log_before=$(server_ms CONNECT pods log)
"$build/bench/diagnosis_load_bench" latency "$runs"
cpu_after=$(cpu_seconds)
echo "controller CPU during the latency runs: $(echo "$cpu_before $cpu_after $runs" | awk '{printf "%.1f ms per Diagnosis", ($2 - $1) * 1000 / $3}')"
echo "API server, mean status PUT: $(mean_ms "$put_before" "$(server_ms PUT diagnoses status)")"
echo "API server, mean previous-log GET: $(mean_ms "$log_before" "$(server_ms CONNECT pods log)")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/diagnosis_load_bench" burst "http://127.0.0.1:$port"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# The controller's own figure: from the Diagnosis taken off the queue to its status written.
run_ms() { # namespace prefix
  grep -o "\"diagnosis $1[^:]*: run [^ ]* [a-z]* in [0-9]* ms" "$state/log" |
    sed 's/.* in \([0-9]*\) ms/\1/' | sort -n |
    awk '{a[NR]=$1} END {if (NR) printf "%d runs: median %d ms, p99 %d ms, max %d ms\n", NR, a[int((NR+1)/2)], a[int(NR*0.99+0.5)], a[NR]}'
}
echo "controller, run to status written, bench-latency: $(run_ms bench-latency/)"
echo "controller, run to status written, burst: $(run_ms bench-burst-)"
echo "controller log: $state/log"
