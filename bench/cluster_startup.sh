#!/usr/bin/env bash
# How long the local control plane takes from `hack/cluster.sh up` to ready (API ready, fake
# nodes Ready, default ServiceAccount present) and to gone (`down`), with binaries cached.
#   bench/cluster_startup.sh [RUNS]      default 5 runs; prints min / median / max seconds
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-5}
export KDIAG_CLUSTER=bench-startup
hack/k8s-binaries.sh >/dev/null
hack/cluster.sh down 2>/dev/null

ups=() downs=()
for _ in $(seq "$runs"); do
  t0=$(date +%s.%N)
  hack/cluster.sh up 2>/dev/null
  t1=$(date +%s.%N)
  hack/cluster.sh down 2>/dev/null
  t2=$(date +%s.%N)
  ups+=("$(echo "$t1 - $t0" | bc)")
  downs+=("$(echo "$t2 - $t1" | bc)")
done

summary() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {printf "min %.2fs  median %.2fs  max %.2fs", v[1], v[int((NR+1)/2)], v[NR]}'; }
echo "up to ready ($runs runs): $(summary "${ups[@]}")"
echo "down        ($runs runs): $(summary "${downs[@]}")"
