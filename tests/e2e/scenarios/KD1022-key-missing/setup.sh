wait_pods_running app=orders
pod=$(pod_of app=orders)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/orders:3.2", "imageID": "",
    "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "couldn'"'"'t find key password in Secret '"$ns"'/db-credentials"}}}]}}'
emit_event pod "$pod" Failed "Error: couldn't find key password in Secret $ns/db-credentials" Warning kubelet 9 "spec.containers{app}"
