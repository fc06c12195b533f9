# both nodes schedulable
