for _ in $(seq 150); do
  [[ -n $(kubectl -n "$ns" get events --field-selector reason=FailedCreate,involvedObject.name=db -o name) ]] && break
  sleep 0.2
done
