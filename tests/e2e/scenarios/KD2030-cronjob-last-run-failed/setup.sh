# A run started now rather than at 02:00: a Job of the CronJob, owned by it.
kubectl -n "$ns" create job nightly-report-29411520 --from=cronjob/nightly-report >/dev/null
wait_pods_running app=nightly-report
pod=$(pod_of app=nightly-report)
# The container exits 1, as the kubelet reports it.
set_pod_status "$pod" '{"status": {"phase": "Failed",
  "conditions": [{"type": "Ready", "status": "False", "reason": "PodFailed"}, {"type": "ContainersReady", "status": "False", "reason": "PodFailed"}],
  "containerStatuses": [{"name": "report", "ready": false, "started": false, "restartCount": 0, "image": "registry.example/report:1.0", "imageID": "registry.example/report@sha256:3e1f",
    "containerID": "containerd://a1b2", "state": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z", "containerID": "containerd://a1b2"}}}]}}'
kubectl -n "$ns" wait --for=condition=Failed job/nightly-report-29411520 --timeout=60s >/dev/null
