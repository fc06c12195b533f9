wait_pods_running app=search
kubectl -n "$ns" rollout status deployment/search --timeout=60s >/dev/null
