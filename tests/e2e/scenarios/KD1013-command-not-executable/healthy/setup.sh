wait_pods_running app=batch
kubectl -n "$ns" rollout status deployment/batch --timeout=60s >/dev/null
