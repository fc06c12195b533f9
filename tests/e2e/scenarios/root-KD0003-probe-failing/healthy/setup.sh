# the gateway answers
