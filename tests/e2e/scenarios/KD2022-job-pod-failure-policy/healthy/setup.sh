wait_pods_running app=import
pod=$(pod_of app=import)
set_pod_status "$pod" '{"status": {"phase": "Succeeded",
  "conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted"}, {"type": "ContainersReady", "status": "False", "reason": "PodCompleted"}],
  "containerStatuses": [{"name": "import", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/import:1.0", "imageID": "registry.example/import@sha256:3e1f",
    "containerID": "containerd://a1b2", "state": {"terminated": {"reason": "Completed", "exitCode": 0, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z", "containerID": "containerd://a1b2"}}}]}}'
kubectl -n "$ns" wait --for=condition=Complete job/import --timeout=60s >/dev/null
