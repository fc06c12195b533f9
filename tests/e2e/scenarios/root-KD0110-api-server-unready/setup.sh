# kube-apiserver shutting down gracefully, as it does when systemd or the kubelet stops it
# (SIGTERM): for --shutdown-delay-duration its /readyz fails (check "shutdown"), so that load
# balancers take it out of rotation, while it still serves every request. The controller keeps
# working and its periodic probe sees /readyz failing. The delay outlasts the scenario (its
# timeout), which ends the shutdown with kill -9 rather than waiting it out.
apiserver_pid() {
  "$repo/hack/cluster.sh" status | sed -n 's/^kube-apiserver: running (pid \([0-9]*\))$/\1/p' || true
}

# Runs a Diagnosis of the controller's own now; sets evidence to that of its KD0110 finding.
# After a restart of the API server the controller's watches may take a while to resume.
probe_runs=0
probe_api_server() {
  probe_runs=$((probe_runs + 1))
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: probe, annotations: {kdiag.dev/rerun: "$probe_runs"}}
spec: {}
YAML
  kubectl -n "$ns" wait --for=jsonpath='{.status.observedRerun}'="$probe_runs" diagnosis/probe \
    --timeout=30s >/dev/null || return 1
  evidence=$(kubectl -n "$ns" get diagnosis probe -o jsonpath='{.status.findings[?(@.code=="KD0110")].evidence}')
}

# Puts the control plane back as the suite runs it: kube-apiserver with the environment's
# KDIAG_APISERVER_ARGS (no shutdown delay), then fresh clients of it. A restarted API server
# answers "forbidden" until its authorizer has synced, and the clients that reconnect that early
# back off for up to a minute: the next scenarios would find no pods created (the
# controller-manager) and a stale cache (kdiag-controller). Not kwok: a new kwok leaves the
# nodes alone until its predecessor's node leases expire, and kwok resumes by itself. Once.
api_server_restored=false
restore_api_server() {
  [[ $api_server_restored == true ]] && return 0
  local component
  for component in kube-apiserver kube-controller-manager kube-scheduler; do
    "$repo/hack/cluster.sh" restart "$component" || return 1
  done
  "$repo/tests/e2e/controller.sh" down
  "$repo/tests/e2e/controller.sh" up >/dev/null || return 1
  # The controller probes the API server as it starts.
  local deadline=$((SECONDS + 30)) seen=false
  while ((SECONDS < deadline)); do
    if probe_api_server && [[ -z $evidence ]]; then
      seen=true
      break
    fi
    sleep 1
  done
  kubectl -n "$ns" delete diagnosis probe --ignore-not-found >/dev/null
  [[ $seen == true ]] || return 1
  # Pods are created, scheduled and started again.
  kubectl -n "$ns" create deployment canary --image=registry.example/canary:1.0 >/dev/null
  kubectl -n "$ns" rollout status deployment/canary --timeout=90s >/dev/null || return 1
  api_server_restored=true
}
# verify.sh puts it back; this is for a scenario that stops before.
on_exit restore_api_server

KDIAG_APISERVER_ARGS="${KDIAG_APISERVER_ARGS:-} --shutdown-delay-duration=180s" \
  "$repo/hack/cluster.sh" restart kube-apiserver
kill -TERM "$(apiserver_pid)"
# A probe during the restart above saw no answer at all: wait for the shutdown itself.
deadline=$((SECONDS + 90))
until probe_api_server && [[ $evidence == *"shutdown failed"* ]]; do
  ((SECONDS < deadline)) || { fail "the controller's probe did not see /readyz failing"; break; }
  sleep 1
done
kubectl -n "$ns" delete diagnosis probe >/dev/null
