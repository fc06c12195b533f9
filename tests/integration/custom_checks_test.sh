#!/usr/bin/env bash
# The organisation's own checks in the real kdiag-controller: an expression that never ends on
# one object is stopped at its limit (its code then stays off, reported as an Error step, the
# Degraded condition and a CheckError Event), while the other custom codes and the controller
# go on; the runaway worker process is killed, and none outlives the controller.
source "$(dirname "$0")/../lib.sh"

work=$(mktemp -d)
trap 'stop_controller || true; rm -rf "$work"; cleanup_namespaces' EXIT

cat >"$work/config.yaml" <<'YAML'
log: {level: info, format: json}
diagnosis:
  customChecks:
    - code: KD9101
      title: Loops on ConfigMaps labelled loop
      kind: ConfigMap
      expression: 'if .metadata.labels.loop == "yes" then (def f: f; f) else false end'
    - code: KD9102
      title: Marked ConfigMap
      kind: ConfigMap
      expression: '.metadata.labels.marked == "yes"'
  customCheckLimits: {timePerObject: 500ms}
YAML
start_controller "$work/config.yaml" "$work/log"
pid=$controller_pid

create_namespace custom-checks
kubectl -n "$ns" create configmap looping >/dev/null
kubectl -n "$ns" label configmap looping loop=yes >/dev/null
kubectl -n "$ns" create configmap marked >/dev/null
kubectl -n "$ns" label configmap marked marked=yes >/dev/null
kubectl -n "$ns" apply -f - >/dev/null <<'YAML'
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: custom}
spec:
  rootChecks: {enabled: false}
YAML
get() { kubectl -n "$ns" get diagnosis custom -o jsonpath="$1"; }
expect_success "the Diagnosis completes" kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Completed \
  diagnosis/custom --timeout=30s
off="KD9101 is off since "
stopped="its expression did not finish within 500 ms of CPU time on ConfigMap $ns/looping"
expect_eq "the other custom code still reports its finding" "KD9102 ConfigMap/marked" \
  "$(get '{range .status.findings[*]}{.code} {.resource.kind}/{.resource.name}{"\n"}{end}')"
expect_eq "the custom step is an Error" "Error" "$(get '{.status.checkpoints[?(@.name=="custom")].result}')"
message=$(get '{.status.checkpoints[?(@.name=="custom")].message}')
expect_contains "the step says which code is off" "$off" "$message"
expect_contains "the step names the object it was stopped on" "$stopped" "$message"
expect_eq "Degraded says a check erred" "True CheckError" \
  "$(get '{.status.conditions[?(@.type=="Degraded")].status} {.status.conditions[?(@.type=="Degraded")].reason}')"
check_error_event() {
  kubectl -n "$ns" get events --field-selector reason=CheckError -o jsonpath='{.items[*].note}{.items[*].message}' |
    grep -qF "$stopped"
}
expect_success "a CheckError Event names the stopped expression" wait_until 10 check_error_event

# Exactly one worker is left: the one that ran KD9102. The one stopped on `looping` is gone.
workers=$(pgrep -P "$pid" -x kdiag-jq-worker || true)
expect_eq "the runaway worker was killed and reaped" 1 "$(wc -w <<<"$workers")"
expect_eq "no worker is left a zombie" "" "$(ps -o stat= --ppid "$pid" | grep Z || true)"

# A rerun reports the code as off without running it again: no new worker is started.
kubectl -n "$ns" annotate diagnosis custom kdiag.dev/rerun=2 >/dev/null
expect_success "the rerun completes" kubectl -n "$ns" wait --for=jsonpath='{.status.observedRerun}'=2 \
  diagnosis/custom --timeout=30s
expect_contains "the code stays off in later runs" "$off" \
  "$(get '{.status.checkpoints[?(@.name=="custom")].message}')"
expect_eq "later runs keep the other code's finding" "KD9102" "$(get '{.status.findings[*].code}')"
expect_eq "the same worker served the rerun" "$workers" "$(pgrep -P "$pid" -x kdiag-jq-worker || true)"

rc=0
stop_controller || rc=$?
expect_eq "the controller stops cleanly" 0 "$rc"
worker_gone() { ! kill -0 "$workers" 2>/dev/null; }
expect_success "its worker does not outlive it" wait_until 5 worker_gone

# A controller that dies without cleaning up (SIGKILL) leaves no worker behind either.
start_controller "$work/config.yaml" "$work/log2"
workers=$(pgrep -P "$controller_pid" -x kdiag-jq-worker || true)
expect_eq "a restarted controller starts one worker" 1 "$(wc -w <<<"$workers")"
kill -KILL "$controller_pid"
wait "$controller_pid" 2>/dev/null || true
controller_pid=
expect_success "its worker leaves when the controller is killed" wait_until 5 worker_gone
finish
