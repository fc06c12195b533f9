wait_pods_running app=orders
kubectl -n "$ns" rollout status deployment/orders --timeout=60s >/dev/null
