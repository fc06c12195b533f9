wait_pods_running app=api 3
write_hpa_status api 3 3 35 DesiredWithinRange "the desired count is within the acceptable range"
