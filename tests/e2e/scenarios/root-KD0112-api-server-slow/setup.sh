# Any latency is too much: the API server's answers (GET /version) are slower than 1µs.
controller_thresholds "apiLatencyWarning: 1us"
sleep 3  # the API server is probed right after start
