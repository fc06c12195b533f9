wait_pods_running app=worker
pod=$(pod_of app=worker)
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 6, "image": "registry.example/worker:2.3", "imageID": "registry.example/worker@sha256:4c1e",
    "containerID": "containerd://9f3a",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container=app pod='"$pod"'"}},
    "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:09Z", "containerID": "containerd://9f3a"}}}]}}'
emit_event pod "$pod" BackOff "Back-off restarting failed container app in pod $pod" Warning kubelet 20 "spec.containers{app}"
