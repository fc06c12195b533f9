wait_pods_running app=queue-worker
pod=$(pod_of app=queue-worker)
ago() { date -u -d "-$1" +%Y-%m-%dT%H:%M:%SZ; }
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}],
  "containerStatuses": [{"name": "app", "ready": true, "started": true, "restartCount": 9, "image": "registry.example/queue-worker:1.9",
    "imageID": "registry.example/queue-worker@sha256:3aa8", "containerID": "containerd://77e2",
    "state": {"running": {"startedAt": "'"$(ago '40 min')"'"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "'"$(ago '3 hours')"'", "finishedAt": "'"$(ago '40 min')"'", "containerID": "containerd://61b0"}}}]}}'
