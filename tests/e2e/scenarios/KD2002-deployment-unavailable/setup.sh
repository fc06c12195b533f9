wait_pods_running app=api
kubectl -n "$ns" rollout status deployment/api --timeout=60s >/dev/null
pod=$(pod_of app=api)
# Not Ready for ten minutes: the kubelet's last transition, backdated.
since=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [api]", "lastTransitionTime": "'"$since"'"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [api]", "lastTransitionTime": "'"$since"'"}],
  "containerStatuses": [{"name": "api", "ready": false, "started": false, "restartCount": 4, "image": "registry.example/api:3.1", "imageID": "registry.example/api@sha256:7d2a",
    "containerID": "containerd://51be",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 1m20s restarting failed container=api pod='"$pod"'"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "'"$since"'", "finishedAt": "'"$since"'", "containerID": "containerd://51be"}}}]}}'
emit_event pod "$pod" BackOff "Back-off restarting failed container api in pod $pod" Warning kubelet 12 "spec.containers{api}"
kubectl -n "$ns" wait --for=jsonpath='{.status.unavailableReplicas}'=1 deployment/api --timeout=60s >/dev/null
