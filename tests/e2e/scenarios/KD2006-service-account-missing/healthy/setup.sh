wait_pods_running app=reports
kubectl -n "$ns" rollout status deployment/reports --timeout=60s >/dev/null
