for _ in $(seq 100); do
  pod=$(kubectl -n "$ns" get pods -l app=api -o jsonpath='{range .items[?(@.status.conditions[0].reason=="Unschedulable")]}{.metadata.name}{end}')
  [[ -n $pod ]] && break
  sleep 0.2
done
