# An aggregated API whose Service does not exist: kube-apiserver's availability controller
# marks the APIService Available=False.
group=e2e-$ns.example.com
on_exit "kubectl delete apiservice v1.$group --wait=false >/dev/null 2>&1"
kubectl apply -f - >/dev/null <<YAML
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.$group}
spec:
  group: $group
  version: v1
  groupPriorityMinimum: 100
  versionPriority: 10
  insecureSkipTLSVerify: true
  service: {namespace: $ns, name: metrics-adapter, port: 443}
YAML
kubectl wait --for=condition=Available=False "apiservice/v1.$group" --timeout=60s >/dev/null
