wait_pods_running app=api
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="ScalingActive")].reason}'=FailedGetResourceMetric hpa/api --timeout=90s >/dev/null
