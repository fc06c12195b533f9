wait_pods_running app=api 5
write_hpa_status api 5 5 180 TooManyReplicas "the desired replica count is more than the maximum replica count"
