finish_job_pod migrate migrate 0
