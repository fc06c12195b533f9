wait_pods_running app=web
pod=$(pod_of app=web)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.internal.example/web:1.4", "imageID": "",
    "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"registry.internal.example/web:1.4\""}}}]}}'
emit_event pod "$pod" Failed 'Failed to pull image "registry.internal.example/web:1.4": failed to pull and unpack image "registry.internal.example/web:1.4": failed to resolve reference "registry.internal.example/web:1.4": failed to do request: Head "https://registry.internal.example/v2/web/manifests/1.4": dial tcp: lookup registry.internal.example on 10.96.0.10:53: no such host' Warning kubelet 5 "spec.containers{app}"
emit_event pod "$pod" BackOff 'Back-off pulling image "registry.internal.example/web:1.4"' Normal kubelet 14 "spec.containers{app}"
