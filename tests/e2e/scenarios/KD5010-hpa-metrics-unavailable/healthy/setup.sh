wait_pods_running app=api
write_hpa_status api 1 1 35 DesiredWithinRange "the desired count is within the acceptable range"
