# The node is tainted for this scenario only (it runs alone) and untainted when it ends; the pod
# is created once the taint is there.
on_exit 'kubectl taint node kwok-node-0 dedicated=database:NoSchedule- >/dev/null 2>&1'
kubectl taint node kwok-node-0 dedicated=database:NoSchedule --overwrite >/dev/null
kubectl -n "$ns" apply -f "$scenario/pod.yaml" >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="PodScheduled")].reason}'=Unschedulable pod/reports --timeout=60s >/dev/null
