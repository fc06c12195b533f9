wait_pods_running app=poller
pod=$(pod_of app=poller)
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 5, "image": "registry.example/poller:1.1", "imageID": "registry.example/poller:1.1@sha256:7d2a",
    "containerID": "containerd://51c0",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container=app pod='"$pod"'"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 143, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z", "containerID": "containerd://51c0"}}}]}}'
emit_event pod "$pod" BackOff "Back-off restarting failed container app in pod $pod" Warning kubelet 17 "spec.containers{app}"
