expect_eq "the management-namespaces root check failed" "Failed" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[?(@.name=="management-namespaces")].result}')"
expect_eq "the namespace checks were skipped" "Skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[?(@.name=="pods")].result}')"
kubectl -n kube-system delete pod "$pod" --wait=false >/dev/null
