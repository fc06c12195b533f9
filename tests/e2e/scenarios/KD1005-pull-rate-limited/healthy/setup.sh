wait_pods_running app=proxy
kubectl -n "$ns" rollout status deployment/proxy --timeout=60s >/dev/null
