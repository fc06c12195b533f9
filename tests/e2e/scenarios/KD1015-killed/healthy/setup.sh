wait_pods_running app=indexer
kubectl -n "$ns" rollout status deployment/indexer --timeout=60s >/dev/null
