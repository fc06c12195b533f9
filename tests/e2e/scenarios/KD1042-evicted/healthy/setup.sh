wait_pods_running app=cache
kubectl -n "$ns" rollout status deployment/cache --timeout=60s >/dev/null
