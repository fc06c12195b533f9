kubectl delete pv "e2e-$ns-data" --ignore-not-found --wait=false >/dev/null
