wait_pods_running app=search
pod=$(pod_of app=search)
ip=$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.status.podIP}')
ago() { date -u -d "-$1" +%Y-%m-%dT%H:%M:%SZ; }
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}],
  "containerStatuses": [{"name": "app", "ready": true, "started": true, "restartCount": 3, "image": "registry.example/search:6.2",
    "imageID": "registry.example/search@sha256:91cd", "containerID": "containerd://e03a",
    "state": {"running": {"startedAt": "'"$(ago '1 min')"'"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 137, "startedAt": "'"$(ago '7 min')"'", "finishedAt": "'"$(ago '1 min')"'", "containerID": "containerd://d95f"}}}]}}'
emit_event pod "$pod" Unhealthy "Liveness probe failed: Get \"http://$ip:8080/healthz\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)" Warning kubelet 9 "spec.containers{app}"
emit_event pod "$pod" Killing 'Container app failed liveness probe, will be restarted' Normal kubelet 3 "spec.containers{app}"
