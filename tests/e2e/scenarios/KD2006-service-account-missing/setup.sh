for _ in $(seq 150); do
  rs=$(kubectl -n "$ns" get rs -l app=reports -o jsonpath='{range .items[?(@.status.conditions[0].reason=="FailedCreate")]}{.metadata.name}{end}')
  [[ -n $rs ]] && break
  sleep 0.2
done
