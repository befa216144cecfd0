"""The REST API: thin FastAPI routes over the same services the UI uses."""
