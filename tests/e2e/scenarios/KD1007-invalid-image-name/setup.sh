wait_pods_running app=web
pod=$(pod_of app=web)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/Team/Web:1.0", "imageID": "",
    "state": {"waiting": {"reason": "InvalidImageName", "message": "Failed to apply default image tag \"registry.example/Team/Web:1.0\": couldn'"'"'t parse image name \"registry.example/Team/Web:1.0\": invalid reference format: repository name (Team/Web) must be lowercase"}}}]}}'
emit_event pod "$pod" InspectFailed "Failed to apply default image tag \"registry.example/Team/Web:1.0\": couldn't parse image name \"registry.example/Team/Web:1.0\": invalid reference format: repository name (Team/Web) must be lowercase" Warning kubelet 3 "spec.containers{app}"
emit_event pod "$pod" Failed 'Error: InvalidImageName' Warning kubelet 3 "spec.containers{app}"
