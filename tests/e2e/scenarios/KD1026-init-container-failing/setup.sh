wait_pods_running app=orders
pod=$(pod_of app=orders)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Initialized", "status": "False", "reason": "ContainersNotInitialized", "message": "containers with incomplete status: [migrate]"},
                 {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "initContainerStatuses": [{"name": "migrate", "ready": false, "started": false, "restartCount": 5, "image": "registry.example/orders-migrate:3.2",
    "imageID": "registry.example/orders-migrate@sha256:0b9e", "containerID": "containerd://c41d",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container=migrate pod='"$pod"'"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z", "containerID": "containerd://c41d"}}}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/orders:3.2", "imageID": "",
    "state": {"waiting": {"reason": "PodInitializing"}}}]}}'
emit_event pod "$pod" BackOff "Back-off restarting failed container migrate in pod $pod" Warning kubelet 21 "spec.initContainers{migrate}"
