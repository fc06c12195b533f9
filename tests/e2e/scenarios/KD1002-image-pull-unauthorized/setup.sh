wait_pods_running app=api
pod=$(pod_of app=api)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/team/api:2.1", "imageID": "",
    "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"registry.example/team/api:2.1\""}}}]}}'
emit_event pod "$pod" Failed 'Failed to pull image "registry.example/team/api:2.1": failed to pull and unpack image "registry.example/team/api:2.1": failed to resolve reference "registry.example/team/api:2.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed' Warning kubelet 4 "spec.containers{app}"
emit_event pod "$pod" Failed 'Error: ErrImagePull' Warning kubelet 4 "spec.containers{app}"
emit_event pod "$pod" BackOff 'Back-off pulling image "registry.example/team/api:2.1"' Normal kubelet 9 "spec.containers{app}"
