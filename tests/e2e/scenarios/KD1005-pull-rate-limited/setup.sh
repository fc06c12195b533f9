wait_pods_running app=proxy
pod=$(pod_of app=proxy)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "nginx:1.25", "imageID": "",
    "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"nginx:1.25\""}}}]}}'
emit_event pod "$pod" Failed 'Failed to pull image "nginx:1.25": failed to pull and unpack image "docker.io/library/nginx:1.25": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:a484819eb60211f5299034ac80f6a681b06f89e65866ce91f356ed7c72af059c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit' Warning kubelet 3 "spec.containers{app}"
emit_event pod "$pod" BackOff 'Back-off pulling image "nginx:1.25"' Normal kubelet 8 "spec.containers{app}"
