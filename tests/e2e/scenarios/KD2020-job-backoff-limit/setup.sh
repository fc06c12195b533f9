# The container exits 1, as the kubelet reports it.
finish_job_pod migrate migrate 1
