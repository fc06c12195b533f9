kubectl delete ingressclass "e2e-$ns" --ignore-not-found >/dev/null
