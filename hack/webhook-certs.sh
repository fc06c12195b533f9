#!/usr/bin/env bash
# Serving certificates for kdiag's admission webhook without cert-manager (openssl and kubectl
# only), and webhook registration for a controller that runs outside the cluster.
#
#   hack/webhook-certs.sh cluster [NAMESPACE]     for the in-cluster webhook (manifests/base):
#       a new CA and a certificate for kdiag-webhook.NAMESPACE.svc (default kdiag-system) into
#       the Secret kdiag-webhook-tls, and the CA into the caBundle of both webhook
#       configurations. Run it again before the certificate expires; the controller reads the
#       new one without a restart.
#   hack/webhook-certs.sh files DIR NAME...       a CA (DIR/ca.crt) and a serving certificate
#       (DIR/tls.crt, DIR/tls.key) for these DNS names and IP addresses
#   hack/webhook-certs.sh register-url URL CA     webhook configurations that call a controller
#       at URL (https://127.0.0.1:9443) trusting the CA file: for a controller run as a local
#       process (manifests/local, tests/e2e/controller.sh, hack/run.sh)
#   hack/webhook-certs.sh unregister              delete both webhook configurations
#
# KDIAG_WEBHOOK_CERT_DAYS sets how long certificates are valid (default 365).
set -euo pipefail

configuration=kdiag-troubleshootsessions
secret=kdiag-webhook-tls

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# A CA and a serving certificate signed by it, both ECDSA P-256.
make_files() { # dir name...
  local dir=$1 days=${KDIAG_WEBHOOK_CERT_DAYS:-365} san="" name
  shift
  (($# > 0)) || die "files: give at least one DNS name or IP address"
  for name in "$@"; do
    if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then san+="${san:+,}IP:$name"; else san+="${san:+,}DNS:$name"; fi
  done
  mkdir -p "$dir"
  (
    umask 077
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" -days "$days" -subj "/CN=kdiag-webhook-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      2>/dev/null
    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
      -keyout "$dir/tls.key" -out "$dir/tls.csr" -subj "/CN=$1" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
      "subjectAltName=$san" >"$dir/tls.ext"
    openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$dir/tls.ext" \
      -out "$dir/tls.crt" 2>/dev/null
  )
  rm -f "$dir/tls.csr" "$dir/tls.ext"
}

# Puts a CA bundle (PEM, base64-encoded here) into every webhook of both configurations.
patch_ca_bundle() { # pem-file
  local bundle kind count patch
  bundle=$(base64 -w0 <"$1")
  for kind in mutatingwebhookconfiguration validatingwebhookconfiguration; do
    count=$(kubectl get "$kind" "$configuration" -o jsonpath='{range .webhooks[*]}x{end}') ||
      die "$kind $configuration is not installed (kubectl apply -k manifests/base first)"
    patch=$(jq -cn --arg b "$bundle" --argjson n "${#count}" \
      '[range($n) | {op: "add", path: "/webhooks/\(.)/clientConfig/caBundle", value: $b}]')
    kubectl patch "$kind" "$configuration" --type=json -p "$patch" >/dev/null
  done
}

case ${1:-} in
cluster)
  namespace=${2:-kdiag-system}
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  make_files "$work" "kdiag-webhook.$namespace.svc" "kdiag-webhook.$namespace.svc.cluster.local"
  # The API server trusts the previous CA too until the controller has read the new
  # certificate (the kubelet updates the mounted Secret within about a minute).
  cp "$work/ca.crt" "$work/bundle.crt"
  kubectl -n "$namespace" get secret "$secret" -o jsonpath='{.data.ca\.crt}' 2>/dev/null |
    base64 -d >>"$work/bundle.crt" || true
  kubectl -n "$namespace" create secret generic "$secret" --type=kubernetes.io/tls \
    --from-file=tls.crt="$work/tls.crt" --from-file=tls.key="$work/tls.key" \
    --from-file=ca.crt="$work/ca.crt" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  patch_ca_bundle "$work/bundle.crt"
  echo "Secret $namespace/$secret written; caBundle set in $configuration (valid ${KDIAG_WEBHOOK_CERT_DAYS:-365} days)"
  ;;
files)
  (($# >= 3)) || die "usage: $0 files DIR NAME..."
  shift
  make_files "$@"
  ;;
register-url)
  (($# == 3)) || die "usage: $0 register-url URL CA-FILE"
  url=${2%/} bundle=$(base64 -w0 <"$3")
  # The configurations of manifests/base/webhook.yaml, calling URL instead of the Service.
  kubectl create --dry-run=client -o json -f "$(dirname "$0")/../manifests/base/webhook.yaml" |
    jq --slurp --arg url "$url" --arg bundle "$bundle" '{apiVersion: "v1", kind: "List",
      items: map(select(.kind | endswith("WebhookConfiguration"))
        | .metadata.labels["app.kubernetes.io/part-of"] = "kdiag"
        | .webhooks |= map(.clientConfig = {url: ($url + .clientConfig.service.path), caBundle: $bundle}))}' |
    kubectl apply -f - >/dev/null
  ;;
unregister)
  kubectl delete mutatingwebhookconfiguration,validatingwebhookconfiguration "$configuration" \
    --ignore-not-found >/dev/null
  ;;
*)
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
