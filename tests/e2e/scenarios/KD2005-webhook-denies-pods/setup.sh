# The policy is in place before the Deployment arrives.
source "$scenario/webhook.sh"
kubectl -n "$ns" apply -f "$scenario/deployment.yaml" >/dev/null
for _ in $(seq 150); do
  rs=$(kubectl -n "$ns" get rs -l app=billing -o jsonpath='{range .items[?(@.status.conditions[0].reason=="FailedCreate")]}{.metadata.name}{end}')
  [[ -n $rs ]] && break
  sleep 0.2
done
