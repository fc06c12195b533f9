# ContainerCreating for five minutes, measured from the pod's creationTimestamp too: the
# controller runs with a one-second threshold instead.
controller_thresholds "stuckCreatingAfter: 1s"
wait_pods_running app=web
pod=$(pod_of app=web)
scheduled=$(date -u -d '-6 min' +%Y-%m-%dT%H:%M:%SZ)
set_pod_status "$pod" '{"status": {"phase": "Pending",
  "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": "'"$scheduled"'"},
                 {"type": "Initialized", "status": "True", "lastTransitionTime": "'"$scheduled"'"},
                 {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"}],
  "containerStatuses": [{"name": "app", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/web:1.4", "imageID": "",
    "state": {"waiting": {"reason": "ContainerCreating"}}}]}}'
emit_event pod "$pod" FailedMount 'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found' Warning kubelet 11
emit_event pod "$pod" FailedMount 'Unable to attach or mount volumes: unmounted volumes=[tls], unattached volumes=[tls kube-api-access-7xk2p]: timed out waiting for the condition' Warning kubelet 2
sleep 1
