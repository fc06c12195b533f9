on_exit 'kubectl delete runtimeclass sandboxed-runc --ignore-not-found >/dev/null'
controller_thresholds "stuckCreatingAfter: 1s"
wait_pods_running app=renderer
kubectl -n "$ns" rollout status deployment/renderer --timeout=60s >/dev/null
sleep 1
