wait_pods_running app=render
kubectl -n "$ns" rollout status deployment/render --timeout=60s >/dev/null
