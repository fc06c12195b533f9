wait_pods_running app=api 2
kubectl -n "$ns" rollout status deployment/api --timeout=60s >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.used.pods}'=2 resourcequota/pods --timeout=60s >/dev/null
