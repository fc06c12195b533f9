wait_pods_running app=queue-worker
kubectl -n "$ns" rollout status deployment/queue-worker --timeout=60s >/dev/null
