kubectl -n "$ns" wait --for=jsonpath='{.status.desiredNumberScheduled}'=2 daemonset/log-agent --timeout=60s >/dev/null
for _ in $(seq 150); do
  [[ -n $(kubectl -n "$ns" get events --field-selector reason=FailedCreate,involvedObject.name=log-agent -o name) ]] && break
  sleep 0.2
done
