# The webhook matches this namespace only and outlives the assertions: remove it.
kubectl delete validatingwebhookconfiguration "e2e-$ns" --ignore-not-found >/dev/null
