# Shared helpers of the shell-driven integration and end-to-end tests. Tests drive the real
# local control plane (hack/cluster.sh) the way users do: kubectl apply, wait, get -o jsonpath.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$repo/hack/cluster.sh" env)"
source "$repo/tests/checks_lib.sh"

# The end-to-end controller fixture's files (tests/e2e/controller.sh); KDIAG_E2E_STATE puts a
# second one elsewhere (a benchmark's beside the tests').
e2e_state=${KDIAG_E2E_STATE:-${KDIAG_BUILD_DIR:-}/e2e-controller}

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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Runs kdiag-controller with a configuration of the test's own, as its ServiceAccount, leader
# election and the webhook off, probes and metrics on a free port; waits until it is ready.
# Sets controller_pid and controller_port; stop_controller (also on exit) stops it.
controller_pid=
start_controller() { # config-file log-file
  controller_port=$(free_port)
  "${KDIAG_BUILD_DIR:?}/daemon/kdiag-controller" --config "$1" --leader-elect false \
    --webhook-enabled false --listen-address "127.0.0.1:$controller_port" \
    --kubeconfig "$("$repo/hack/cluster.sh" kubeconfig kdiag-system kdiag-controller)" 2>"$2" &
  controller_pid=$!
  wait_until 30 curl -sf "http://127.0.0.1:$controller_port/readyz" -o /dev/null ||
    fail "the controller did not become ready: $(tail -3 "$2")"
}
# Stops it with SIGTERM; returns its exit code.
stop_controller() {
  [[ -n $controller_pid ]] || return 0
  local pid=$controller_pid rc=0
  controller_pid=
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || rc=$?
  return "$rc"
}
