wait_pods_running app=shop
