# Any latency is too much: the API server's answers (GET /version) are slower than 1µs.
controller_thresholds "apiLatencyWarning: 1us"
# The restarted controller probes the API server in the background: wait until a Diagnosis of
# its own sees the measurement, then the scenario's runs.
for attempt in $(seq 20); do
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: probe, annotations: {kdiag.dev/rerun: "$attempt"}}
spec: {}
YAML
  kubectl -n "$ns" wait --for=jsonpath='{.status.observedRerun}'="$attempt" diagnosis/probe --timeout=10s >/dev/null || true
  # KD0112 itself: another root finding of the moment must not end the wait early.
  [[ $(kubectl -n "$ns" get diagnosis probe -o jsonpath='{.status.findings[*].code}') == *KD0112* ]] && break
  sleep 1
done
kubectl -n "$ns" delete diagnosis probe >/dev/null
