wait_pods_running app=migrate
pod=$(pod_of app=migrate)
# The container exits 1, as the kubelet reports it.
set_pod_status "$pod" '{"status": {"phase": "Failed",
  "conditions": [{"type": "Ready", "status": "False", "reason": "PodFailed"}, {"type": "ContainersReady", "status": "False", "reason": "PodFailed"}],
  "containerStatuses": [{"name": "migrate", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/migrate:1.0", "imageID": "registry.example/migrate@sha256:3e1f",
    "containerID": "containerd://a1b2", "state": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z", "containerID": "containerd://a1b2"}}}]}}'
kubectl -n "$ns" wait --for=condition=Failed job/migrate --timeout=60s >/dev/null
