# The metrics addon's Deployment has been waiting for its pods to become ready: its pod crash-loops
# (the root cause), the addon is unhealthy (related).
on_exit "kubectl -n kube-system delete deployment e2e-metrics-$ns --wait=false >/dev/null 2>&1"
kubectl -n kube-system apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: e2e-metrics-$ns}
spec:
  replicas: 1
  selector: {matchLabels: {app: e2e-metrics-$ns}}
  template:
    metadata: {labels: {app: e2e-metrics-$ns}}
    spec: {containers: [{name: server, image: registry.example/metrics-server:0.7}]}
YAML
for _ in $(seq 100); do
  pod=$(kubectl -n kube-system get pods -l "app=e2e-metrics-$ns" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)
  [[ -n $pod && -n $(kubectl -n kube-system get pod "$pod" -o jsonpath='{.status.podIP}') ]] && break
  sleep 0.2
done
kubectl -n kube-system patch pod "$pod" --subresource=status --type=merge -p '{"status": {
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
  "containerStatuses": [{"name": "server", "ready": false, "restartCount": 6, "image": "registry.example/metrics-server:0.7", "imageID": "",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 2m40s restarting failed container=server"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z"}}}]}}' >/dev/null
kubectl -n kube-system wait --for=jsonpath='{.status.unavailableReplicas}'=1 "deployment/e2e-metrics-$ns" --timeout=30s >/dev/null
controller_addons "[{name: metrics-server, kind: Deployment, namespace: kube-system, objectName: e2e-metrics-$ns}]"
