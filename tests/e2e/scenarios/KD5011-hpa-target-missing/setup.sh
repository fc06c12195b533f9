kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="AbleToScale")].status}'=False hpa/api --timeout=90s >/dev/null
