"""Business logic: plain Python, no Reflex, called by both the REST API and the UI."""
