# Starts webhook.py on loopback (where the API server runs) with a certificate for 127.0.0.1,
# and registers it for the pods of this namespace only.
webhook_dir=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$webhook_dir/key.pem" -out "$webhook_dir/cert.pem" 2>/dev/null
python3 "$(dirname "${BASH_SOURCE[0]}")/webhook.py" "$webhook_dir/cert.pem" "$webhook_dir/key.pem" >"$webhook_dir/port" &
webhook_pid=$!
for _ in $(seq 50); do [[ -s $webhook_dir/port ]] && break; sleep 0.1; done
kubectl apply -f - >/dev/null <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: e2e-$ns}
webhooks:
  - name: require-team.policy.example.com
    clientConfig:
      url: https://127.0.0.1:$(cat "$webhook_dir/port")/validate
      caBundle: $(base64 -w0 "$webhook_dir/cert.pem")
    rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: $ns}}
    sideEffects: None
    admissionReviewVersions: [v1]
    failurePolicy: Fail
YAML
