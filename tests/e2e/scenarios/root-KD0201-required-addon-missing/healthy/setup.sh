# The required DNS addon runs (removed when the scenario ends).
on_exit "kubectl -n kube-system delete deployment e2e-dns-$ns --wait=false >/dev/null 2>&1"
kubectl -n kube-system apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: e2e-dns-$ns}
spec:
  replicas: 1
  selector: {matchLabels: {app: e2e-dns-$ns}}
  template:
    metadata: {labels: {app: e2e-dns-$ns}}
    spec: {containers: [{name: dns, image: registry.example/coredns:1.11}]}
YAML
kubectl -n kube-system rollout status "deployment/e2e-dns-$ns" --timeout=60s >/dev/null
controller_addons "[{name: coredns, kind: Deployment, namespace: kube-system, objectName: e2e-dns-$ns, required: true}]"
