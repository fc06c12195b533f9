wait_pods_running app=api
started=$(kubectl -n "$ns" get pod api -o jsonpath='{.status.startTime}')
set_pod_status api '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [api]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [api]"}],
  "containerStatuses": [{"name": "api", "ready": false, "started": true, "restartCount": 0, "image": "registry.example/api:2.0", "imageID": "registry.example/api@sha256:0c4d",
    "containerID": "containerd://77aa", "state": {"running": {"startedAt": "'"$started"'"}}}]}}'
emit_event pod api Unhealthy 'Readiness probe failed: HTTP probe failed with statuscode: 503' Warning kubelet 60 "spec.containers{api}"
kubectl -n "$ns" wait --for=jsonpath='{.endpoints[0].conditions.ready}'=false endpointslice -l kubernetes.io/service-name=api --timeout=60s >/dev/null
# A pod younger than the grace period is still starting; this one has to be older.
grace=60
age=$(( $(date +%s) - $(date -d "$(kubectl -n "$ns" get pod api -o jsonpath='{.metadata.creationTimestamp}')" +%s) ))
(( age > grace )) || sleep $(( grace - age + 1 ))
