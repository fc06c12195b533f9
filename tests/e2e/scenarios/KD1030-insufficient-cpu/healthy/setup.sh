wait_pods_running app=big
