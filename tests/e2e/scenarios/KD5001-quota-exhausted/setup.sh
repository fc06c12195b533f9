wait_pods_running app=api
rs=$(kubectl -n "$ns" get rs -l app=api -o jsonpath='{.items[0].metadata.name}')
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="ReplicaFailure")].reason}'=FailedCreate "rs/$rs" --timeout=60s >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.used.pods}'=1 resourcequota/pods --timeout=60s >/dev/null
