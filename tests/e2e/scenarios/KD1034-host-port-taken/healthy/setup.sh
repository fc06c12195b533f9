wait_pods_running app=edge 2
kubectl -n "$ns" rollout status deployment/edge --timeout=60s >/dev/null
