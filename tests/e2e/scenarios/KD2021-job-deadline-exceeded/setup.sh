# The Job controller stops the Job (and deletes its pod) once the deadline has passed.
kubectl -n "$ns" wait --for=condition=Failed job/export --timeout=60s >/dev/null
