# A run started now rather than at 02:00: a Job of the CronJob, owned by it. Its container
# exits 0.
kubectl -n "$ns" create job nightly-report-29411520 --from=cronjob/nightly-report >/dev/null
finish_job_pod nightly-report-29411520 report 0
