wait_pods_running app=api
set_pod_status api '{"status": {"conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
  "containerStatuses": [{"name": "api", "ready": false, "restartCount": 7, "image": "registry.example/api:1.0", "imageID": "",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=api pod=api"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:03Z"}}}]}}'
post_alert RegionNetworkDegraded critical "Packet loss above 20% between availability zones"
post_alert DiskAlmostFull warning "not a root alert: the source matches severity=critical only"
sleep 3  # the source is polled every second
