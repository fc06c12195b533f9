wait_pods_running app=db 2
kubectl -n "$ns" rollout status statefulset/db --timeout=60s >/dev/null
