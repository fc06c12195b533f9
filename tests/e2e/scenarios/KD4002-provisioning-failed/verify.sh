kubectl delete storageclass "e2e-$ns" --ignore-not-found >/dev/null
