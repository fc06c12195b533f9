wait_pods_running app=web
pod=$(pod_of app=web)
started=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": true, "restartCount": 0, "image": "registry.example/web:1.4",
    "imageID": "registry.example/web@sha256:5e0f", "containerID": "containerd://a17b",
    "state": {"running": {"startedAt": "'"$started"'"}}}]}}'
emit_event pod "$pod" Unhealthy 'Readiness probe failed: HTTP probe failed with statuscode: 404' Warning kubelet 58 "spec.containers{app}"
