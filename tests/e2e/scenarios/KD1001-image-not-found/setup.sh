wait_pods_running app=web
pod=$(pod_of app=web)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/web:does-not-exist", "imageID": "",
    "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"registry.example/web:does-not-exist\""}}}]}}'
emit_event pod "$pod" Failed 'Failed to pull image "registry.example/web:does-not-exist": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example/web:does-not-exist": failed to resolve reference "registry.example/web:does-not-exist": registry.example/web:does-not-exist: not found' Warning kubelet 4 "spec.containers{app}"
emit_event pod "$pod" BackOff 'Back-off pulling image "registry.example/web:does-not-exist"' Normal kubelet 12 "spec.containers{app}"
