wait_pods_running app=api
pod=$(pod_of app=api)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/team/api:2.1", "imageID": "",
    "state": {"waiting": {"reason": "ErrImagePull", "message": "failed to pull and unpack image \"registry.example/team/api:2.1\": failed to resolve reference \"registry.example/team/api:2.1\": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://registry.example/token?scope=repository%3Ateam%2Fapi%3Apull\u0026service=registry.example: 401 Unauthorized"}}}]}}'
emit_event pod "$pod" FailedToRetrieveImagePullSecret 'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.' Warning kubelet 6
emit_event pod "$pod" Failed 'Failed to pull image "registry.example/team/api:2.1": failed to pull and unpack image "registry.example/team/api:2.1": failed to resolve reference "registry.example/team/api:2.1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://registry.example/token?scope=repository%3Ateam%2Fapi%3Apull&service=registry.example: 401 Unauthorized' Warning kubelet 4 "spec.containers{app}"
