wait_pods_running app=worker 2
kubectl -n "$ns" rollout status deployment/worker --timeout=60s >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.used.requests\.cpu}'=1200m resourcequota/compute --timeout=60s >/dev/null
