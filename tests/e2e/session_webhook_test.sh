#!/usr/bin/env bash
# The TroubleshootSession admission webhook, called by the real API server, with users
# impersonated as kubectl --as does: a session is admitted only for a user who may create and
# attach to pods where its pod runs; it records who created it, and that cannot change; the
# image allow-list and the per-namespace limit apply.
source "$(dirname "$0")/../lib.sh"

create_namespace webhook-target
target=$ns
create_namespace webhook
cleanup() {
  # The sessions first, so that no pod a session controller made for them is left behind.
  kubectl -n "$ns" delete troubleshootsessions --all --wait=true --timeout=60s >/dev/null 2>&1 || true
  cleanup_namespaces
}
trap cleanup EXIT

# Without a recording: the claims would wait for volumes no provisioner makes here.
session() { # name [spec-json] [annotations-json]
  local spec=${2:-} annotations=${3:-}
  spec=$(jq -c '. + {recording: {enabled: false}}' <<<"${spec:-"{}"}")
  printf '{"apiVersion":"kdiag.dev/v1alpha1","kind":"TroubleshootSession","metadata":{"name":"%s","annotations":%s},"spec":%s}' \
    "$1" "${annotations:-"{}"}" "$spec"
}
apply_as() { # user document
  kubectl --as "$1" -n "$ns" apply -f - <<<"$2"
}
owner() { kubectl -n "$ns" get tss "$1" -o jsonpath='{.metadata.annotations.kdiag\.dev/owner}'; }
until_can() { # user verb resource [namespace]
  for _ in $(seq 50); do
    [[ $(kubectl auth can-i "$2" "$3" -n "${4:-$ns}" --as "$1" 2>/dev/null) == yes ]] && return 0
    sleep 0.2
  done
  return 1
}

# alice edits the namespace (the built-in edit role: pods, pods/attach, and through kdiag's
# aggregated role, sessions); bob may create sessions there, and nothing else.
kubectl -n "$ns" create rolebinding alice-edit --clusterrole=edit --user=alice >/dev/null
kubectl -n "$ns" create role session-creator --verb=get,list,create \
  --resource=troubleshootsessions.kdiag.dev >/dev/null
kubectl -n "$ns" create rolebinding bob-sessions --role=session-creator --user=bob >/dev/null
expect_success "edit lets alice create sessions" until_can alice create troubleshootsessions.kdiag.dev
expect_success "edit lets alice attach to pods" until_can alice create pods/attach
expect_success "bob may create sessions" until_can bob create troubleshootsessions.kdiag.dev
expect_eq "bob may not create pods" no "$(kubectl auth can-i create pods -n "$ns" --as bob 2>/dev/null || true)"

# --- who may open a session ----------------------------------------------------------------
expect_success "alice, who may run and attach to pods here, opens a session" \
  apply_as alice "$(session alice-debug '{"ttl":"30m","purpose":"INC-4711"}')"
expect_contains "the session records alice as its owner" '"username":"alice"' "$(owner alice-debug)"
expect_contains "with the groups she was authenticated with" '"system:authenticated"' "$(owner alice-debug)"

expect_success "an owner written by the user is replaced" \
  apply_as alice "$(session alice-forged '' '{"kdiag.dev/owner":"{\"username\":\"system:admin\"}"}')"
expect_contains "by the user who created the session" '"username":"alice"' "$(owner alice-forged)"

expect_failure "bob, who may create sessions but not pods, is refused, naming the pod rights" \
  "user bob may not create pods, create pods/attach, get pods in namespace $ns" \
  apply_as bob "$(session bob-debug)"
expect_eq "bob's session does not exist" "" "$(kubectl -n "$ns" get tss bob-debug -o name --ignore-not-found)"

expect_failure "alice is refused a session whose pod runs where she has no pod rights" \
  "user alice may not create pods, create pods/attach, get pods in namespace $target" \
  apply_as alice "$(session alice-elsewhere "{\"targetNamespace\":\"$target\"}")"

# --- the owner cannot change -----------------------------------------------------------------
expect_failure "alice cannot change the owner" "kdiag.dev/owner annotation cannot be added, changed or removed" \
  kubectl --as alice -n "$ns" annotate tss alice-debug --overwrite 'kdiag.dev/owner={"username":"bob"}'
expect_failure "nor remove it" "kdiag.dev/owner annotation cannot be added, changed or removed" \
  kubectl --as alice -n "$ns" annotate tss alice-debug kdiag.dev/owner-
expect_failure "nor can the cluster's admin" "kdiag.dev/owner annotation cannot be added, changed or removed" \
  kubectl -n "$ns" annotate tss alice-debug --overwrite 'kdiag.dev/owner={"username":"mallory"}'
expect_contains "the owner is still alice" '"username":"alice"' "$(owner alice-debug)"
expect_success "other changes of the metadata are allowed" \
  kubectl --as alice -n "$ns" annotate tss alice-debug --overwrite example.com/ticket=INC-4711

# --- the operator's configuration ------------------------------------------------------------
expect_failure "an image not on the allow-list is refused, naming spec.image" \
  "spec.image: 'docker.io/library/busybox:1.36' is not the default image nor on the operator's allow-list" \
  apply_as alice "$(session alice-busybox '{"image":"docker.io/library/busybox:1.36"}')"

# The per-namespace limit of the controller's configuration (tests/e2e/config.yaml).
limit=$(awk '/^sessions:/ {s = 1; next} /^[^ #]/ {s = 0} s && $1 == "maxPerNamespace:" {print $2}' \
  "$e2e_state/config.yaml")
limit=${limit:-10}
active() {
  kubectl -n "$ns" get tss -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null
    and ((.status.phase // "") | IN("Expired", "Terminated", "Failed") | not))] | length'
}
refused=""
for i in $(seq "$((limit + 1))"); do
  before=$(active)
  if ! out=$(apply_as alice "$(session "alice-$i")" 2>&1); then
    refused=$out
    break
  fi
done
expect_contains "a session over sessions.maxPerNamespace is refused" \
  "has $limit active TroubleshootSessions, the most allowed (sessions.maxPerNamespace: $limit)" "$refused"
expect_eq "once the namespace has that many" "$limit" "${before:-}"

# --- what the controller counted --------------------------------------------------------------
metrics=$(curl -sf "http://127.0.0.1:$(cat "$e2e_state/port")/metrics")
expect_contains "metrics count the denials" \
  'kdiag_webhook_requests_total{result="denied",webhook="/validate-troubleshootsession"}' "$metrics"
expect_contains "and the owners recorded" \
  'kdiag_webhook_requests_total{result="allowed",webhook="/mutate-troubleshootsession"}' "$metrics"
finish
