# The namespace enforces the restricted profile before the Deployment arrives.
kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null
kubectl -n "$ns" apply -f "$scenario/deployment.yaml" >/dev/null
for _ in $(seq 150); do
  rs=$(kubectl -n "$ns" get rs -l app=agent -o jsonpath='{range .items[?(@.status.conditions[0].reason=="FailedCreate")]}{.metadata.name}{end}')
  [[ -n $rs ]] && break
  sleep 0.2
done
