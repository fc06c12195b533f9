wait_pods_running app=log-agent
kubectl -n "$ns" rollout status deployment/log-agent --timeout=60s >/dev/null
