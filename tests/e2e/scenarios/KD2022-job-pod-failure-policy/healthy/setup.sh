finish_job_pod import import 0
