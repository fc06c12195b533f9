wait_pods_running app=web 2
kubectl -n "$ns" rollout status deployment/web --timeout=60s >/dev/null
