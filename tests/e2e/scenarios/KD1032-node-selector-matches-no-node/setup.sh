kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="PodScheduled")].reason}'=Unschedulable pod/gpu-job --timeout=60s >/dev/null
