expect_eq "every step passed" "Passed" \
  "$(kubectl -n "$ns" get diagnosis scenario -o jsonpath='{.status.checkpoints[*].result}' | tr ' ' '\n' | sort -u)"
