expect_eq "the namespace checks were skipped" "Skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[?(@.name=="pods")].result}')"
expect_contains "the verdict says why" "Root check cluster failed, namespace checks skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.summary.verdict}')"
kubectl delete node "$node" --wait=false >/dev/null
