"""The in-memory Connect Cases backend, one module per resource family."""
