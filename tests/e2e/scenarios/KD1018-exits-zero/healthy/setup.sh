wait_pods_running app=migrate
kubectl -n "$ns" rollout status deployment/migrate --timeout=60s >/dev/null
