expect_eq "every step passed" "Passed Passed Passed Passed Passed Passed Passed Passed Passed Passed Passed" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[*].result}')"
