# The API server as the suite runs it: /readyz and /livez pass.
expect_success "the API server is ready" kubectl get --raw=/readyz
