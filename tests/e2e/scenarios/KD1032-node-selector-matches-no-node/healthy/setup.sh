wait_pods_running app=gpu-job
