wait_pods_running app=export
pod=$(pod_of app=export)
set_pod_status "$pod" '{"status": {"phase": "Succeeded",
  "conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted"}, {"type": "ContainersReady", "status": "False", "reason": "PodCompleted"}],
  "containerStatuses": [{"name": "export", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/export:1.0", "imageID": "registry.example/export@sha256:3e1f",
    "containerID": "containerd://a1b2", "state": {"terminated": {"reason": "Completed", "exitCode": 0, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z", "containerID": "containerd://a1b2"}}}]}}'
kubectl -n "$ns" wait --for=condition=Complete job/export --timeout=60s >/dev/null
