wait_pods_running app=tools
kubectl -n "$ns" rollout status deployment/tools --timeout=60s >/dev/null
