wait_pods_running app=cache
pod=$(pod_of app=cache)
why='The node was low on resource: memory. Threshold quantity: 100Mi, available: 88484Ki. Container app was using 1432Mi, request is 256Mi, has larger consumption of memory.'
set_pod_status "$pod" '{"status": {"phase": "Failed", "reason": "Evicted", "message": "'"$why"'",
  "conditions": [{"type": "DisruptionTarget", "status": "True", "reason": "TerminationByKubelet", "message": "'"$why"'"},
                 {"type": "Ready", "status": "False", "reason": "PodFailed"}, {"type": "ContainersReady", "status": "False", "reason": "PodFailed"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/cache:7.2",
    "imageID": "registry.example/cache@sha256:c2f1", "containerID": "containerd://4be9",
    "state": {"terminated": {"reason": "Error", "exitCode": 137, "startedAt": "2026-11-23T08:00:00Z", "finishedAt": "2026-11-23T10:00:00Z", "containerID": "containerd://4be9"}}}]}}'
emit_event pod "$pod" Evicted "$why" Warning kubelet
emit_event pod "$pod" Killing 'Stopping container app' Normal kubelet 1 "spec.containers{app}"
# The ReplicaSet replaces the evicted pod.
wait_pods_running app=cache 2
