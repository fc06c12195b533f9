wait_pods_running app=tools
pod=$(pod_of app=tools)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/tools:1.0", "imageID": "",
    "state": {"waiting": {"reason": "ErrImageNeverPull", "message": "Container image \"registry.example/tools:1.0\" is not present with pull policy of Never"}}}]}}'
emit_event pod "$pod" ErrImageNeverPull 'Container image "registry.example/tools:1.0" is not present with pull policy of Never' Warning kubelet 7 "spec.containers{app}"
emit_event pod "$pod" Failed 'Error: ErrImageNeverPull' Warning kubelet 7 "spec.containers{app}"
