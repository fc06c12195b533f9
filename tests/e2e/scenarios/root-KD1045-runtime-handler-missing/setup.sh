# The RuntimeClass is cluster-wide: removed when the scenario ends. ContainerCreating for five
# minutes is measured from the pod's creationTimestamp too: the controller runs with a
# one-second threshold instead.
on_exit 'kubectl delete runtimeclass sandboxed-runsc --ignore-not-found >/dev/null'
controller_thresholds "stuckCreatingAfter: 1s"
wait_pods_running app=renderer
pod=$(pod_of app=renderer)
scheduled=$(date -u -d '-6 min' +%Y-%m-%dT%H:%M:%SZ)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": "'"$scheduled"'"},
                 {"type": "Initialized", "status": "True", "lastTransitionTime": "'"$scheduled"'"},
                 {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/renderer:3.0", "imageID": "",
    "state": {"waiting": {"reason": "ContainerCreating"}}}]}}'
emit_event pod "$pod" FailedCreatePodSandBox 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "runsc" is configured' Warning kubelet 27
sleep 1
