# kube-apiserver shutting down gracefully, as it does when systemd or the kubelet stops it
# (SIGTERM): for --shutdown-delay-duration its /readyz fails (check "shutdown"), so that load
# balancers take it out of rotation, while it still serves every request. The controller keeps
# working and its periodic probe sees /readyz failing. The delay outlasts the scenario (its
# timeout), which ends the shutdown with kill -9 rather than waiting it out.
#
# Each restart of the API server costs its clients a while: they reconnect with a back-off
# (to a minute when restarts come close together), and one that reconnects early is refused
# ("forbidden") until the new server's authorizer has synced. Hence the waits below.
apiserver_pid() {
  "$repo/hack/cluster.sh" status | sed -n 's/^kube-apiserver: running (pid \([0-9]*\))$/\1/p' || true
}

# Whether kwok, which plays the nodes' kubelets, has renewed their leases since a time (UTC,
# date +%FT%T).
kwok_renewed_since() { # time
  local node renewed
  for node in $(kubectl get nodes -l type=kwok -o jsonpath='{.items[*].metadata.name}'); do
    renewed=$(kubectl -n kube-node-lease get lease "$node" -o jsonpath='{.spec.renewTime}')
    [[ ${renewed:0:19} > "$1" ]] || return 1
  done
}
# Waits until kwok heartbeats again after a restart of the API server. It renews a lease from
# its cache, so the first renewal may come from the cache as it was before, the second only
# from a watch that has resumed; until then the nodes' heartbeats grow stale (KD0104).
wait_kwok_heartbeats() { # restart time
  wait_until 90 kwok_renewed_since "$1" || return 1
  wait_until 90 kwok_renewed_since "$(date -u +%FT%T)"
}

# Runs the probe Diagnosis now; sets findings (their codes) and evidence (that of KD0110).
probe_api_server() {
  run_probe_diagnosis 30s || return 1
  findings=$(probe_codes)
  evidence=$(kubectl -n "$ns" get diagnosis probe -o jsonpath='{.status.findings[?(@.code=="KD0110")].evidence}')
}
# KD0110 for the shutdown, and no finding of a cache the controller has not caught up on yet.
probe_finds_shutdown() { probe_api_server && [[ $findings == KD0110 && $evidence == *"shutdown failed"* ]]; }
probe_finds_nothing() { probe_api_server && [[ -z $findings ]]; }

# Puts the control plane back as the suite runs it: kube-apiserver with the environment's
# KDIAG_APISERVER_ARGS (no shutdown delay), and its clients caught up, so that the next
# scenarios find pods created and started and a current cache in the controller. The
# controller-manager, the scheduler and kdiag-controller are restarted; kwok is waited for, as a
# new kwok would leave the nodes alone until its predecessor's leases expire. Once.
api_server_restored=false
restore_api_server() {
  [[ $api_server_restored == true ]] && return 0
  local restarted component
  restarted=$(date -u +%FT%T)
  for component in kube-apiserver kube-controller-manager kube-scheduler; do
    "$repo/hack/cluster.sh" restart "$component" || return 1
  done
  "$repo/tests/e2e/controller.sh" down
  "$repo/tests/e2e/controller.sh" up >/dev/null || return 1
  wait_kwok_heartbeats "$restarted" || return 1
  # The controller probes the API server as it starts.
  wait_until 30 probe_finds_nothing || return 1
  kubectl -n "$ns" delete diagnosis probe >/dev/null
  kubectl -n "$ns" create deployment canary --image=registry.example/canary:1.0 >/dev/null
  kubectl -n "$ns" rollout status deployment/canary --timeout=90s >/dev/null || return 1
  api_server_restored=true
}
# verify.sh puts it back; this is for a scenario that stops before.
on_exit restore_api_server

restarted=$(date -u +%FT%T)
KDIAG_APISERVER_ARGS="${KDIAG_APISERVER_ARGS:-} --shutdown-delay-duration=300s" \
  "$repo/hack/cluster.sh" restart kube-apiserver
wait_kwok_heartbeats "$restarted" || fail "kwok did not renew the nodes' leases"
kill -TERM "$(apiserver_pid)"
# The controller probes every 5s (tests/e2e/config.yaml; a probe during the restart above saw no
# answer at all).
wait_until 90 probe_finds_shutdown || fail "the controller did not find /readyz failing alone"
kubectl -n "$ns" delete diagnosis probe >/dev/null
