wait_pods_running app=batch
pod=$(pod_of app=batch)
set_pod_status "$pod" '{"status": {"phase": "Running",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 4, "image": "registry.example/batch:2.0", "imageID": "registry.example/batch:2.0@sha256:7d2a",
    "containerID": "containerd://51c0",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container=app pod='"$pod"'"}},
    "lastState": {"terminated": {"reason": "StartError", "exitCode": 128, "message": "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/app/run.sh\": permission denied: unknown", "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z", "containerID": "containerd://51c0"}}}]}}'
emit_event pod "$pod" Failed 'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/run.sh": permission denied: unknown' Warning kubelet 5 "spec.containers{app}"
emit_event pod "$pod" BackOff "Back-off restarting failed container app in pod $pod" Warning kubelet 17 "spec.containers{app}"
