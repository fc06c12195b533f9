# The metrics addon runs and is ready.
kube_system_deployment "e2e-metrics-$ns" registry.example/metrics-server:0.7
kubectl -n kube-system rollout status "deployment/e2e-metrics-$ns" --timeout=60s >/dev/null
controller_addons "[{name: metrics-server, kind: Deployment, namespace: kube-system, objectName: e2e-metrics-$ns}]"
