wait_pods_running app=web
kubectl -n "$ns" rollout status deployment/web --timeout=60s >/dev/null
