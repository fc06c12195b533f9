wait_pods_running app=web
pod=$(pod_of app=web)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/web:1.4", "imageID": "",
    "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "configmap \"web-settings\" not found"}}}]}}'
emit_event pod "$pod" Failed "Error: configmap \"web-settings\" not found" Warning kubelet 9 "spec.containers{app}"
