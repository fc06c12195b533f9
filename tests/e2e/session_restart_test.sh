#!/usr/bin/env bash
# Sessions across a controller restart: a session running when the controller is killed is
# picked up again (same pod, no duplicate) and still ends at its TTL; a session deleted while the
# controller was down leaves a pod in another namespace, which the restarted controller sweeps.
# Stops the shared controller, so it runs alone (RUN_SERIAL).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/scenario_lib.sh"

create_namespace restart
home=$ns
create_namespace restart-target
target=$ns
ns=$home
state=$e2e_state
# Whatever happens, the other tests find a controller running afterwards.
on_exit 'kill -0 "$(cat "$state/pid" 2>/dev/null)" 2>/dev/null || "$repo/tests/e2e/controller.sh" up >/dev/null'

session survivor '{ttl: 25s, recording: {enabled: false}}'
session orphan "{ttl: 30m, targetNamespace: $target, recording: {enabled: false}}"
for s in survivor orphan; do
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Running "troubleshootsession/$s" --timeout=30s >/dev/null ||
    fail "$s did not run"
done
pod_uid=$(kubectl -n "$ns" get pod survivor-debug -o jsonpath='{.metadata.uid}')
expires=$(session_get survivor '{.status.expiresAt}')

log "the controller is killed"
kill -9 "$(cat "$state/pid")"
"$repo/tests/e2e/controller.sh" down >/dev/null 2>&1 || true
# Gone while nobody watches: its finalizer can only be removed by hand.
kubectl -n "$ns" patch troubleshootsession orphan --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null
kubectl -n "$ns" delete troubleshootsession orphan >/dev/null
expect_eq "its pod in another namespace is left behind" orphan-debug \
  "$(kubectl -n "$target" get pods -l kdiag.dev/session=orphan -o jsonpath='{.items[*].metadata.name}')"

log "the controller starts again"
"$repo/tests/e2e/controller.sh" up >/dev/null
expect_success "the orphaned pod is swept" kubectl -n "$target" wait --for=delete pod/orphan-debug --timeout=30s
expect_eq "the running session keeps its pod" "$pod_uid" \
  "$(kubectl -n "$ns" get pod survivor-debug -o jsonpath='{.metadata.uid}')"
expect_eq "no duplicate pod" 1 "$(kubectl -n "$ns" get pods -l kdiag.dev/session=survivor -o name | wc -l)"
expect_eq "still Running" Running "$(session_get survivor '{.status.phase}')"
expect_eq "expiry unchanged" "$expires" "$(session_get survivor '{.status.expiresAt}')"
kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Expired troubleshootsession/survivor --timeout=40s >/dev/null ||
  fail "the session did not expire after the restart: $(session_get survivor '{.status}')"
expect_eq "expired by its TTL" ttl "$(session_get survivor '{.status.terminationReason}')"
ended=$(session_get survivor '{.status.endedAt}')
(($(date -d "$ended" +%s) - $(date -d "$expires" +%s) <= 5)) || fail "ended at $ended, well after $expires"
expect_success "its pod is gone" kubectl -n "$ns" wait --for=delete pod/survivor-debug --timeout=30s
finish
