# Any latency is too much: the API server's answers (GET /version) are slower than 1µs.
controller_thresholds "apiLatencyWarning: 1us"
# The restarted controller probes the API server in the background: wait until a Diagnosis of
# its own sees the measurement, then the scenario's runs.
for _ in $(seq 20); do
  run_probe_diagnosis 10s || true
  # KD0112 itself: another root finding of the moment must not end the wait early.
  [[ $(probe_codes) == *KD0112* ]] && break
  sleep 1
done
kubectl -n "$ns" delete diagnosis probe >/dev/null
