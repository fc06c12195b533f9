# What the node's kubelet last wrote before the node went away.
set_pod_status ledger '{"status": {"phase": "Running", "podIP": "10.244.7.21",
  "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}],
  "containerStatuses": [{"name": "app", "ready": true, "started": true, "restartCount": 0, "image": "registry.example/ledger:2.4",
    "imageID": "registry.example/ledger@sha256:8d10", "containerID": "containerd://b3c5",
    "state": {"running": {"startedAt": "2026-11-20T08:00:00Z"}}}]}}'
kubectl -n "$ns" delete pod ledger --grace-period=1 --wait=false >/dev/null
sleep 4
