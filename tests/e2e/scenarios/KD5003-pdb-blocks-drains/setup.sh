wait_pods_running app=cache
kubectl -n "$ns" wait --for=jsonpath='{.status.expectedPods}'=1 pdb/cache --timeout=60s >/dev/null
