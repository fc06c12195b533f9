kubectl delete pv "pvc-$uid" --ignore-not-found --wait=false >/dev/null
kubectl delete storageclass "e2e-$ns" --ignore-not-found >/dev/null
