wait_pods_running app=worker
kubectl -n "$ns" rollout status deployment/worker --timeout=60s >/dev/null
