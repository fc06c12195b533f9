#!/usr/bin/env bash
# A Diagnosis through its life, driven with kubectl against the real controller: a run when it
# is created, again when kdiag.dev/rerun or the spec changes (each run a new report id linked to
# the one before), findings carried across runs (firstSeen, flapping), suppression by
# annotation, the findings cap, continuous mode, deletion after ttlSecondsAfterFinished, a
# scope it may not diagnose, Events and metrics.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/scenario_lib.sh"

create_namespace lifecycle
get() { kubectl -n "$ns" get diagnosis "${2:-life}" -o jsonpath="$1"; }
# Sets kdiag.dev/rerun and waits for the run answering it.
rerun() {
  kubectl -n "$ns" annotate diagnosis life "kdiag.dev/rerun=$1" --overwrite >/dev/null
  kubectl -n "$ns" wait --for=jsonpath='{.status.observedRerun}'="$1" diagnosis/life --timeout=30s >/dev/null
}

kubectl -n "$ns" apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: api, labels: {app: api}}
spec:
  containers: [{name: api, image: registry.example/api:1.0}]
YAML
wait_pods_running app=api
crash() {
  set_pod_status api '{"status": {"conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
    "containerStatuses": [{"name": "api", "ready": false, "restartCount": 4, "image": "registry.example/api:1.0", "imageID": "",
      "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s restarting failed container=api pod=api"}},
      "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z"}}}]}}'
}
heal() {
  set_pod_status api '{"status": {"conditions": [{"type": "Ready", "status": "True"}],
    "containerStatuses": [{"name": "api", "ready": true, "started": true, "restartCount": 4, "image": "registry.example/api:1.0", "imageID": "",
      "state": {"running": {"startedAt": "2026-11-23T10:05:00Z"}}, "lastState": {}}]}}'
}
crash

kubectl -n "$ns" apply -f - >/dev/null <<'YAML'
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: life}
spec:
  rootChecks: {enabled: false}
YAML
expect_success "the first run completes" kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Completed diagnosis/life --timeout=30s
first=$(get '{.status.runId}')
expect_eq "the report id is the run id" "$first" "$(get '{.status.reportId}')"
expect_eq "the deep link points at the report" "http://kdiag.e2e.test/reports/$first" "$(get '{.status.deeplink}')"
expect_eq "Ready is True" "True" "$(get '{.status.conditions[?(@.type=="Ready")].status}')"
expect_eq "Degraded is False" "False" "$(get '{.status.conditions[?(@.type=="Degraded")].status}')"
expect_eq "observedGeneration is the generation" "1" "$(get '{.status.observedGeneration}')"
expect_eq "the crash is found" "KD1011" "$(get '{.status.findings[0].code}')"
first_seen=$(get '{.status.findings[0].firstSeen}')

heal
rerun 1
expect_eq "a rerun is a new run, linked to the one before" "$first" "$(get '{.status.previousRunId}')"
expect_eq "the healed pod gives no finding" "true" "$(get '{.status.summary.healthy}')"
crash
rerun 2
expect_eq "the crash is back" "KD1011" "$(get '{.status.findings[0].code}')"
expect_eq "a finding that came and went is flapping" "true" "$(get '{.status.findings[0].flapping}')"
expect_eq "firstSeen is carried across runs" "$first_seen" "$(get '{.status.findings[0].firstSeen}')"

kubectl -n "$ns" annotate pod api kdiag.dev/ignore=KD1011 "kdiag.dev/ignore-reason=known, fixed in 1.1" >/dev/null
rerun 3
expect_eq "the suppressed finding is kept, marked" "true" "$(get '{.status.findings[0].suppressed}')"
expect_eq "with its reason" "known, fixed in 1.1" "$(get '{.status.findings[0].suppressionReason}')"
expect_eq "and does not count against the verdict" "true 1" "$(get '{.status.summary.healthy} {.status.summary.suppressed}')"

generation_before=$(kubectl -n "$ns" get diagnosis life -o jsonpath='{.metadata.generation}')
kubectl -n "$ns" patch diagnosis life --type=merge -p '{"spec": {"logWindow": "2h"}}' >/dev/null
expect_success "a spec change runs it again" kubectl -n "$ns" wait \
  --for=jsonpath='{.status.observedGeneration}'=$((generation_before + 1)) diagnosis/life --timeout=30s

# More findings than the status holds: the rest are counted (the report has them all).
for i in $(seq 1 55); do
  printf 'apiVersion: v1\nkind: Service\nmetadata: {name: typo-%s}\nspec:\n  selector: {app: nothing-%s}\n  ports: [{port: 80}]\n---\n' "$i" "$i"
done | kubectl -n "$ns" apply -f - >/dev/null
rerun 4
expect_eq "50 findings in the status" "50" "$(get '{.status.findings[*].code}' | wc -w)"
expect_eq "the rest counted" "6" "$(get '{.status.findingsOmitted}')"

kubectl -n "$ns" apply -f - >/dev/null <<'YAML'
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: every-minute}
spec:
  interval: 1m
  rootChecks: {enabled: false}
---
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: one-off}
spec:
  ttlSecondsAfterFinished: 1
  rootChecks: {enabled: false}
---
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: elsewhere}
spec:
  target: {namespace: kube-system}
YAML
expect_success "a continuous Diagnosis completes" kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Completed diagnosis/every-minute --timeout=30s
completed=$(date -d "$(get '{.status.completedAt}' every-minute)" +%s)
next=$(date -d "$(get '{.status.nextRunAt}' every-minute)" +%s)
expect_eq "and is due again an interval later" 60 $((next - completed))
expect_success "a one-off Diagnosis is deleted after ttlSecondsAfterFinished" \
  kubectl -n "$ns" wait --for=delete diagnosis/one-off --timeout=30s
expect_success "a Diagnosis of another namespace from an untrusted one fails" \
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Failed diagnosis/elsewhere --timeout=30s
expect_eq "saying why, on its Ready condition" "False NotTrusted" \
  "$(get '{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason}' elsewhere)"

kubectl -n kdiag-system apply -f - >/dev/null <<YAML
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: missing-namespace-$ns}
spec:
  target: {namespace: no-such-namespace}
YAML
expect_success "a Diagnosis of a namespace that does not exist fails" \
  kubectl -n kdiag-system wait --for=jsonpath='{.status.conditions[?(@.type=="Ready")].reason}'=NamespaceNotFound \
  "diagnosis/missing-namespace-$ns" --timeout=30s
kubectl -n kdiag-system delete diagnosis "missing-namespace-$ns" --wait=false >/dev/null

reasons=$(kubectl -n "$ns" get events.events.k8s.io --field-selector regarding.name=life -o jsonpath='{.items[*].reason}')
expect_contains "Events tell when runs start" "RunStarted" "$reasons"
expect_contains "and what they found" "ProblemsFound" "$reasons"
expect_contains "the failed scope has a Warning Event" "NotTrusted" \
  "$(kubectl -n "$ns" get events.events.k8s.io --field-selector regarding.name=elsewhere -o jsonpath='{.items[*].reason}')"
metrics=$(curl -sf "http://127.0.0.1:$(cat "$e2e_state/port")/metrics")
expect_contains "runs are counted by result" 'kdiag_diagnosis_runs_total{result="unhealthy"}' "$metrics"
expect_contains "findings are counted by code and severity" 'kdiag_diagnosis_findings_total{code="KD1011",severity="critical"}' "$metrics"
expect_contains "check durations are recorded" 'kdiag_check_duration_seconds_count{check="pods"}' "$metrics"
finish
