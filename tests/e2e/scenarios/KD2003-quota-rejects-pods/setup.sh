wait_pods_running app=worker
rs=$(kubectl -n "$ns" get rs -l app=worker -o jsonpath='{.items[0].metadata.name}')
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="ReplicaFailure")].reason}'=FailedCreate "rs/$rs" --timeout=60s >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.used.requests\.cpu}'=600m resourcequota/compute --timeout=60s >/dev/null
