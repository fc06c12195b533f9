# A node no simulator manages, so its status stays as written (removed by verify.sh).
node=e2e-$ns
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata: {name: $node, labels: {kubernetes.io/hostname: $node}}
YAML
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
kubectl patch node "$node" --subresource=status --type=merge -p "{\"status\": {\"conditions\": [
  {\"type\": \"Ready\", \"status\": \"False\", \"reason\": \"KubeletNotReady\", \"lastHeartbeatTime\": \"$now\", \"lastTransitionTime\": \"$now\",
   \"message\": \"container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized\"}]}}" >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="PodScheduled")].reason}'=Unschedulable pod/big --timeout=60s >/dev/null
