#!/usr/bin/env bash
# Cold start: from process start to a synced pod cache for N pods on the local control plane,
# against `kubectl get pods -A -o json > /dev/null` on the same server in the same run.
#   bench/cold_start.sh [PODS] [ROUNDS]     (defaults 10000 and 5; BUILD_DIR default build/default)
# Uses a cluster of its own (KDIAG_CLUSTER=bench), left running for the next run; stop it with
# KDIAG_CLUSTER=bench hack/cluster.sh down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pods=${1:-10000}
rounds=${2:-5}
build=${BUILD_DIR:-build/default}
export KDIAG_CLUSTER=bench
hack/cluster.sh up >/dev/null
eval "$(hack/cluster.sh env)"
cmake --build "$build" --target cold_start_bench >/dev/null
"$build/bench/cold_start_bench" create "$pods"

seconds_of() { # command...: wall-clock seconds
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
}

echo "round  kubectl-get-s  kdiag-sync-s  ratio"
ratios=()
for ((r = 1; r <= rounds; r++)); do
  k=$(seconds_of sh -c 'kubectl get pods -A -o json >/dev/null')
  d=$(seconds_of "$build/bench/cold_start_bench" sync diagnosis)
  ratio=$(echo "scale=3; $d / $k" | bc)
  ratios+=("$ratio")
  printf '%5d  %13s  %12s  %5s\n' "$r" "$k" "$d" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print "median ratio: " a[int((NR+1)/2)]}'
"$build/bench/cold_start_bench" sync diagnosis
