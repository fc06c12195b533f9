# Shared helpers of the shell-driven integration and end-to-end tests. Tests drive the real
# local control plane (hack/cluster.sh) the way users do: kubectl apply, wait, get -o jsonpath.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
eval "$("$repo/hack/cluster.sh" env)"
failures=0
test_name=$(basename "$0" .sh)

log() { printf '[%s] %s\n' "$test_name" "$*"; }

fail() {
  printf '[%s] FAIL: %s\n' "$test_name" "$*" >&2
  failures=$((failures + 1))
}

expect_eq() { # description expected actual
  if [[ $2 == "$3" ]]; then log "ok: $1"; else fail "$1: expected '$2', got '$3'"; fi
}

expect_contains() { # description needle haystack
  if [[ $3 == *"$2"* ]]; then log "ok: $1"; else fail "$1: expected to contain '$2', got: $3"; fi
}

# Runs a command that must fail, and checks that its output names the reason.
expect_failure() { # description needle command...
  local description=$1 needle=$2 out
  shift 2
  if out=$("$@" 2>&1); then
    fail "$description: succeeded but should have failed: $out"
  else
    expect_contains "$description" "$needle" "$out"
  fi
}

expect_success() { # description command...
  local description=$1 out
  shift
  if out=$("$@" 2>&1); then log "ok: $description"; else fail "$description: $out"; fi
}

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

finish() {
  if ((failures > 0)); then
    log "$failures check(s) failed"
    exit 1
  fi
  log "all checks passed"
}
