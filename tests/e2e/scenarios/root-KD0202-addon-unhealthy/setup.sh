# The metrics addon's Deployment has been waiting for its pods to become ready: its pod crash-loops
# (the root cause), the addon is unhealthy (related).
kube_system_deployment "e2e-metrics-$ns" registry.example/metrics-server:0.7
kubectl -n kube-system patch pod "$pod" --subresource=status --type=merge -p '{"status": {
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
  "containerStatuses": [{"name": "server", "ready": false, "restartCount": 6, "image": "registry.example/metrics-server:0.7", "imageID": "",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container=server"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z"}}}]}}' >/dev/null
kubectl -n kube-system wait --for=jsonpath='{.status.unavailableReplicas}'=1 "deployment/e2e-metrics-$ns" --timeout=30s >/dev/null
controller_addons "[{name: metrics-server, kind: Deployment, namespace: kube-system, objectName: e2e-metrics-$ns}]"
