wait_pods_running app=log-agent
pod=$(pod_of app=log-agent)
error='failed to generate container \"2f6c0a3e9b7d\" spec: failed to generate spec: path \"/var/log/apps\" is mounted on \"/var/log\" but it is not a shared or slave mount'
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/log-agent:1.6", "imageID": "",
    "state": {"waiting": {"reason": "CreateContainerError", "message": "'"$error"'"}}}]}}'
emit_event pod "$pod" Failed "Error: ${error//\\/}" Warning kubelet 8 "spec.containers{app}"
