#!/usr/bin/env bash
# The API as users meet it: samples are accepted, invalid resources are rejected by the real
# API server with clear messages, defaults are filled in, kubectl explain and get are useful.
source "$(dirname "$0")/../lib.sh"
create_namespace crds

apply() { kubectl -n "$ns" apply -f - "$@"; }

# --- samples and defaults ----------------------------------------------------------------
expect_success "the samples are accepted" kubectl -n "$ns" apply -k "$repo/manifests/samples"
expect_eq "ttl is kept" "30m" "$(kubectl -n "$ns" get tss net-debug -o jsonpath='{.spec.ttl}')"
expect_eq "recording is on by default" "true" \
  "$(kubectl -n "$ns" get tss net-debug -o jsonpath='{.spec.recording.enabled}')"
expect_eq "recordings are kept by default" "true" \
  "$(kubectl -n "$ns" get tss net-debug -o jsonpath='{.spec.recording.keepOnDelete}')"
apply <<<'{"apiVersion":"kdiag.dev/v1alpha1","kind":"TroubleshootSession","metadata":{"name":"bare"},"spec":{}}' >/dev/null
expect_eq "ttl defaults to 1h" "1h" "$(kubectl -n "$ns" get tss bare -o jsonpath='{.spec.ttl}')"
apply <<<'{"apiVersion":"kdiag.dev/v1alpha1","kind":"Diagnosis","metadata":{"name":"bare"},"spec":{}}' >/dev/null
expect_eq "root checks stop on failure by default" "true Stop" \
  "$(kubectl -n "$ns" get dx bare -o jsonpath='{.spec.rootChecks.enabled} {.spec.rootChecks.onFailure}')"
expect_eq "logWindow defaults to 1h" "1h" "$(kubectl -n "$ns" get dx bare -o jsonpath='{.spec.logWindow}')"

# --- rejected with the expected message --------------------------------------------------
session() { printf '{"apiVersion":"kdiag.dev/v1alpha1","kind":"TroubleshootSession","metadata":{"name":"bad"},"spec":%s}' "$1"; }
diagnosis() { printf '{"apiVersion":"kdiag.dev/v1alpha1","kind":"Diagnosis","metadata":{"name":"bad"},"spec":%s}' "$1"; }
reject() { # description needle document
  expect_failure "$1" "$2" kubectl -n "$ns" apply -f - <<<"$3"
}
reject "a TTL of 3h" "ttl must be a duration greater than 0s and at most 2h" "$(session '{"ttl":"3h"}')"
reject "a TTL that is no duration" "spec.ttl" "$(session '{"ttl":"forever"}')"
reject "runAsUser 0" "runAsUser must be a non-root UID (greater than 0)" "$(session '{"runAsUser":0}')"
reject "runAsGroup 0" "runAsGroup must be a non-root GID (greater than 0)" "$(session '{"runAsGroup":0}')"
reject "an unknown field" 'unknown field "spec.colour"' "$(session '{"colour":"red"}')"
reject "a wrong type" "spec.ttlSecondsAfterFinished in body must be of type integer" \
  "$(diagnosis '{"ttlSecondsAfterFinished":"soon"}')"
reject "temporaryNamespace with targetNamespace" "targetNamespace and temporaryNamespace are mutually exclusive" \
  "$(session '{"temporaryNamespace":true,"targetNamespace":"x"}')"
reject "nodeName with nodeSelector" "nodeName and nodeSelector are mutually exclusive" \
  "$(session '{"nodeName":"n","nodeSelector":{"a":"b"}}')"
reject "an existing claim with a size" "claimName names an existing claim" \
  "$(session '{"recording":{"claimName":"c","size":"1Gi"}}')"
reject "an idle timeout longer than the TTL" "idleTimeout must not be longer than ttl" \
  "$(session '{"ttl":"30m","idleTimeout":"1h"}')"
reject "interval with schedule" "interval and schedule are mutually exclusive" \
  "$(diagnosis '{"interval":"5m","schedule":"*/5 * * * *"}')"
reject "an interval below a minute" "interval must be a duration between 1m and 24h" "$(diagnosis '{"interval":"10s"}')"
reject "a TTL on a continuous diagnosis" "ttlSecondsAfterFinished applies to one-off diagnoses" \
  "$(diagnosis '{"interval":"5m","ttlSecondsAfterFinished":60}')"
reject "a bad namespace name" "spec.target.namespace in body should match" "$(diagnosis '{"target":{"namespace":"Not_Valid"}}')"
reject "a selector requirement without values" "values must be non-empty for In and NotIn" \
  "$(diagnosis '{"filters":{"labelSelector":{"matchExpressions":[{"key":"a","operator":"In"}]}}}')"
reject "a check code of the wrong shape" "spec.checks.include[0] in body should match" "$(diagnosis '{"checks":{"include":["KD12"]}}')"
too_many=$(printf '"n%d",' $(seq 65))
reject "a list over its bound" "must have at most 64 items" "$(diagnosis "{\"filters\":{\"names\":[${too_many%,}]}}")"
expect_failure "a session's spec is immutable" "spec is immutable: end this session and create a new one" \
  kubectl -n "$ns" patch tss net-debug --type=merge -p '{"spec":{"ttl":"45m"}}'

# --- status subresource, printer columns, names ------------------------------------------
kubectl -n "$ns" patch dx bare --subresource=status --type=merge \
  -p '{"status":{"phase":"Completed","summary":{"critical":2,"warning":1,"healthy":false,"verdict":"2 critical problems"}}}' >/dev/null
expect_eq "status is written through the status subresource" "Completed" \
  "$(kubectl -n "$ns" get dx bare -o jsonpath='{.status.phase}')"
kubectl -n "$ns" patch dx bare --type=merge -p '{"status":{"phase":"Failed"}}' >/dev/null
expect_eq "status is ignored on the main resource" "Completed" \
  "$(kubectl -n "$ns" get dx bare -o jsonpath='{.status.phase}')"
table=$(kubectl -n "$ns" get diagnosis bare)
expect_contains "printer columns" "NAME   PHASE       CRITICAL   WARNINGS   VERDICT               AGE" "$table"
expect_contains "printer column values" "bare   Completed   2          1          2 critical problems" "$table"
expect_eq "session printer columns" "NAME PHASE POD OWNER EXPIRES AGE" "$(kubectl -n "$ns" get tss | head -1 | tr -s ' ')"
expect_contains "short name dx" "after-deploy" "$(kubectl -n "$ns" get dx -o name)"
expect_contains "short name tss" "net-debug" "$(kubectl -n "$ns" get tss -o name)"
expect_contains "category kdiag lists both kinds" "troubleshootsession.kdiag.dev/net-debug" \
  "$(kubectl -n "$ns" get kdiag -o name)"

# --- kubectl explain ---------------------------------------------------------------------
expect_contains "explain describes the resource" "controller runs the check pipeline" "$(kubectl explain diagnosis)"
expect_contains "explain describes fields" "At most 2h" "$(kubectl explain troubleshootsession.spec.ttl)"
expect_contains "explain describes status" "the flowchart of what was" "$(kubectl explain diagnosis.status.checkpoints)"
finish
