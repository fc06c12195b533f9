for _ in $(seq 100); do
  pod=$(pod_of app=web 2>/dev/null)
  [[ -n $pod ]] && break
  sleep 0.2
done
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="PodScheduled")].reason}'=Unschedulable "pod/$pod" --timeout=60s >/dev/null
# The Deployment controller marks the rollout failed once the deadline has passed.
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}'=ProgressDeadlineExceeded deployment/web --timeout=60s >/dev/null
