expect_eq "the namespace checks were skipped" "Skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[?(@.name=="pods")].result}')"
expect_contains "the verdict says why" "Root check global failed, namespace checks skipped" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.summary.verdict}')"
expect_contains "the finding names the alert" "RegionNetworkDegraded" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.findings[0].message}')"
post_alert RegionNetworkDegraded critical "resolved" "2026-01-01T00:00:00Z"
post_alert DiskAlmostFull warning "resolved" "2026-01-01T00:00:00Z"
sleep 2
