# Shared helpers of the shell-driven integration and end-to-end tests. Tests drive the real
# local control plane (hack/cluster.sh) the way users do: kubectl apply, wait, get -o jsonpath.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$repo/hack/cluster.sh" env)"
source "$repo/tests/checks_lib.sh"

# Namespaces of the test's own, deleted when the script exits.
test_namespaces=()
cleanup_namespaces() {
  local n
  for n in "${test_namespaces[@]}"; do
    kubectl delete namespace "$n" --wait=false >/dev/null 2>&1 || true
  done
}
trap cleanup_namespaces EXIT

create_namespace() { # prefix; sets ns
  ns="$1-$(tr -dc a-z0-9 </dev/urandom | head -c 6 || true)"
  kubectl create namespace "$ns" >/dev/null
  test_namespaces+=("$ns")
}
