#!/usr/bin/env bash
# kdiag-controller as an operator runs it: the shipped configuration, the ServiceAccount's
# credentials, probes and metrics over HTTP, JSON logs, a clean stop on SIGTERM, and clear
# errors for bad configuration.
source "$(dirname "$0")/../lib.sh"

controller=${KDIAG_BUILD_DIR:?}/daemon/kdiag-controller
config=$repo/manifests/base/config.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"; cleanup_namespaces' EXIT

expect_eq "the shipped configuration is valid" "configuration is valid" \
  "$("$controller" --config "$config" --check-config)"

printf 'log:\n  level: info\nsessions:\n  maxTTL: 3h\n  colour: blue\n' >"$work/bad.yaml"
set +e
out=$("$controller" --config "$work/bad.yaml" 2>&1)
rc=$?
set -e
expect_eq "bad configuration exits with code 2" 2 "$rc"
expect_contains "an unknown key is named with file and line" "$work/bad.yaml:5: sessions.colour: unknown key" "$out"
printf 'sessions:\n  maxTTL: 3h\n' >"$work/ttl.yaml"
expect_failure "a TTL ceiling over 2h is refused" "$work/ttl.yaml: sessions.maxTTL: must be more than 0s and at most 2h" \
  "$controller" --config "$work/ttl.yaml"
expect_failure "an unknown flag is named" "--colour" "$controller" --colour
expect_failure "a bad flag value is named" "--log-format: 'xml' is not one of text, json" \
  "$controller" --log-format xml

port=$(free_port)
webhook_port=$(free_port)
sa_kubeconfig=$("$repo/hack/cluster.sh" kubeconfig kdiag-system kdiag-controller)
expect_failure "a missing webhook certificate is named with its configuration key" \
  "webhook.certFile: cannot read $work/missing.crt: No such file or directory" \
  "$controller" --config "$config" --kubeconfig "$sa_kubeconfig" --listen-address "127.0.0.1:$port" \
  --webhook-cert-file "$work/missing.crt"
# The admission webhook with a certificate of its own (it is not registered with the API server
# here: tests/e2e/controller.sh does that).
"$repo/hack/webhook-certs.sh" files "$work/webhook" 127.0.0.1
"$controller" --config "$config" --kubeconfig "$sa_kubeconfig" --listen-address "127.0.0.1:$port" \
  --leader-election-namespace kdiag-system --webhook-address "127.0.0.1:$webhook_port" \
  --webhook-cert-file "$work/webhook/tls.crt" --webhook-key-file "$work/webhook/tls.key" 2>"$work/log" &
pid=$!
up() { curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; }
for _ in $(seq 50); do up && break; sleep 0.1; done

expect_eq "/healthz answers ok" "ok" "$(curl -sf "http://127.0.0.1:$port/healthz")"
ready() { curl -sf "http://127.0.0.1:$port/readyz?verbose"; }
for _ in $(seq 100); do ready >/dev/null && break; sleep 0.1; done
expect_contains "/readyz passes once the caches synced" "[+]caches ok" "$(ready)"
expect_contains "the admission webhook answers over TLS with its certificate" \
  "expected an AdmissionReview of admission.k8s.io/v1" \
  "$(curl -s --cacert "$work/webhook/ca.crt" -d '{}' "https://127.0.0.1:$webhook_port/validate-troubleshootsession")"
expect_contains "/metrics serves build info" 'kdiag_build_info{version="0.1.0"} 1' "$(curl -sf "http://127.0.0.1:$port/metrics")"

holder() { kubectl -n kdiag-system get lease kdiag-controller -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
for _ in $(seq 100); do [[ -n $(holder) ]] && break; sleep 0.1; done
expect_contains "it leads, holding the Lease" "$(hostname)_" "$(holder)"
create_namespace daemon
kubectl -n "$ns" apply -f "$repo/manifests/samples/diagnosis.yaml" >/dev/null
metrics() { curl -sf "http://127.0.0.1:$port/metrics"; }
for _ in $(seq 50); do metrics | grep -q 'kdiag_watch_events_total{resource="diagnoses.kdiag.dev",type="ADDED"}' && break; sleep 0.1; done
expect_contains "metrics show the watch's events" 'kdiag_watch_events_total{resource="diagnoses.kdiag.dev",type="ADDED"} 1' "$(metrics)"
expect_contains "metrics show the cache" 'kdiag_cache_objects{resource="diagnoses.kdiag.dev"} ' "$(metrics)"
expect_contains "metrics show the leader" 'kdiag_leader_election_is_leader{lease="kdiag-controller"} 1' "$(metrics)"
expect_contains "metrics count API calls" 'kdiag_api_requests_total{code="200",verb="get"}' "$(metrics)"

kill -TERM "$pid"
stopped=no
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || { stopped=yes; break; }; sleep 0.1; done
expect_eq "SIGTERM stops it within 5s" yes "$stopped"
set +e
wait "$pid"
rc=$?
set -e
expect_eq "it exits with code 0" 0 "$rc"
expect_success "every log line is a JSON object" jq -e 'has("ts") and has("level") and has("msg")' "$work/log"
expect_contains "the log says it stopped cleanly" '"msg":"stopped cleanly"' "$(cat "$work/log")"
expect_eq "it released the Lease on the way out" "" "$(holder)"
finish
