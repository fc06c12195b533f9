wait_pods_running app=report
kubectl -n "$ns" rollout status deployment/report --timeout=60s >/dev/null
