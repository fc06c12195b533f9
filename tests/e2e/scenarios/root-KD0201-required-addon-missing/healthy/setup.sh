# The required DNS addon runs (removed when the scenario ends).
kube_system_deployment "e2e-dns-$ns" registry.example/coredns:1.11
kubectl -n kube-system rollout status "deployment/e2e-dns-$ns" --timeout=60s >/dev/null
controller_addons "[{name: coredns, kind: Deployment, namespace: kube-system, objectName: e2e-dns-$ns, required: true}]"
