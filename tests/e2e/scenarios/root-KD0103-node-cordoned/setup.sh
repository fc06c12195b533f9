# A cordoned node: informational, it gates nothing.
on_exit 'kubectl uncordon kwok-node-1 >/dev/null 2>&1'
kubectl cordon kwok-node-1 >/dev/null
