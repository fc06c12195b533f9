wait_pods_running app=legacy
kubectl -n "$ns" rollout status deployment/legacy --timeout=60s >/dev/null
