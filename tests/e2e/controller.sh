#!/usr/bin/env bash
# Starts (up) or stops (down) kdiag-controller for the end-to-end scenarios: the real program,
# with the ServiceAccount's credentials and RBAC, and the scenarios' configuration.
source "$(dirname "$0")/../lib.sh"

state=${KDIAG_BUILD_DIR:?}/e2e-controller
mkdir -p "$state"
case ${1:?up or down} in
up)
  # The optional APIs some scenarios use (Flux HelmRelease, Argo CD Application, cert-manager
  # Certificate) and read access to the custom resources config.yaml lists: the controller
  # discovers optional kinds when it starts and does not watch kinds that appear later.
  kubectl apply -f "$repo/tests/e2e/crds" -f "$repo/tests/e2e/rbac-custom-resources.yaml" >/dev/null
  kubectl wait --for=condition=Established --timeout=30s -f "$repo/tests/e2e/crds" >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  kubeconfig=$("$repo/hack/cluster.sh" kubeconfig kdiag-system kdiag-controller)
  "$KDIAG_BUILD_DIR/daemon/kdiag-controller" --config "$repo/tests/e2e/config.yaml" \
    --kubeconfig "$kubeconfig" --listen-address "127.0.0.1:$port" >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  echo "$port" >"$state/port"
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && { log "controller ready on :$port"; exit 0; }
    kill -0 "$(cat "$state/pid")" 2>/dev/null || break
    sleep 0.1
  done
  cat "$state/log" >&2
  fail "kdiag-controller did not become ready"
  exit 1
  ;;
down)
  [[ -f $state/pid ]] || exit 0
  kill -TERM "$(cat "$state/pid")" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$(cat "$state/pid")" 2>/dev/null || break; sleep 0.1; done
  rm -f "$state/pid"
  ;;
esac
