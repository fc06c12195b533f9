wait_pods_running app=api
kubectl -n "$ns" rollout status deployment/api --timeout=60s >/dev/null
