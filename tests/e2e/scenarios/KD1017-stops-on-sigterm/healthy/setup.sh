wait_pods_running app=poller
kubectl -n "$ns" rollout status deployment/poller --timeout=60s >/dev/null
