expect_eq "the cluster root check failed" "Failed" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[?(@.name=="cluster")].result}')"
expect_eq "the namespace checks were skipped" "Skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[?(@.name=="pods")].result}')"
expect_contains "the verdict says why" "Root check cluster failed, namespace checks skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.summary.verdict}')"
# /livez passes: a server shutting down is alive, only no longer ready.
expect_eq "the finding names /readyz alone" "The API server's /readyz is failing" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.findings[0].message}')"
expect_contains "the evidence names the failing check" "/readyz failed: HTTP 500: shutdown failed" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.findings[0].evidence}')"
# Put back here rather than on exit, so that a cluster left broken fails the scenario.
if restore_api_server; then
  log "ok: the control plane and the controller are back, the API server ready"
else
  fail "the control plane or the controller did not come back"
fi
expect_success "/readyz passes" kubectl get --raw=/readyz
