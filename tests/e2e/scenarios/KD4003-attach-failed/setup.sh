wait_pods_running app=db
kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=60s >/dev/null
# The kubelet keeps the pod in ContainerCreating while its volume is not there.
set_pod_status db '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [db]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [db]"}],
  "containerStatuses": [{"name": "db", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/db:15", "imageID": "",
    "state": {"waiting": {"reason": "ContainerCreating"}}}]}}'
emit_event pod db FailedAttachVolume "Multi-Attach error for volume \"e2e-$ns-data\" Volume is already exclusively attached to one node and can't be attached to another" Warning attachdetach-controller 1
