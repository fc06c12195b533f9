wait_pods_running app=db
kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=60s >/dev/null
# The kubelet keeps the pod in ContainerCreating while its volume is not there.
set_pod_status db '{"status": {"phase": "Pending",
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [db]"},
                 {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [db]"}],
  "containerStatuses": [{"name": "db", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/db:15", "imageID": "",
    "state": {"waiting": {"reason": "ContainerCreating"}}}]}}'
emit_event pod db FailedMount "MountVolume.MountDevice failed for volume \"e2e-$ns-data\" : rpc error: code = Internal desc = could not format \"/dev/nvme1n1\" and mount it at \"/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/3c1f0e/globalmount\": format of disk \"/dev/nvme1n1\" failed: type:(\"ext4\") target:(\"/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/3c1f0e/globalmount\") options:(\"defaults\") errcode:(exit status 1) output:(mke2fs 1.46.5 (30-Dec-2021)
/dev/nvme1n1: Input/output error while setting up superblock)" Warning kubelet 6
