#!/usr/bin/env bash
# Starts (up) or stops (down) kdiag-controller for the end-to-end scenarios: the real program,
# with the ServiceAccount's credentials and RBAC, and the scenarios' configuration (or
# $KDIAG_E2E_CONFIG); its admission webhook, registered by URL while it runs; and the root
# sources it polls: a real Alertmanager, a status page and a probed endpoint.
source "$(dirname "$0")/../lib.sh"

state=$e2e_state
mkdir -p "$state"
# Stops what an earlier up started (also one that failed half-way).
stop() {
  # A stopped controller's webhook would refuse every session (failurePolicy Fail).
  "$repo/hack/webhook-certs.sh" unregister || true
  for process in pid alertmanager.pid www.pid; do
    [[ -f $state/$process ]] || continue
    kill -TERM "$(cat "$state/$process")" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$(cat "$state/$process")" 2>/dev/null || break; sleep 0.1; done
    rm -f "$state/$process"
  done
}

case ${1:?up or down} in
up)
  stop
  # The optional APIs some scenarios use (Flux HelmRelease, Argo CD Application, cert-manager
  # Certificate) and read access to the custom resources config.yaml lists, before the
  # controller starts, so that it watches them from the start rather than from its next
  # discovery.
  kubectl apply -f "$repo/tests/e2e/crds" -f "$repo/tests/e2e/rbac-custom-resources.yaml" >/dev/null
  kubectl wait --for=condition=Established --timeout=30s -f "$repo/tests/e2e/crds" >/dev/null
  # The class of session recordings (config.yaml): volumes that outlive their claims.
  kubectl apply -f "$repo/hack/local-recordings.yaml" >/dev/null
  # A real Alertmanager for the global root check's scenarios (root-alert-*).
  am_port=$(free_port)
  printf 'route:\n  receiver: nobody\nreceivers:\n  - name: nobody\n' >"$state/alertmanager.yml"
  /usr/bin/prometheus-alertmanager --config.file="$state/alertmanager.yml" \
    --storage.path="$state/alertmanager" --web.listen-address="127.0.0.1:$am_port" \
    --cluster.listen-address= >"$state/alertmanager.log" 2>&1 &
  echo $! >"$state/alertmanager.pid"
  echo "http://127.0.0.1:$am_port" >"$state/alertmanager.url"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$am_port/-/ready" >/dev/null && break; sleep 0.1; done
  # A status page and a probed endpoint (root-KD0002-*, root-KD0003-*), served from files the
  # scenarios change: $state/www/status.json and $state/www/healthz.
  www_port=$(free_port)
  mkdir -p "$state/www"
  echo '{"status": {"indicator": "none", "description": "All Systems Operational"}}' >"$state/www/status.json"
  echo ok >"$state/www/healthz"
  python3 -m http.server "$www_port" --bind 127.0.0.1 --directory "$state/www" >"$state/www.log" 2>&1 &
  echo $! >"$state/www.pid"
  # The scenarios' configuration, with these as root sources polled every second.
  {
    cat "${KDIAG_E2E_CONFIG:-$repo/tests/e2e/config.yaml}"
    printf '  rootSources:\n'
    printf '    - {name: e2e-alerts, type: alertmanager, url: "http://127.0.0.1:%s", matchers: [%s], interval: 1s, timeout: 1s}\n' \
      "$am_port" "'severity=\"critical\"'"
    printf '    - {name: e2e-status, type: statusPage, url: "http://127.0.0.1:%s/status.json", interval: 1s, timeout: 1s}\n' "$www_port"
    printf '    - {name: e2e-gateway, type: httpProbe, url: "http://127.0.0.1:%s/healthz", interval: 1s, timeout: 1s}\n' "$www_port"
  } >"$state/config.yaml"

  port=$(free_port)
  # The admission webhook on loopback, where kube-apiserver calls it.
  webhook_port=$(free_port)
  "$repo/hack/webhook-certs.sh" files "$state/webhook" 127.0.0.1
  kubeconfig=$("$repo/hack/cluster.sh" kubeconfig kdiag-system kdiag-controller)
  "$KDIAG_BUILD_DIR/daemon/kdiag-controller" --config "$state/config.yaml" \
    --kubeconfig "$kubeconfig" --listen-address "127.0.0.1:$port" \
    --webhook-address "127.0.0.1:$webhook_port" --webhook-cert-file "$state/webhook/tls.crt" \
    --webhook-key-file "$state/webhook/tls.key" >"$state/log" 2>&1 &
  echo $! >"$state/pid"
  echo "$port" >"$state/port"
  for _ in $(seq 300); do
    if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; then
      # Registered once it is ready, so that no session waits on a webhook that cannot answer.
      "$repo/hack/webhook-certs.sh" register-url "https://127.0.0.1:$webhook_port" "$state/webhook/ca.crt"
      log "controller ready on :$port, admission webhook on :$webhook_port"
      exit 0
    fi
    kill -0 "$(cat "$state/pid")" 2>/dev/null || break
    sleep 0.1
  done
  cat "$state/log" >&2
  fail "kdiag-controller did not become ready"
  exit 1
  ;;
down)
  stop
  ;;
esac
