# The configuration requires a DNS addon the cluster does not run.
controller_addons "[{name: coredns, kind: Deployment, namespace: kube-system, objectName: e2e-dns-$ns, required: true}]"
