#!/usr/bin/env bash
# TroubleshootSessions through their lives, driven with kubectl against the real controller
# (kwok runs the pods): the restricted debug pod, its claim and retained volume, the status;
# expiry by TTL (pod gone, claim and volume kept); the temporary namespace; deletion; endings
# the pod reports (idle, exited, failed); specs the API server refuses; Events and metrics.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/scenario_lib.sh"

create_namespace session
# The pod must pass Pod Security "restricted" to be admitted at all.
kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted >/dev/null
session_volumes 6
pod_get() { kubectl -n "${3:-$ns}" get pod "$1" -o jsonpath="$2"; }
wait_phase() { # session phase
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'="$2" "troubleshootsession/$1" --timeout=30s >/dev/null ||
    fail "session $1 did not reach $2: $(session_get "$1" '{.status}')"
}

log "a recorded session: namespace, claim, restricted pod, status"
session net '{ttl: 30m, idleTimeout: 10m, purpose: "INC-4711 payments", env: [{name: TARGET, value: db.internal}]}'
wait_phase net Running
pod=$(session_get net '{.status.podName}')
expect_eq "status names the pod" net-debug "$pod"
expect_eq "attach command" "kubectl attach -it -n $ns net-debug -c shell" "$(session_get net '{.status.attachCommand}')"
expect_eq "Ready condition" True "$(session_get net '{.status.conditions[?(@.type=="Ready")].status}')"
expect_eq "claim in status" net-recording "$(session_get net '{.status.claimName}')"
expect_contains "recording path names the session" "/sessions/$ns/net-" "$(session_get net '{.status.recordingPath}')"
started=$(session_get net '{.status.startedAt}')
expires=$(session_get net '{.status.expiresAt}')
expect_eq "expiresAt is creation + ttl" \
  "$(date -u -d "$(session_get net '{.metadata.creationTimestamp}') + 30 minutes" +%FT%TZ)" "$expires"
[[ -n $started ]] || fail "startedAt is empty"
expect_eq "the owner, as the admission webhook recorded it" "$(kubectl auth whoami -o jsonpath='{.status.userInfo.username}')" \
  "$(session_get net '{.status.owner.username}')"
expect_eq "shell: non-root" true "$(pod_get "$pod" '{.spec.containers[0].securityContext.runAsNonRoot}')"
expect_eq "shell: UID from the config default" 1000 "$(pod_get "$pod" '{.spec.containers[0].securityContext.runAsUser}')"
expect_eq "shell: no privilege escalation" false "$(pod_get "$pod" '{.spec.containers[0].securityContext.allowPrivilegeEscalation}')"
expect_eq "shell: capabilities dropped" '["ALL"]' "$(pod_get "$pod" '{.spec.containers[0].securityContext.capabilities.drop}')"
expect_eq "pod: seccomp RuntimeDefault" RuntimeDefault "$(pod_get "$pod" '{.spec.securityContext.seccompProfile.type}')"
expect_eq "pod: ping without NET_RAW" "net.ipv4.ping_group_range=1000 1000" \
  "$(pod_get "$pod" '{.spec.securityContext.sysctls[0].name}={.spec.securityContext.sysctls[0].value}')"
expect_eq "pod: no API credentials" false "$(pod_get "$pod" '{.spec.automountServiceAccountToken}')"
expect_eq "pod: interactive shell" "true true" "$(pod_get "$pod" '{.spec.containers[0].stdin} {.spec.containers[0].tty}')"
deadline=$(pod_get "$pod" '{.spec.activeDeadlineSeconds}')
((deadline > 1800 && deadline <= 1860)) || fail "activeDeadlineSeconds $deadline is not the TTL plus a margin"
expect_eq "resources from the config defaults" "100m 128Mi 1 512Mi" \
  "$(pod_get "$pod" '{.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.requests.memory} {.spec.containers[0].resources.limits.cpu} {.spec.containers[0].resources.limits.memory}')"
expect_contains "the user's env reaches the shell" '"name":"TARGET","value":"db.internal"' "$(pod_get "$pod" '{.spec.containers[0].env}')"
expect_eq "the recorder runs under its own UID" "recorder 65532" \
  "$(pod_get "$pod" '{.spec.containers[1].name} {.spec.containers[1].securityContext.runAsUser}')"
expect_eq "only the recorder mounts the claim" "recording" \
  "$(pod_get "$pod" '{.spec.containers[1].volumeMounts[?(@.mountPath=="/recording")].name}{.spec.containers[0].volumeMounts[?(@.mountPath=="/recording")].name}')"
expect_eq "pod labelled with the session" "$(session_get net '{.metadata.uid}')" "$(pod_get "$pod" '{.metadata.labels.kdiag\.dev/session-uid}')"
expect_eq "pod annotated with the purpose" "INC-4711 payments" "$(pod_get "$pod" '{.metadata.annotations.kdiag\.dev/purpose}')"
kubectl -n "$ns" wait --for=jsonpath='{.status.volumeName}' troubleshootsession/net --timeout=30s >/dev/null ||
  fail "the bound volume is not in the status"
volume=$(session_get net '{.status.volumeName}')
expect_eq "the claim is bound to it" "$volume" "$(kubectl -n "$ns" get pvc net-recording -o jsonpath='{.spec.volumeName}')"
expect_eq "the volume is retained" Retain "$(kubectl get pv "$volume" -o jsonpath='{.spec.persistentVolumeReclaimPolicy}')"
expect_eq "the volume names its session" "$ns/net" "$(kubectl get pv "$volume" -o jsonpath='{.metadata.annotations.kdiag\.dev/session}')"
expect_eq "Recording condition" True "$(session_get net '{.status.conditions[?(@.type=="Recording")].status}')"
expect_contains "a PodCreated Event" "created debug pod $ns/net-debug" \
  "$(kubectl -n "$ns" get events --field-selector involvedObject.name=net,reason=PodCreated -o jsonpath='{.items[*].message}')"

log "the TTL ends a session: pod deleted, claim and volume kept"
session short '{ttl: 4s}'
wait_phase short Running
kubectl -n "$ns" wait --for=jsonpath='{.status.volumeName}' troubleshootsession/short --timeout=10s >/dev/null ||
  fail "short: no volume bound before the TTL"
short_volume=$(session_get short '{.status.volumeName}')
wait_phase short Expired
expect_eq "terminationReason" ttl "$(session_get short '{.status.terminationReason}')"
expect_eq "Ready=False TTLExpired" "False TTLExpired" \
  "$(session_get short '{.status.conditions[?(@.type=="Ready")].status} {.status.conditions[?(@.type=="Ready")].reason}')"
expect_success "the pod is gone" kubectl -n "$ns" wait --for=delete pod/short-debug --timeout=30s
expect_eq "the claim stays" Bound "$(kubectl -n "$ns" get pvc short-recording -o jsonpath='{.status.phase}')"
expect_eq "the status keeps the recording location" short-recording "$(session_get short '{.status.claimName}')"
expect_eq "the volume stays" "Retain Bound" \
  "$(kubectl get pv "$short_volume" -o jsonpath='{.spec.persistentVolumeReclaimPolicy} {.status.phase}')"

log "a temporary namespace, removed with its session"
session temp '{temporaryNamespace: true, nodeName: kwok-node-0, recording: {enabled: false}}'
wait_phase temp Running
temp_ns=$(session_get temp '{.status.namespace}')
expect_eq "the pod runs in a namespace of its own" "tss-$ns-temp" "$temp_ns"
expect_eq "on the node asked for" kwok-node-0 "$(pod_get temp-debug '{.spec.nodeName}' "$temp_ns")"
expect_eq "tolerating its taints" Exists "$(pod_get temp-debug '{.spec.tolerations[0].operator}' "$temp_ns")"
expect_eq "Recording=False RecordingDisabled" "False RecordingDisabled" \
  "$(session_get temp '{.status.conditions[?(@.type=="Recording")].status} {.status.conditions[?(@.type=="Recording")].reason}')"
expect_success "deleting the session completes" kubectl -n "$ns" delete troubleshootsession temp --timeout=30s
expect_success "the temporary namespace goes" kubectl wait --for=delete "namespace/$temp_ns" --timeout=60s

log "deleting a session removes its pod and keeps its recording"
kubectl -n "$ns" delete troubleshootsession net --timeout=30s >/dev/null || fail "deleting net did not complete"
expect_success "the pod is gone" kubectl -n "$ns" wait --for=delete pod/net-debug --timeout=30s
expect_eq "the claim stays" Bound "$(kubectl -n "$ns" get pvc net-recording -o jsonpath='{.status.phase}')"

session drop '{recording: {keepOnDelete: false}}'
wait_phase drop Running
kubectl -n "$ns" wait --for=jsonpath='{.status.volumeName}' troubleshootsession/drop --timeout=30s >/dev/null ||
  fail "drop: no volume bound"
drop_volume=$(session_get drop '{.status.volumeName}')
kubectl -n "$ns" delete troubleshootsession drop --timeout=30s >/dev/null || fail "deleting drop did not complete"
expect_success "keepOnDelete: false drops the claim" kubectl -n "$ns" wait --for=delete pvc/drop-recording --timeout=30s
# Deleted by its policy, or about to be.
policy=$(kubectl get pv "$drop_volume" -o jsonpath='{.spec.persistentVolumeReclaimPolicy}' 2>&1 || true)
[[ $policy == Delete || $policy == *NotFound* ]] ||
  fail "the dropped recording's volume was not given back to the Delete policy: $policy"

log "endings the pod reports"
recorder_done() { # reason digest
  printf '{"name":"recorder","ready":false,"restartCount":0,"image":"ghcr.io/kdiag/debug:0.1.0","imageID":"","state":{"terminated":{"exitCode":0,"reason":"Completed","message":"{\\"reason\\":\\"%s\\",\\"digest\\":\\"%s\\",\\"bytes\\":2048,\\"lastActivityAt\\":\\"2026-11-24T03:04:05Z\\"}","startedAt":"2026-11-24T03:00:00Z","finishedAt":"2026-11-24T03:14:05Z"}}}' "$1" "$2"
}
shell_state() { # state-json
  printf '{"name":"shell","ready":false,"restartCount":0,"image":"ghcr.io/kdiag/debug:0.1.0","imageID":"","state":%s}' "$1"
}
digest=sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
session idle '{ttl: 30m}'
wait_phase idle Running
set_pod_status idle-debug "{\"status\":{\"containerStatuses\":[$(recorder_done idle $digest),$(shell_state '{"running":{"startedAt":"2026-11-24T03:00:00Z"}}')]}}"
wait_phase idle Expired
expect_eq "idle: reason" idle "$(session_get idle '{.status.terminationReason}')"
expect_eq "idle: the recording's digest" "$digest" "$(session_get idle '{.status.recordingDigest}')"
expect_eq "idle: last activity" 2026-11-24T03:04:05Z "$(session_get idle '{.status.lastActivityAt}')"
expect_success "idle: the pod is deleted" kubectl -n "$ns" wait --for=delete pod/idle-debug --timeout=30s

session bye '{ttl: 30m}'
wait_phase bye Running
set_pod_status bye-debug "{\"status\":{\"phase\":\"Succeeded\",\"containerStatuses\":[$(recorder_done exited $digest),$(shell_state '{"terminated":{"exitCode":0,"reason":"Completed","startedAt":"2026-11-24T03:00:00Z","finishedAt":"2026-11-24T03:10:00Z"}}')]}}"
wait_phase bye Terminated
expect_eq "exit: reason" exited "$(session_get bye '{.status.terminationReason}')"

session broken '{ttl: 30m, recording: {enabled: false}}'
wait_phase broken Running
set_pod_status broken-debug "{\"status\":{\"phase\":\"Failed\",\"containerStatuses\":[$(shell_state '{"terminated":{"exitCode":127,"reason":"Error","message":"sh: 1: script: not found","startedAt":"2026-11-24T03:00:00Z","finishedAt":"2026-11-24T03:00:01Z"}}')]}}"
wait_phase broken Failed
expect_eq "failure: reason" pod-failed "$(session_get broken '{.status.terminationReason}')"
expect_contains "failure: the condition says why" "exit code 127" "$(session_get broken '{.status.conditions[?(@.type=="Ready")].message}')"
expect_contains "failure: a Warning Event" "exit code 127" \
  "$(kubectl -n "$ns" get events --field-selector involvedObject.name=broken,type=Warning -o jsonpath='{.items[*].message}')"

session gone '{ttl: 30m, recording: {enabled: false}}'
wait_phase gone Running
kubectl -n "$ns" delete pod gone-debug --wait=false >/dev/null
wait_phase gone Terminated
expect_eq "a deleted pod ends the session" deleted "$(session_get gone '{.status.terminationReason}')"
expect_eq "and is not created again" "" "$(kubectl -n "$ns" get pods -l "kdiag.dev/session=gone" -o jsonpath='{.items[?(@.metadata.deletionTimestamp=="")].metadata.name}')"

log "specs the API server refuses"
expect_failure "runAsUser 0" "runAsUser must be a non-root UID" session root '{runAsUser: 0}'
expect_failure "a TTL over 2h" "ttl must be a duration greater than 0s and at most 2h" session long '{ttl: 3h}'
expect_failure "an idle timeout longer than the TTL" "idleTimeout must not be longer than ttl" session lazy '{ttl: 10m, idleTimeout: 20m}'
expect_failure "both a target and a temporary namespace" "mutually exclusive" session both "{targetNamespace: $ns, temporaryNamespace: true}"
session fixed "{ttl: 30m, recording: {enabled: false}}"
expect_failure "the spec is immutable" "spec is immutable" kubectl -n "$ns" patch troubleshootsession fixed --type=merge -p '{"spec":{"ttl":"1h"}}'

log "a spec the controller cannot run: a claim that does not exist"
session lost '{recording: {claimName: no-such-claim}}'
wait_phase lost Failed
expect_eq "the condition says why" "ClaimNotFound" "$(session_get lost '{.status.conditions[?(@.type=="Ready")].reason}')"
expect_contains "naming the field" "spec.recording.claimName" "$(session_get lost '{.status.conditions[?(@.type=="Ready")].message}')"
expect_eq "no pod" "" "$(kubectl -n "$ns" get pods -l kdiag.dev/session=lost -o name)"
expect_contains "a Warning Event" "no-such-claim" \
  "$(kubectl -n "$ns" get events --field-selector involvedObject.name=lost,type=Warning -o jsonpath='{.items[*].message}')"

log "metrics"
metrics=$(curl -sf "http://127.0.0.1:$(cat "$e2e_state/port")/metrics")
for reason in ttl idle exited pod-failed deleted; do
  [[ $metrics == *"kdiag_sessions_ended_total{reason=\"$reason\"}"* ]] || fail "no kdiag_sessions_ended_total for $reason"
done
metric() { awk -v name="$1" '$1 == name {print $2}' <<<"$metrics"; }
for name in kdiag_sessions_started_total kdiag_session_time_to_running_seconds_count \
  kdiag_session_duration_seconds_count kdiag_session_recording_bytes_count; do
  awk -v v="$(metric "$name")" 'BEGIN {exit !(v >= 1)}' || fail "metric $name is not counted: '$(metric "$name")'"
done
for name in kdiag_sessions_active kdiag_session_recording_failures_total; do
  [[ -n $(metric "$name") ]] || fail "metric $name is missing"
done
finish
