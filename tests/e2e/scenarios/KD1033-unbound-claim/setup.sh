kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="PodScheduled")].reason}'=Unschedulable pod/db --timeout=60s >/dev/null
