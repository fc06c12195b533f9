wait_pods_running app=log-agent 2
kubectl -n "$ns" rollout status daemonset/log-agent --timeout=60s >/dev/null
