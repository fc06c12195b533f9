# The metrics addon runs and is ready.
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
kubectl -n kube-system rollout status "deployment/e2e-metrics-$ns" --timeout=60s >/dev/null
controller_addons "[{name: metrics-server, kind: Deployment, namespace: kube-system, objectName: e2e-metrics-$ns}]"
